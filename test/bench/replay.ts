/**
 * @module A realistic workload, generated and replayed against the gateway twice in the same
 * run: with day-level reuse, and as a plain exact-range TTL cache (DAY_CACHE=false), so the
 * savings are measured, not claimed.
 *
 * 10,000 requests over 500 KOLs chosen Zipf-style (a few KOLs are asked for most), ranges of
 * 7 to 180 days ending on recent days, so many ranges overlap without being identical.
 */
import type { Miniflare } from "miniflare";
import { EMULATOR_ORIGIN, GATEWAY_ORIGIN, seedClientKey } from "./runtime.ts";
import { drive } from "./measure.ts";

export interface WorkloadRequest {
  kolId: string;
  startDate: string;
  endDate: string;
  days: number;
}

/** mulberry32: a small seeded generator, so every run replays the same workload. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function generateWorkload(requests: number, kols: number, now: number): WorkloadRequest[] {
  const random = seeded(20_261_124);
  const weights = Array.from({ length: kols }, (_, rank) => 1 / (rank + 1) ** 1.1);
  const total = weights.reduce((a, b) => a + b, 0);
  const pickKol = () => {
    let roll = random() * total;
    for (let i = 0; i < kols; i++) if ((roll -= weights[i]!) <= 0) return i;
    return kols - 1;
  };
  const today = Math.floor((now + 8 * 3_600_000) / DAY_MS) * DAY_MS;
  return Array.from({ length: requests }, () => {
    const days = 7 + Math.floor(random() * 174);
    // Dashboards mostly end on yesterday or today; some look a week back.
    const endOffset = random() < 0.8 ? Math.floor(random() * 2) : 2 + Math.floor(random() * 6);
    const end = today - endOffset * DAY_MS;
    return { kolId: String(3_000_000 + pickKol()), startDate: isoDay(end - (days - 1) * DAY_MS), endDate: isoDay(end), days };
  });
}

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
