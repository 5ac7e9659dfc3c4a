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

/** A range-level field the upstream computes: null when its answer had it null, missing or in an odd form. */
const upstreamField = <T extends z.ZodMiniType>(schema: T, description: string) =>
  z
    .nullable(schema)
    .check(z.meta({ description: `${description} Null when the upstream's answer had it null, missing or in another form.` }));

export const trendUpstreamFieldsSchema = z.object({
  fansGrowth: upstreamField(count, "The upstream's `fans_growth` (a legacy field, 0 in every answer seen)."),
  fansGrowthRate: upstreamField(z.number(), "The upstream's `fans_growth_rate` (a legacy field, 0 in every answer seen)."),
  fansGrowthV2: upstreamField(count, "The upstream's `fans_growth_v2.value`: the last day's count minus the first's."),
  fansGrowthRateV2Bp: upstreamField(
    z.number(),
    "The upstream's `fans_growth_rate_v2.value`: that change in basis points of the first day's count.",
  ),
  description: upstreamField(z.string(), "The upstream's `description` text."),
  fansAdvice: upstreamField(z.string(), "The upstream's `fans_advice` text."),
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
