/**
 * @module What the upstream sends: its envelope and its success body, validated with zod.
 *
 * Counts arrive as strings of integers (sometimes numbers); both are accepted, and a count that
 * does not fit a JavaScript safe integer is rejected rather than silently rounded. Objects are
 * loose so the drop-in route can hand back fields we do not model, exactly as they came.
 */
import * as z from "zod";
import { isCalendarDate } from "../calendar.ts";

const integerText = z
  .string()
  .regex(/^-?\d+$/)
  .transform(Number);
export const countSchema = z
  .union([integerText, z.number()])
  .pipe(z.number().refine(Number.isSafeInteger, { message: "count exceeds the safe integer range" }));

const numeric = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^-?\d+(\.\d+)?$/)
      .transform(Number),
  ])
  .pipe(z.number());

const pointSchema = z.looseObject({
  date: z.string().refine(isCalendarDate, { message: "not a calendar date" }),
  fans_cnt: countSchema,
});

const uniqueDates = (points: { date: string }[]) => new Set(points.map((p) => p.date)).size === points.length;

const seriesSchema = z.array(pointSchema).refine(uniqueDates, { message: "a date appears twice" });

export const upstreamDataSchema = z.looseObject({
  daily: seriesSchema,
  delta: seriesSchema,
  fans_growth: countSchema.optional(),
  fans_growth_rate: numeric.optional(),
  fans_growth_v2: z.looseObject({ value: countSchema }).optional(),
  fans_growth_rate_v2: z.looseObject({ value: numeric }).optional(),
  description: z.string().optional(),
  fans_advice: z.string().optional(),
});

export const upstreamEnvelopeSchema = z.looseObject({
  code: z.union([
    z.number().int(),
    z
      .string()
      .regex(/^-?\d+$/)
      .transform(Number),
  ]),
  message: z.string().nullish(),
  data: z.unknown(),
  /** The maker's id for the call, what its support needs to trace a charge (a string, or a number). */
  requestId: z.union([z.string(), z.number()]).nullish(),
});

export type UpstreamData = z.output<typeof upstreamDataSchema>;

/** The upstream body as it came, kept for the drop-in route, beside its parsed form. */
export interface UpstreamSuccess {
  raw: { code: unknown; data: unknown } & Record<string, unknown>;
  data: UpstreamData;
}
