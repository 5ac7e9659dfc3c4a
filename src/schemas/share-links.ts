/**
 * @module Share links: what a client sends to make one (`POST /v1/share-links`), what it reads
 * back, and what a link's viewer may add to its URL (presentation only: never a range, a key or a
 * refresh).
 */
import * as z from "zod/mini";
import { langSchema } from "../render/language.ts";
import { shareRecordSchema } from "../share/links.ts";
import { compareModeSchema, rosterNameSchema } from "./rosters.ts";
import { hidesText, labelSchema } from "./label.ts";
import {
  bomSchema,
  builtOnFirstUse,
  chartWidthSchema,
  dateSchema,
  kolIdSchema,
  rule,
  withRangeRules,
  type RangeLimits,
} from "./request.ts";

/** The longest expiry a link may be given, in days; without one it works until revoked. */
export const MAX_EXPIRY_DAYS = 366;
const MAX_NOTE = 100;
const DAY_MS = 24 * 3600 * 1000;

const linkBodyFields = () => ({
  kolId: z.optional(kolIdSchema),
  /** The creator's name, for the chart's title and the link's text (a creator's link only). */
  name: z.optional(labelSchema),
  roster: z.optional(rosterNameSchema),
  startDate: z.optional(dateSchema),
  endDate: z.optional(dateSchema),
  days: z.optional(z.int().check(z.meta({ description: "A rolling range: the N days that end yesterday (Asia/Shanghai)." }))),
  mode: compareModeSchema,
  lang: langSchema,
  note: z.optional(
    z.string().check(
      z.maxLength(MAX_NOTE, { error: `must be at most ${MAX_NOTE} characters` }),
      z.refine((note) => !hidesText(note), rule("text", "must not hold control or invisible characters")),
      z.meta({ description: "A note for the owner's list: where the link is used, say." }),
    ),
  ),
  expiresAt: z.optional(
    z.iso
      .datetime({ offset: true, error: "must be an RFC 3339 date-time, e.g. 2026-12-31T23:59:59+08:00" })
      .check(
        z.meta({ description: `When the link stops working (at most ${MAX_EXPIRY_DAYS} days ahead); without it, it works until revoked.` }),
      ),
  ),
});

/** The body of `POST /v1/share-links`: one resource (`kolId` or `roster`), one range (dates or `days`). */
export const shareLinkBodySchema = builtOnFirstUse(() => z.strictObject(linkBodyFields()));

/** The range's fields read as they should: the rules that tie them to the rest are checked then
 * (a field of another kind broken, a language say, does not keep them from being named too). */
const RANGE_FIELDS = new Set(["startDate", "endDate", "days"]);
const rangeSound = (payload: z.core.ParsePayload) => !payload.issues.some((issue) => RANGE_FIELDS.has(String(issue.path?.[0])));

/** The same, with the rules that tie its fields together and to the clock. */
export function shareLinkRequestSchema(limits: RangeLimits, nowMs: number) {
  const fixedRange = withRangeRules(z.object({ startDate: dateSchema, endDate: dateSchema }), limits);
  return z.object({
    body: shareLinkBodySchema().check(
      z.superRefine(
        (body, ctx) => {
          const issue = (path: string, name: string, message: string) =>
            ctx.addIssue({ code: "custom", path: [path], ...rule(name, message) });
          if ((body.kolId === undefined) === (body.roster === undefined))
            issue("kolId", "one_resource", "or roster must be given, and only one of them");
          if (body.mode !== undefined && body.roster === undefined) issue("mode", "roster_only", "is for a roster's chart only");
          if (body.name !== undefined && body.kolId === undefined)
            issue("name", "creator_only", "is for a creator's link only (a roster's creators have their labels)");
          if (body.days !== undefined) {
            if (body.startDate !== undefined || body.endDate !== undefined)
              issue("days", "days_or_dates", "must not be sent with startDate or endDate");
            else if (body.days < 1 || body.days > limits.maxRangeDays)
              issue("days", "days", `must be a whole number of days from 1 to ${limits.maxRangeDays}`);
          } else {
            const checked = fixedRange.safeParse({ startDate: body.startDate, endDate: body.endDate });
            for (const problem of checked.success ? [] : checked.error.issues) {
              const field = String(problem.path[0] ?? "startDate");
              const ruleName = problem.code === "custom" ? String(problem.params?.rule) : "required";
              issue(field, ruleName, problem.code === "custom" ? problem.message : "is required unless days is sent");
            }
          }
          if (body.expiresAt !== undefined) {
            const at = Date.parse(body.expiresAt);
            if (at <= nowMs) issue("expiresAt", "future", "must be in the future");
            else if (at > nowMs + MAX_EXPIRY_DAYS * DAY_MS)
              issue("expiresAt", "max_expiry", `must be at most ${MAX_EXPIRY_DAYS} days ahead`);
          }
        },
        { when: rangeSound },
      ),
    ),
  });
}

/** What a viewer may add to a link's URL. */
export const linkQuerySchema = builtOnFirstUse(() =>
  z.object({ query: z.strictObject({ lang: langSchema, bom: bomSchema, mode: compareModeSchema, width: chartWidthSchema }) }),
);

const answerSchemas = builtOnFirstUse(() => {
  const urls = z.object({
    json: z.string(),
    csv: z.string(),
    svg: z.string(),
    /** A roster's wide CSV (a column per creator); absent for one creator. */
    wideCsv: z.optional(z.string()),
    /** The CSV with a byte-order mark, for Excel. */
    excelCsv: z.string(),
  });
  // The stored record as its owner reads it (without the owner: the caller), with what the gateway adds.
  const link = z.extend(z.omit(shareRecordSchema(), { owner: true }), {
    status: z.enum(["active", "revoked", "expired"]),
    urls,
    /** An `<img>` of the chart, to paste into a page or a report. */
    embed: z.string(),
  });
  return { link, list: z.object({ links: z.array(link), limits: z.object({ activeLinks: z.int() }) }) };
});
/** A link as its owner reads it, and the owner's list (built on first use: OpenAPI, MCP, types). */
export const shareLinkSchema = () => answerSchemas().link;
export const shareLinkListSchema = () => answerSchemas().list;
export type ShareLink = z.output<ReturnType<typeof shareLinkSchema>>;
export type ShareLinkList = z.output<ReturnType<typeof shareLinkListSchema>>;
