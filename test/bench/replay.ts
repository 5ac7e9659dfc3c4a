/**
 * @module A realistic workload, generated and replayed against the gateway twice in the same
 * run: with day-level reuse, and as a plain exact-range TTL cache (DAY_CACHE=false), so the
 * savings are measured, not claimed.
 *
 * The workload is workloads.ts's.
 */
import type { Miniflare } from "miniflare";
import { EMULATOR_ORIGIN, GATEWAY_ORIGIN, seedClientKey } from "./runtime.ts";
import { drive } from "./measure.ts";
import type { WorkloadRequest } from "./workloads.ts";

const DAY_MS = 86_400_000;

export interface ReplayResult {
  requests: number;
  daysServed: number;
  upstreamCalls: number;
  upstreamDays: number;
  callsPer1000: number;
  upstreamDaysPerDayServed: number;
  statuses: Record<number, number>;
}

export async function replay(mf: Miniflare, workload: WorkloadRequest[], concurrency: number): Promise<ReplayResult> {
  const key = await seedClientKey(mf, "replay");
  const sample = await drive(
    (i) => {
      const r = workload[i]!;
      return mf.dispatchFetch(`${GATEWAY_ORIGIN}/v1/kols/${r.kolId}/daily-fans?startDate=${r.startDate}&endDate=${r.endDate}`, {
        headers: { Authorization: `Bearer ${key}` },
      });
    },
    workload.length,
    concurrency,
  );
  const log = (await (await mf.dispatchFetch(`${EMULATOR_ORIGIN}/__emulator/requests`)).json()) as { startDate: string; endDate: string }[];
  const upstreamDays = log.reduce((sum, r) => sum + (Date.parse(r.endDate) - Date.parse(r.startDate)) / DAY_MS + 1, 0);
  const daysServed = workload.reduce((sum, r) => sum + r.days, 0);
  return {
    requests: workload.length,
    daysServed,
    upstreamCalls: log.length,
    upstreamDays,
    callsPer1000: (log.length / workload.length) * 1000,
    upstreamDaysPerDayServed: upstreamDays / daysServed,
    statuses: sample.statuses,
  };
}
