/**
 * @module The normaliser: the upstream's body turned into the gateway's typed trend.
 *
 * `daily` and `delta` are merged by date; a day present on one side only gets `null` on the
 * other, never an invented value. The summary is computed from the series itself, so it holds
 * even when the upstream's range-level fields are missing.
 */
import type { KolRange } from "../upstream/request.ts";
import type { UpstreamData } from "../upstream/schema.ts";
import type { Trend, TrendPoint } from "../schemas/trend.ts";

function mergeSeries(data: UpstreamData): TrendPoint[] {
  const byDate = new Map<string, TrendPoint>();
  const pointAt = (date: string) => {
    let point = byDate.get(date);
    if (!point) {
      point = { date, fans: null, delta: null };
      byDate.set(date, point);
    }
    return point;
  };
  for (const { date, fans_cnt } of data.daily) pointAt(date).fans = fans_cnt;
  for (const { date, fans_cnt } of data.delta) pointAt(date).delta = fans_cnt;
  // ISO dates sort correctly as strings, and each date is there once.
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

function summarise(series: TrendPoint[]): Trend["summary"] {
  const counts = series.flatMap((point) => (point.fans === null ? [] : [point.fans]));
  // Both ends come from the same counts: either both are there or neither is.
  const firstFans = counts.length > 0 ? counts[0]! : null;
  const lastFans = counts.length > 0 ? counts[counts.length - 1]! : null;
  const change = firstFans !== null ? lastFans! - firstFans : null;
  const min = counts.length > 0 ? Math.min(...counts) : null;
  const max = counts.length > 0 ? Math.max(...counts) : null;
  return {
    days: series.length,
    firstFans,
    lastFans,
    change,
    changeRate: firstFans ? change! / firstFans : null,
    minFans: min,
    maxFans: max,
    // A day without a delta is neither (null compares false either way).
    gainDays: series.filter((point) => point.delta! > 0).length,
    lossDays: series.filter((point) => point.delta! < 0).length,
  };
}

export function normalize(range: KolRange, data: UpstreamData): Trend {
  const series = mergeSeries(data);
  return {
    kolId: range.kolId,
    startDate: range.startDate,
    endDate: range.endDate,
    series,
    summary: summarise(series),
    upstream: {
      fansGrowth: data.fans_growth ?? null,
      fansGrowthRate: data.fans_growth_rate ?? null,
      fansGrowthV2: data.fans_growth_v2?.value ?? null,
      fansGrowthRateV2Bp: data.fans_growth_rate_v2?.value ?? null,
      description: data.description ?? null,
      fansAdvice: data.fans_advice ?? null,
    },
  };
}
