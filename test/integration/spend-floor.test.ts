/**
 * Spend at the floor: the bench's two workloads (test/bench/replay.ts), replayed against a gateway
 * as deployed (wide calls), cost at most 1.1 times the floor any cache could reach knowing the
 * whole workload (test/bench/oracle.ts), and no settled day is bought twice. The calls are the
 * emulator's own log. `npm run bench` runs larger workloads through this file and reports them
 * (SPEND_FLOOR_REQUESTS; the line `SPEND_FLOOR {...}` carries its figures).
 */
import { inject, describe, expect, it } from "vitest";
import { FIXED_NOW, makeGateway, trendPath } from "../support/gateway.ts";
import { generateRollingWorkload, generateWorkload } from "../bench/workloads.ts";
import { oracleCalls, settlesAt } from "../bench/oracle.ts";
import { datesOf } from "../../src/calendar.ts";

const LIVE_TTL_MS = 3600 * 1000;
const GOAL = 1.1;
const REQUESTS = inject("spendFloorRequests");
const KOLS = Math.max(20, Math.round(REQUESTS / 20));
const ROLLING_DAYS = 7;

type Gateway = ReturnType<typeof makeGateway>;

/** Settled days that more than one call brought (each call's days that were settled when it was made). */
function settledDaysBoughtTwice(gateway: Gateway): number {
  const bought = new Set<string>();
  let twice = 0;
  for (const call of gateway.emulator.requests) {
    for (const date of datesOf(call.startDate!, call.endDate!)) {
      if (settlesAt(date) > call.at) continue;
      const day = `${call.kolId}:${date}`;
      if (bought.has(day)) twice++;
      bought.add(day);
    }
  }
  return twice;
}

async function replayed(gateway: Gateway, workload: readonly { kolId: string; startDate: string; endDate: string; at: number }[]) {
  for (const request of workload) {
    gateway.clock.now = request.at;
    const response = await gateway.request(trendPath(request.kolId, request.startDate, request.endDate));
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  }
  const calls = gateway.emulator.requests.length;
  const floor = oracleCalls(workload, LIVE_TTL_MS);
  const figures = { requests: workload.length, kols: KOLS, calls, floor, ratio: Math.round((calls / floor) * 1000) / 1000 };
  return { ...figures, settledDaysBoughtTwice: settledDaysBoughtTwice(gateway) };
}

describe("spend at the floor", { timeout: 300_000 }, () => {
  it(`a workload at one moment costs at most ${GOAL} times the floor, and no settled day twice`, async () => {
    const workload = generateWorkload(REQUESTS, KOLS, FIXED_NOW).map((request) => ({ ...request, at: FIXED_NOW }));
    const result = await replayed(makeGateway({ env: { UPSTREAM_FETCH_DAYS: undefined } }), workload);
    console.log(`SPEND_FLOOR ${JSON.stringify({ replay: "one-moment", ...result })}`);
    expect(result.calls).toBeLessThanOrEqual(GOAL * result.floor);
    expect(result.settledDaysBoughtTwice).toBe(0);
  });

  it(`a week of time passing (live days expire, days roll over) costs at most ${GOAL} times its floor, and no settled day twice`, async () => {
    // Creators of their own: the coordinators (one per creator id) outlive the replay above in this file's storage.
    const workload = generateRollingWorkload(ROLLING_DAYS, Math.round(REQUESTS / ROLLING_DAYS), KOLS, FIXED_NOW).map((request) => ({
      ...request,
      kolId: String(Number(request.kolId) + 1_000_000),
    }));
    const result = await replayed(makeGateway({ env: { UPSTREAM_FETCH_DAYS: undefined } }), workload);
    console.log(`SPEND_FLOOR ${JSON.stringify({ replay: "rolling", days: ROLLING_DAYS, ...result })}`);
    expect(result.calls).toBeLessThanOrEqual(GOAL * result.floor);
    expect(result.settledDaysBoughtTwice).toBe(0);
  });
});
