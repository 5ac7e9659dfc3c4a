/**
 * @module A range the upstream was never asked for as such, assembled from stored days into
 * the upstream's own body shape, so both routes (normalized and drop-in) serve it unchanged.
 *
 * The range-level fields the upstream computes are computed with its arithmetic
 * (upstream-arithmetic.ts): fans_growth_v2 and fans_growth_rate_v2 from the first and last
 * counts. The legacy fields `fans_growth` and `fans_growth_rate` are "0" and 0 in every answer
 * the upstream is known to give, and `description`/`fans_advice` are empty, so the same values
 * are used.
 */
import type { StoredDay, RawPoint } from "./day-book.ts";
import { growthRateBp } from "../upstream/arithmetic.ts";

export interface UpstreamBody extends Record<string, unknown> {
  code: number;
  data: Record<string, unknown> & { daily: RawPoint[]; delta: RawPoint[] };
}

export function assembleBody(dates: string[], days: Map<string, StoredDay>): UpstreamBody {
  const daily: RawPoint[] = [];
  const delta: RawPoint[] = [];
  for (const date of dates) {
    const day = days.get(date);
    if (day?.fans != null) daily.push({ date, fans_cnt: day.fans });
    if (day?.delta != null) delta.push({ date, fans_cnt: day.delta });
  }
  const first = daily.length > 0 ? Number(daily[0]!.fans_cnt) : 0;
  const growth = daily.length > 0 ? Number(daily[daily.length - 1]!.fans_cnt) - first : 0;
  return {
    code: 0,
    data: {
      base_resp: { status_code: 0, status_message: "" },
      daily,
      delta,
      description: "",
      fans_advice: "",
      fans_growth: "0",
      fans_growth_rate: 0,
      fans_growth_rate_v2: { value: growthRateBp(first, growth) },
      fans_growth_v2: { value: growth },
      raw_play_rate: {},
    },
  };
}
