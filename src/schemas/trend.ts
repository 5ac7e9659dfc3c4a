/**
 * @module The gateway's own answer: a normalized follower trend, typed from this schema.
 */
import * as z from "zod/mini";

const count = z.int();

export const trendPointSchema = z.object({
  date: z.string(),
  fans: z.nullable(count),
  delta: z.nullable(count),
});

export const trendSummarySchema = z.object({
  days: count,
  firstFans: z.nullable(count),
  lastFans: z.nullable(count),
  change: z.nullable(count),
  /** `change / firstFans` as a fraction (0.01 = 1 %), null when undefined. */
  changeRate: z.nullable(z.number()),
  minFans: z.nullable(count),
  maxFans: z.nullable(count),
  gainDays: count,
  lossDays: count,
});

export const trendUpstreamFieldsSchema = z.object({
  fansGrowth: z.nullable(count),
  fansGrowthRate: z.nullable(z.number()),
  fansGrowthV2: z.nullable(count),
  fansGrowthRateV2Bp: z.nullable(z.number()),
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
