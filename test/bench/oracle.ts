/**
 * @module The floor: the fewest upstream calls any cache could make for a workload, knowing the
 * whole workload in advance, under per-call billing and the gateway's freshness contract, with
 * the emulator's settings as the bench runs it (no maximum range, no history depth: one call can
 * bring every day a creator needs).
 *
 * A request at time t for days s..e of a creator is answered by one call made in [A, t], where A
 * is when its data last could change: t - LIVE_TTL when the range has a live day (a live day is
 * served at most LIVE_TTL old), else the moment its last day settled (a settled day fetched while
 * live must be fetched again once settled; one fetched after never). Since one call brings all
 * days, each creator's floor is the fewest points stabbing all its requests' intervals [A, t]:
 * taking them by earliest deadline and stabbing at the deadline is optimal (interval stabbing).
 */
import { addDays, shanghaiToday } from "../../src/calendar.ts";

export interface TimedRequest {
  kolId: string;
  startDate: string;
  endDate: string;
  /** When it is sent (ms since the epoch). */
  at: number;
}

/** When `date` becomes settled: midnight in Shanghai starting the day two days after it. */
export const settlesAt = (date: string) => Date.parse(`${addDays(date, 2)}T00:00:00+08:00`);

/** The earliest moment a call could have answered `request`. */
function earliestAnswer(request: TimedRequest, liveTtlMs: number): number {
  const live = request.endDate > addDays(shanghaiToday(request.at), -2);
  return live ? request.at - liveTtlMs + 1 : settlesAt(request.endDate);
}

/** The floor's calls for `workload`. */
export function oracleCalls(workload: readonly TimedRequest[], liveTtlMs: number): number {
  const byKol = new Map<string, { from: number; to: number }[]>();
  for (const request of workload) {
    const intervals = byKol.get(request.kolId) ?? [];
    intervals.push({ from: earliestAnswer(request, liveTtlMs), to: request.at });
    byKol.set(request.kolId, intervals);
  }
  let calls = 0;
  for (const intervals of byKol.values()) {
    intervals.sort((a, b) => a.to - b.to);
    let stabbed = -Infinity;
    for (const { from, to } of intervals) {
      if (stabbed >= from) continue;
      stabbed = to;
      calls++;
    }
  }
  return calls;
}
