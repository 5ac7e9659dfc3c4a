/**
 * @module What the upstream sends: its envelope and its success body, validated with zod.
 *
 * Counts arrive as strings of integers (sometimes numbers); both are accepted, and a count that
 * does not fit a JavaScript safe integer is rejected rather than silently rounded. Objects are
 * loose so the drop-in route can hand back fields we do not model, exactly as they came.
 *
 * A code-0 answer is billed, so it is read as far as it can be: a range-level field that is null,
 * missing or odd (`fans_growth: null`, `fans_growth_rate: "NaN"`) is read as absent (null in the
 * normalized trend), and a day without a count is a day without data (`askedDays` drops it, with
 * days outside the asked range). Only a body whose series are not lists of days is unusable.
 */
import * as z from "zod/mini";
import { isCalendarDate } from "../calendar.ts";

/** Counts and numbers as text: one spelling for zod's schemas and the fast guard below. */
const INTEGER_TEXT = /^-?\d+$/;
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

const integerText = z.pipe(z.string().check(z.regex(INTEGER_TEXT)), z.transform(Number));
export const countSchema = z.pipe(
  z.union([integerText, z.number()]),
  z.number().check(z.refine(Number.isSafeInteger, { message: "count exceeds the safe integer range" })),
);

const numeric = z.pipe(z.union([z.number(), z.pipe(z.string().check(z.regex(DECIMAL_TEXT)), z.transform(Number))]), z.number());

const pointSchema = z.looseObject({
  date: z.string().check(z.refine(isCalendarDate, { message: "not a calendar date" })),
  fans_cnt: countSchema,
});

const uniqueDates = (points: { date: string }[]) => new Set(points.map((p) => p.date)).size === points.length;

const seriesSchema = z.array(pointSchema).check(z.refine(uniqueDates, { message: "a date appears twice" }));

/** A range-level field: read when it has its documented form, else absent (the answer is billed all the same). */
const lenient = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined);

export const upstreamDataSchema = z.looseObject({
  daily: seriesSchema,
  delta: seriesSchema,
  fans_growth: lenient(countSchema),
  fans_growth_rate: lenient(numeric),
  fans_growth_v2: lenient(z.looseObject({ value: countSchema })),
  fans_growth_rate_v2: lenient(z.looseObject({ value: numeric })),
  description: lenient(z.string()),
  fans_advice: lenient(z.string()),
});

export const upstreamEnvelopeSchema = z.looseObject({
  code: z.union([z.int(), integerText]),
  message: z.nullish(z.string()),
  // May be absent: the code alone decides what an answer is (an error's envelope need not carry `data`).
  data: z.optional(z.unknown()),
  /** The maker's id for the call, what its support needs to trace a charge (a string, or a number). */
  requestId: z.nullish(z.union([z.string(), z.number()])),
});

export type UpstreamData = z.output<typeof upstreamDataSchema>;

/** The upstream body as it came, kept for the drop-in route, beside its parsed form. */
export interface UpstreamSuccess {
  raw: { code: unknown; data: unknown } & Record<string, unknown>;
  data: UpstreamData;
}

// The fast path. A 365-day answer has 730 points: zod's parse builds an issue-collecting context
// and copies every point through its checks, and on Workers (where it cannot compile itself) that
// is most of a miss's CPU. This guard reads the same shape by hand and gives the same output; it
// answers null at the first thing it does not accept, and zod then runs, only to reject the value
// with its own messages. A test holds both to the same output on generated answers.

type Loose = Record<string, unknown>;
const isLoose = (value: unknown): value is Loose => typeof value === "object" && value !== null && !Array.isArray(value);

function fastCount(value: unknown): number | null {
  const number = typeof value === "number" ? value : typeof value === "string" && INTEGER_TEXT.test(value) ? Number(value) : null;
  return number !== null && Number.isSafeInteger(number) ? number : null;
}

function fastNumeric(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  return typeof value === "string" && DECIMAL_TEXT.test(value) ? Number(value) : null;
}

function fastSeries(value: unknown): Loose[] | null {
  if (!Array.isArray(value)) return null;
  const seen = new Set<string>();
  const points: Loose[] = [];
  for (const point of value) {
    if (!isLoose(point) || typeof point.date !== "string" || !isCalendarDate(point.date) || seen.has(point.date)) return null;
    const fans = fastCount(point.fans_cnt);
    if (fans === null) return null;
    seen.add(point.date);
    points.push({ ...point, fans_cnt: fans });
  }
  return points;
}

/** A loose `{ value }` object whose value `read` accepts, else null. */
function fastValueObject(value: unknown, read: (value: unknown) => number | null): Loose | null {
  if (!isLoose(value)) return null;
  const inner = read(value.value);
  return inner === null ? null : { ...value, value: inner };
}

const fastString = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** The range-level fields and how each is read; one that does not read is absent (zod's `lenient`). */
const RANGE_FIELDS = [
  ["fans_growth", fastCount],
  ["fans_growth_rate", fastNumeric],
  ["fans_growth_v2", (value: unknown) => fastValueObject(value, fastCount)],
  ["fans_growth_rate_v2", (value: unknown) => fastValueObject(value, fastNumeric)],
  ["description", fastString],
  ["fans_advice", fastString],
] as const;

function fastUpstreamData(value: unknown): UpstreamData | null {
  if (!isLoose(value)) return null;
  const daily = fastSeries(value.daily);
  const delta = fastSeries(value.delta);
  if (!daily || !delta) return null;
  const data: Loose = { ...value, daily, delta };
  for (const [field, read] of RANGE_FIELDS) {
    if (!(field in value)) continue;
    data[field] = read(value[field]) ?? undefined;
  }
  return data as UpstreamData;
}

/** The upstream's success `data`, validated: by the fast guard, else by zod (which explains a rejection). */
export function parseUpstreamData(value: unknown): { success: true; data: UpstreamData } | { success: false; error: z.core.$ZodError } {
  const fast = fastUpstreamData(value);
  if (fast) return { success: true, data: fast };
  const parsed = upstreamDataSchema.safeParse(value);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, error: parsed.error };
}

/** What `askedDays` dropped from an answer, by reason: upstream oddities for the operator's log. */
export type Oddities = Partial<
  Record<"outside the asked range" | "without a calendar date" | "without a count" | "listed twice", string[]>
>;

/**
 * An answer's days that can be served for the range asked: inside it, with a calendar date and a
 * count, each date once in its series (a date listed twice is dropped, both times: which is right
 * cannot be told). Everything else is left as it came; a `data` whose series are not lists is
 * returned as it is, for the schema to refuse.
 */
export function askedDays(value: unknown, range: { startDate: string; endDate: string }): { data: unknown; oddities: Oddities } {
  const oddities: Oddities = {};
  if (!isLoose(value) || !Array.isArray(value.daily) || !Array.isArray(value.delta)) return { data: value, oddities };
  const note = (reason: keyof Oddities, what: string) => (oddities[reason] ??= []).push(what);
  const keep = (series: unknown[], name: string) => {
    const dates = series.map((point) => (isLoose(point) && typeof point.date === "string" ? point.date : null));
    // One pass with a set (a wide call's year of days made `indexOf` here the miss's costliest step).
    const seen = new Set<string>();
    const twice = new Set<string>();
    for (const date of dates) if (date !== null) (seen.has(date) ? twice : seen).add(date);
    return series.filter((point, i) => {
      const date = dates[i] ?? null;
      if (date === null || !isCalendarDate(date)) note("without a calendar date", `${name}[${i}]`);
      else if (date < range.startDate || date > range.endDate) note("outside the asked range", `${name} ${date}`);
      else if (twice.has(date)) note("listed twice", `${name} ${date}`);
      else if (fastCount((point as Loose).fans_cnt) === null) note("without a count", `${name} ${date}`);
      else return true;
      return false;
    });
  };
  return { data: { ...value, daily: keep(value.daily, "daily"), delta: keep(value.delta, "delta") }, oddities };
}
