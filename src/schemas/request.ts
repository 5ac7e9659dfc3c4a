/**
 * @module What a client may ask for: the daily-fans request, validated with zod.
 *
 * Every violated rule is reported at once, each naming its field, where it was sent (path or
 * query) and the rule, so a client fixes everything in one round trip. Rules that depend on the
 * clock or on configuration come from a factory; the field schemas themselves are shared.
 */
import * as z from "zod/mini";
import "./messages.ts";
import { addDays, dayNumber, isCalendarDate, shanghaiToday } from "../calendar.ts";
import type { Config } from "../config/config.ts";
import { ProblemError, type FieldError } from "../problem.ts";
import { langSchema, type Lang } from "../render/language.ts";
import { MAX_WIDTH, MIN_WIDTH } from "../render/chart.ts";

import { rule } from "./rule.ts";
import { labelSchema } from "./label.ts";

export { rule };

// No real id starts with 0, and "042" and "42" would be two upstream calls (two purchases) for
// what may be one creator: refused rather than guessed at.
export const kolIdSchema = z.string().check(
  z.refine((value) => /^[1-9][0-9]{0,31}$/.test(value), rule("kol_id_format", "must be 1 to 32 ASCII digits, not starting with 0")),
  z.meta({
    description: "The KOL's (creator's) Douyin Xingtu id: 1 to 32 ASCII digits, not starting with 0.",
    pattern: "^[1-9][0-9]{0,31}$",
    examples: ["6838432048"],
  }),
);

export const dateSchema = z
  .string()
  .check(
    z.refine(isCalendarDate, rule("calendar_date", "must be a real calendar date written yyyy-MM-dd")),
    z.meta({ description: "A calendar date, yyyy-MM-dd (Asia/Shanghai days).", format: "date", examples: ["2026-03-08"] }),
  );

const BOOLEAN_WORDS = ["true", "false", "1", "0"];

/** A yes-or-no query parameter: true, false, 1 or 0. */
const booleanWord = (description: string) =>
  z.pipe(
    z.string().check(
      z.refine((value) => BOOLEAN_WORDS.includes(value), rule("boolean", "must be one of true, false, 1, 0")),
      z.meta({ description, enum: BOOLEAN_WORDS }),
    ),
    z.transform((value: string) => value === "true" || value === "1"),
  );

const acceptCacheValue = booleanWord("Let the upstream answer from its own cache (passed to the upstream on a miss).");
export const acceptCacheSchema = z.optional(acceptCacheValue);

/** `bom=true`: a CSV download for Excel (render/csv.ts). */
export const bomSchema = z.optional(
  booleanWord(
    "Start the CSV with a UTF-8 byte-order mark, for Excel, which otherwise garbles Chinese text (not for Google Sheets' IMPORTDATA).",
  ),
);

export interface RangeLimits {
  maxRangeDays: number;
  /** Today's date in Asia/Shanghai. */
  today: string;
  /** The earliest date served (MIN_DATE). */
  minDate: string;
}

/** The limits a request is checked against now. */
export function rangeLimits(config: Pick<Config, "MAX_RANGE_DAYS" | "MIN_DATE">, nowMs: number): RangeLimits {
  return { maxRangeDays: config.MAX_RANGE_DAYS, today: shanghaiToday(nowMs), minDate: config.MIN_DATE };
}

/**
 * `days=N` (in a query, or a JSON body's number): the rolling range of the N days that end
 * yesterday (Asia/Shanghai), as the dates it stands for, so an embedded chart or a spreadsheet's
 * link need not be edited as days pass, and its answer is kept as that fixed range's is (its
 * settled days are bought once, ever; yesterday, still live, again after LIVE_TTL_SECONDS when
 * asked). It replaces startDate and endDate, and is refused beside them.
 */
export function rollingDays(
  input: Record<string, unknown>,
  limits: RangeLimits,
  where: "query" | "body" = "query",
): Record<string, unknown> {
  if (!("days" in input)) return input;
  const { days, ...rest } = input;
  const refuse = (rule: string, message: string) => invalidFields([{ field: "days", in: where, rule, message }]);
  if ("startDate" in rest || "endDate" in rest) throw refuse("days_or_dates", "must not be sent with startDate or endDate");
  if (Array.isArray(days) && where === "query") throw refuse("single_value", "must be sent once");
  const written = where === "query" ? typeof days === "string" && /^[1-9]\d{0,5}$/.test(days) : Number.isInteger(days);
  const count = written ? Number(days) : NaN;
  if (!(count >= 1 && count <= limits.maxRangeDays))
    throw refuse("days", `must be a whole number of days from 1 to ${limits.maxRangeDays}`);
  return { ...rest, startDate: addDays(limits.today, -count), endDate: addDays(limits.today, -1) };
}

/** Builds a limits-dependent schema once per distinct limits (they change once a day), not per
 * request: constructing zod schemas is work the hot path should not repeat. */
export function perLimits<T>(factory: (limits: RangeLimits) => T): (limits: RangeLimits) => T {
  let last: { key: string; schema: T } | undefined;
  return (limits) => {
    const key = `${limits.maxRangeDays}|${limits.today}|${limits.minDate}`;
    if (last?.key !== key) last = { key, schema: factory(limits) };
    return last.schema;
  };
}

/** Builds a schema the first time it is asked for: for routes off the data path, whose schemas
 * every isolate would otherwise build at start-up, whether it serves them or not. */
export function builtOnFirstUse<T>(build: () => T): () => T {
  let built: { schema: T } | undefined;
  return () => (built ??= { schema: build() }).schema;
}

export const rangeFields = { startDate: dateSchema, endDate: dateSchema, acceptCache: acceptCacheSchema };

// Refinements that read a field run only when that field is well formed; every other rule's
// violations (the range rules' own included) are still reported beside theirs.
const RANGE_RULES = new Set(["min_date", "date_order", "max_range", "not_in_future"]);
const hasFormatIssueAt = (payload: z.core.ParsePayload, field: string) =>
  payload.issues.some(
    (issue) => issue.path?.includes(field) && !RANGE_RULES.has(String((issue as { params?: { rule?: unknown } }).params?.rule)),
  );

export function withRangeRules<T extends z.ZodMiniObject>(query: T, limits: RangeLimits) {
  return query.check(
    z.superRefine(
      (value, ctx) => {
        const { startDate, endDate } = value as { startDate: string; endDate: string };
        const start = dayNumber(startDate) as number;
        const end = dayNumber(endDate) as number;
        if (startDate < limits.minDate) {
          ctx.addIssue({
            code: "custom",
            path: ["startDate"],
            ...rule("min_date", `must not be before ${limits.minDate}, the earliest date served`),
          });
        }
        if (start > end) {
          ctx.addIssue({ code: "custom", path: ["startDate"], ...rule("date_order", "must not be after endDate") });
        } else if (end - start + 1 > limits.maxRangeDays) {
          ctx.addIssue({
            code: "custom",
            path: ["endDate"],
            ...rule("max_range", `must be at most ${limits.maxRangeDays} days (inclusive) after startDate`),
          });
        }
      },
      { when: (payload) => !hasFormatIssueAt(payload, "startDate") && !hasFormatIssueAt(payload, "endDate") },
    ),
    z.superRefine(
      (value, ctx) => {
        if ((value as { endDate: string }).endDate > limits.today) {
          ctx.addIssue({
            code: "custom",
            path: ["endDate"],
            ...rule("not_in_future", `must not be after today in Asia/Shanghai (${limits.today})`),
          });
        }
      },
      { when: (payload) => !hasFormatIssueAt(payload, "endDate") },
    ),
  );
}

export const formatSchema = z.optional(
  z
    .enum(["json", "csv"], { error: "must be json or csv" })
    .check(z.meta({ description: "json (the default) or csv; `Accept: text/csv` also asks for CSV." })),
);

/** `/v1/kols/{kolId}/daily-fans?startDate&endDate[&acceptCache][&format]` */
export function trendRequestSchema(limits: RangeLimits) {
  return z.pipe(
    z.object({
      path: z.object({ kolId: kolIdSchema }),
      query: withRangeRules(z.strictObject({ ...rangeFields, format: formatSchema, lang: langSchema, bom: bomSchema }), limits),
    }),
    z.transform(({ path, query }) => ({ kolId: path.kolId, ...query })),
  );
}

/** `width=N`: the chart laid out N pixels wide, its text the same size at any width. */
export const chartWidthSchema = z.optional(
  z.pipe(
    z.string().check(
      z.refine(
        (value) => /^\d{3,4}$/.test(value) && Number(value) >= MIN_WIDTH && Number(value) <= MAX_WIDTH,
        rule("width", `must be a whole number of pixels from ${MIN_WIDTH} to ${MAX_WIDTH}`),
      ),
      z.meta({
        description: `The chart's width in pixels, ${MIN_WIDTH} to ${MAX_WIDTH} (800 by default): the plot takes the room and the text keeps its size, so a chart embedded 400 px wide stays legible (scaling an 800 px one down would halve its text).`,
        examples: ["400"],
      }),
    ),
    z.transform(Number),
  ),
);

export const chartKeySchema = z.optional(
  z.string().check(z.meta({ description: "A client key, for `<img>` embeds that cannot send headers." })),
);

/** `name=...`: the creator's name, for a chart's title (an `<img>` cannot say it any other way). */
export const chartNameSchema = z.optional(labelSchema);

/** `/v1/kols/{kolId}/daily-fans.svg?startDate&endDate[&acceptCache][&key][&name]` */
export function chartRequestSchema(limits: RangeLimits) {
  return z.pipe(
    z.object({
      path: z.object({ kolId: kolIdSchema }),
      query: withRangeRules(
        z.strictObject({ ...rangeFields, key: chartKeySchema, lang: langSchema, width: chartWidthSchema, name: chartNameSchema }),
        limits,
      ),
    }),
    z.transform(({ path, query: { key: _key, ...query } }) => ({ kolId: path.kolId, ...query })),
  );
}

/** The upstream's seed path (`kolId`); its `token` parameter is accepted and never forwarded. */
export function dropInRequestSchema(limits: RangeLimits) {
  return z.pipe(
    z.object({
      query: withRangeRules(z.strictObject({ kolId: kolIdSchema, ...rangeFields, token: z.optional(z.unknown()) }), limits),
    }),
    z.transform(({ query: { token: _token, ...query } }) => query),
  );
}

/** The upstream's successor path: the same creator id, named `oAuthorId`. */
export function successorDropInRequestSchema(limits: RangeLimits) {
  return z.pipe(
    z.object({
      query: withRangeRules(z.strictObject({ oAuthorId: kolIdSchema, ...rangeFields, token: z.optional(z.unknown()) }), limits),
    }),
    z.transform(({ query: { token: _token, oAuthorId, ...query } }) => ({ kolId: oAuthorId, ...query })),
  );
}

export type TrendRequest = z.output<ReturnType<typeof dropInRequestSchema>> & {
  format?: "json" | "csv";
  lang?: Lang;
  bom?: boolean;
  width?: number;
  /** The creator's name, for a chart's title. */
  name?: string;
};

const webhookAcceptCache = z.optional(
  z.union([z.boolean(), acceptCacheValue], { error: "must be true or false (or one of the words true, false, 1, 0)" }),
);

export const webhookBodySchema = z.strictObject({
  kolId: kolIdSchema,
  ...rangeFields,
  acceptCache: webhookAcceptCache,
  callbackUrl: z.optional(
    z
      .string()
      .check(
        z.maxLength(2048, { error: "must be at most 2048 characters" }),
        z.meta({ description: "Deliver the answer asynchronously: an https URL on a host in CALLBACK_HOSTS.", format: "uri" }),
      ),
  ),
  requestId: z.optional(
    z.string().check(
      z.refine((value) => /^[A-Za-z0-9._:-]{1,128}$/.test(value), rule("request_id", "must be 1 to 128 letters, digits or . _ : -")),
      z.meta({
        description: "Makes the request idempotent for 24 h: the same id yields the same delivery.",
        pattern: "^[A-Za-z0-9._:-]{1,128}$",
      }),
    ),
  ),
});

/** `POST /v1/webhooks/daily-fans`: the same rules, in a JSON body, with delivery options. */
export function webhookRequestSchema(limits: RangeLimits) {
  return z.pipe(
    z.object({ body: withRangeRules(webhookBodySchema, limits) }),
    z.transform(({ body }) => body),
  );
}

export type WebhookRequest = z.output<ReturnType<typeof webhookRequestSchema>>;

export type LocatedFieldError = FieldError & { in: "path" | "query" | "body" };

type Location = LocatedFieldError["in"];
type RawRequest = Record<Location, Record<string, unknown>>;

/** Turns zod issues into one error per field and rule, naming where the field was sent. */
export function toFieldErrors(issues: z.core.$ZodIssue[], raw: Partial<RawRequest>): LocatedFieldError[] {
  return issues.flatMap((issue): LocatedFieldError[] => {
    const location: Location = issue.path[0] === "path" || issue.path[0] === "body" ? issue.path[0] : "query";
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        field: key,
        in: location,
        rule: "unknown_parameter",
        message: "is not a parameter of this route",
      }));
    }
    // The field's name within its location: `startDate`, or `kolIds[3]` for an item of a list.
    const field = issue.path
      .slice(1)
      .map((part, index) => (typeof part === "number" ? `[${part}]` : `${index > 0 ? "." : ""}${String(part)}`))
      .join("");
    if (issue.code === "custom") {
      return [{ field, in: location, rule: String(issue.params?.rule ?? "invalid"), message: issue.message }];
    }
    const sent = issue.path
      .slice(1)
      .reduce<unknown>((value, part) => (value as Record<PropertyKey, unknown> | undefined)?.[part], raw[location]);
    if (sent === undefined) return [{ field, in: location, rule: "required", message: "is required" }];
    // A repeated query parameter arrives as a list; in a JSON body a list is simply the wrong type.
    // (A list's own rules, its length for one, are about a list that was meant to be one.)
    // (No query parameter is a list: whatever rule a repeated one broke, the mistake is repeating it.)
    if (Array.isArray(sent) && location !== "body") return [{ field, in: location, rule: "single_value", message: "must be sent once" }];
    if (Array.isArray(sent) && issue.code === "invalid_type") {
      return [{ field, in: location, rule: "type", message: "must be a single value, not a list" }];
    }
    return [{ field, in: location, rule: issue.code, message: issue.message }];
  });
}

/** `input` as `schema` reads it, or the one problem naming every rule it breaks. */
export function validated<T>(schema: z.ZodMiniType<T>, input: Partial<RawRequest>): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw invalidFields(toFieldErrors(parsed.error.issues, input));
  return parsed.data;
}

/** The one problem for a request that broke field rules: every violation, named, at once, and
 * counted by where it was sent (parameters are the path's and the query's). */
export function invalidFields(errors: LocatedFieldError[]): ProblemError {
  const where = new Set(errors.map((error) => (error.in === "body" ? "body" : "parameter")));
  const noun = where.size === 1 ? [...where][0] : "request";
  return new ProblemError("invalid-request", {
    detail: `${errors.length} ${noun} problem${errors.length === 1 ? "" : "s"}: ${errors.map((e) => `${e.field} ${e.message}`).join("; ")}.`,
    errors,
  });
}
