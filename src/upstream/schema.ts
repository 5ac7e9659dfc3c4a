/**
 * @module What the upstream sends: its envelope and its success body, validated with zod.
 *
 * Counts arrive as strings of integers (sometimes numbers); both are accepted, and a count that
 * does not fit a JavaScript safe integer is rejected rather than silently rounded. Objects are
 * loose so the drop-in route can hand back fields we do not model, exactly as they came.
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

export const upstreamDataSchema = z.looseObject({
  daily: seriesSchema,
  delta: seriesSchema,
  fans_growth: z.optional(countSchema),
  fans_growth_rate: z.optional(numeric),
  fans_growth_v2: z.optional(z.looseObject({ value: countSchema })),
  fans_growth_rate_v2: z.optional(z.looseObject({ value: numeric })),
  description: z.optional(z.string()),
  fans_advice: z.optional(z.string()),
});

export const upstreamEnvelopeSchema = z.looseObject({
  code: z.union([z.int(), integerText]),
  message: z.nullish(z.string()),
  data: z.unknown(),
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

/** An optional loose `{ value }` object whose value `read` accepts; undefined when absent, null when refused. */
function fastValueObject(value: unknown, read: (value: unknown) => number | null): Loose | undefined | null {
  if (value === undefined) return undefined;
  if (!isLoose(value)) return null;
  const inner = read(value.value);
  return inner === null ? null : { ...value, value: inner };
}

function fastUpstreamData(value: unknown): UpstreamData | null {
  if (!isLoose(value)) return null;
  const daily = fastSeries(value.daily);
  const delta = fastSeries(value.delta);
  if (!daily || !delta) return null;
  const data: Loose = { ...value, daily, delta };
  for (const [field, read] of [
    ["fans_growth", fastCount],
    ["fans_growth_rate", fastNumeric],
  ] as const) {
    if (value[field] === undefined) continue;
    const parsed = read(value[field]);
    if (parsed === null) return null;
    data[field] = parsed;
  }
  for (const [field, read] of [
    ["fans_growth_v2", fastCount],
    ["fans_growth_rate_v2", fastNumeric],
  ] as const) {
    const parsed = fastValueObject(value[field], read);
    if (parsed === null) return null;
    if (parsed !== undefined) data[field] = parsed;
  }
  for (const field of ["description", "fans_advice"] as const) {
    if (value[field] !== undefined && typeof value[field] !== "string") return null;
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
