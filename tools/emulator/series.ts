/**
 * @module The emulator's data: a deterministic, plausible follower count for any KOL and day,
 * and the upstream's own arithmetic over it.
 *
 * A day's count depends only on (kolId, date), never on the range asked for, so overlapping
 * ranges agree exactly, as they do upstream. The range-level arithmetic is the upstream's own
 * (see upstream-arithmetic.ts).
 */
import { addDays, datesOf, dayNumber } from "../../src/calendar.ts";
import { rangeArithmetic } from "../../src/upstream/arithmetic.ts";

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

const EPOCH_DAY = 19_723; // 2024-01-01

export function fansOn(kolId: string, date: string): number {
  const seed = fnv1a(kolId);
  const day = dayNumber(date);
  if (day === null) throw new RangeError(`not a calendar date: ${date}`);
  const base = 200_000 + (seed % 5_000_000);
  const trend = ((seed >>> 8) % 121) - 60;
  const wave = 1_500 * Math.sin((2 * Math.PI * day) / (20 + (seed % 40)) + (seed % 7));
  const noise = (fnv1a(`${kolId}:${date}`) % 401) - 200;
  return Math.max(0, Math.round(base + trend * (day - EPOCH_DAY) + wave + noise));
}

/** The upstream's success body for one KOL and range, strings where the upstream sends strings. */
export function successBody(kolId: string, startDate: string, endDate: string) {
  const dates = datesOf(startDate, endDate);
  const counts = dates.map((date) => fansOn(kolId, date));
  const { delta, growth, growthRateBp } = rangeArithmetic(counts, fansOn(kolId, addDays(startDate, -1)));
  return {
    code: 0,
    data: {
      base_resp: { status_code: 0, status_message: "" },
      daily: dates.map((date, i) => ({ date, fans_cnt: String(counts[i]) })),
      delta: dates.map((date, i) => ({ date, fans_cnt: String(delta[i]) })),
      description: "",
      fans_advice: "",
      fans_growth: "0",
      fans_growth_rate: 0,
      fans_growth_rate_v2: { value: growthRateBp },
      fans_growth_v2: { value: growth },
      raw_play_rate: {},
    },
  };
}
