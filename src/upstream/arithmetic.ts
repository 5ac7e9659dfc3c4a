/**
 * @module The upstream's own arithmetic, read off its sample answer, shared by the gateway (to
 * compute range-level fields for a range it assembled from stored days) and by the emulator:
 * - delta[i] = daily[i] - daily[i-1], the first against the day before the range;
 * - fans_growth_v2 = last - first;
 * - fans_growth_rate_v2 = that change in basis points of the first day, truncated toward zero.
 */

export interface RangeArithmetic {
  delta: number[];
  growth: number;
  growthRateBp: number;
}

export function growthRateBp(first: number, growth: number): number {
  // `+ 0` turns a truncated -0 into 0, as the upstream's integer arithmetic has no -0.
  return first === 0 ? 0 : Math.trunc((growth * 10_000) / first) + 0;
}

export function rangeArithmetic(counts: number[], dayBefore: number): RangeArithmetic {
  const delta = counts.map((count, i) => count - (i === 0 ? dayBefore : counts[i - 1]!));
  const first = counts[0] ?? 0;
  const growth = counts.length > 0 ? counts[counts.length - 1]! - first : 0;
  return { delta, growth, growthRateBp: growthRateBp(first, growth) };
}
