/**
 * @module The gateway's own answer: a normalized follower trend, typed from this schema.
 */
import * as z from "zod";

const count = z.number().int();

export const trendPointSchema = z.object({
  date: z.string(),
  fans: count.nullable(),
  delta: count.nullable(),
});

export const trendSummarySchema = z.object({
  days: count,
  firstFans: count.nullable(),
  lastFans: count.nullable(),
  change: count.nullable(),
  /** `change / firstFans` as a fraction (0.01 = 1 %), null when undefined. */
  changeRate: z.number().nullable(),
  minFans: count.nullable(),
  maxFans: count.nullable(),
  gainDays: count,
  lossDays: count,
});

export const trendUpstreamFieldsSchema = z.object({
  fansGrowth: count.nullable(),
  fansGrowthRate: z.number().nullable(),
  fansGrowthV2: count.nullable(),
  fansGrowthRateV2Bp: z.number().nullable(),
  description: z.string(),
  fansAdvice: z.string(),
});

export const trendSchema = z.object({
  kolId: z.string(),
  startDate: z.string(),
  endDate: z.string(),
  series: z.array(trendPointSchema),
  summary: trendSummarySchema,
  upstream: trendUpstreamFieldsSchema,
});

export type Trend = z.infer<typeof trendSchema>;
export type TrendPoint = z.infer<typeof trendPointSchema>;
