/**
 * @module Exactness across isolates: two gateway isolates (each its own memory tier) bound to the
 * same Durable Objects and KV, as two locations of one deployment are. Used by `npm run bench`
 * (the `coordination` section) and by the Node test that holds the figures to their goals.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Miniflare } from "miniflare";
import { addDays, daysInRange } from "../../src/calendar.ts";
import { CALLBACK_HOST, EMULATOR_ORIGIN, gatewayOrigin, seedClientKey, startRuntime, type Bundle } from "./runtime.ts";

export interface Coordination {
  isolates: number;
  coldIdentical: { requests: number; upstreamCalls: number };
  /** `upstreamDays` may pass `distinctDays`: a call asks for the widest useful window (UPSTREAM_FETCH_DAYS). */
  overlapping: {
    requests: number;
    distinctDays: number;
    upstreamCalls: number;
    upstreamDays: number;
    daysFetchedTwice: number;
    storedDaysAfter: number;
  };
  budget: { limit: number; concurrentMisses: number; upstreamCalls: number };
  /** The same budget when the isolates are lost holding calls the account leased them (a restart, an
   * eviction): the calls made before and after, which together never pass the budget (a lost lease
   * counts as spent until it lapses). */
  budgetAcrossLostLeases: { limit: number; before: number; concurrentMissesAfter: number; after: number };
  idempotency: { concurrentPosts: number; deliveries: number };
}

const ISOLATES = 2;
const EMULATOR_LATENCY_MS = 50;
const COLD_IDENTICAL = 100;
const OVERLAPPING = 20;
const OVERLAP_DAYS = 8;
const BUDGET = 5;
const BUDGET_MISSES = 30;
/** Room for leases (the account leases none near its budget: reservations.ts leaseSize), and
 * more misses after the loss than the budget has left. */
const LOST_LEASES_BUDGET = 70;
const LOST_LEASES_MISSES = 80;
const POSTS = 20;

/** A request as the scenarios send it: Miniflare's own request type is not Node's. */
interface Send {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** What a scenario reads of an answer: Miniflare's Response and Node's share this much. */
type Answer = Pick<Response, "status" | "text" | "arrayBuffer">;

interface Driver {
  /** Sends to isolate `n % isolates`. */
  send(n: number, path: string, init?: Send): Promise<Answer>;
  /** The upstream requests made since the last call, by their ranges. */
  takeUpstream(): Promise<{ startDate: string; endDate: string }[]>;
}

async function driver(mf: Miniflare): Promise<Driver> {
  const key = await seedClientKey(mf, "coordination");
  return {
    send: (n, path, init = {}) =>
      mf.dispatchFetch(`${gatewayOrigin(n % ISOLATES)}${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${key}`, ...init.headers },
      }),
    async takeUpstream() {
      const requests = (await (await mf.dispatchFetch(`${EMULATOR_ORIGIN}/__emulator/requests`)).json()) as {
        startDate: string;
        endDate: string;
      }[];
      await (await mf.dispatchFetch(`${EMULATOR_ORIGIN}/__emulator/reset`, { method: "POST" })).arrayBuffer();
      return requests;
    },
  };
}

/** Sends all at once and reads every body, so no answer is left half-read. */
async function burst(count: number, send: (i: number) => Promise<Answer>): Promise<{ status: number; body: string }[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const response = await send(i);
      return { status: response.status, body: await response.text() };
    }),
  );
}

async function scenarios(mf: Miniflare): Promise<Omit<Coordination, "budget" | "budgetAcrossLostLeases">> {
  const gateway = await driver(mf);
  await gateway.takeUpstream();

  const cold = `/v1/kols/880001/daily-fans?startDate=2026-01-01&endDate=2026-03-31`;
  const identical = await burst(COLD_IDENTICAL, (i) => gateway.send(i, cold));
  if (identical.some((answer) => answer.status !== 200))
    throw new Error(`a cold identical request failed: ${identical.find((a) => a.status !== 200)?.body}`);
  const coldCalls = (await gateway.takeUpstream()).length;

  const first = "2026-02-01";
  const last = addDays(first, OVERLAPPING - 1 + OVERLAP_DAYS - 1);
  const overlapping = await burst(OVERLAPPING, (i) =>
    gateway.send(i, `/v1/kols/880002/daily-fans?startDate=${addDays(first, i)}&endDate=${addDays(first, i + OVERLAP_DAYS - 1)}`),
  );
  if (overlapping.some((answer) => answer.status !== 200)) throw new Error("an overlapping request failed");
  const calls = await gateway.takeUpstream();
  const upstreamDays = calls.reduce((sum, call) => sum + daysInRange(call.startDate, call.endDate), 0);
  const fetched = new Set(
    calls.flatMap((call) => Array.from({ length: daysInRange(call.startDate, call.endDate) }, (_, i) => addDays(call.startDate, i))),
  );
  // The union of the ranges, never asked as such: whatever it still has to fetch was not stored.
  const union = await gateway.send(1, `/v1/kols/880002/daily-fans?startDate=${first}&endDate=${last}`);
  if (union.status !== 200) throw new Error(`the union answered ${union.status}`);
  await union.arrayBuffer();
  const refetched = (await gateway.takeUpstream()).reduce((sum, call) => sum + daysInRange(call.startDate, call.endDate), 0);
  const distinctDays = daysInRange(first, last);

  const body = JSON.stringify({
    kolId: "880003",
    startDate: "2026-03-01",
    endDate: "2026-03-07",
    callbackUrl: `https://${CALLBACK_HOST}/xingtu`,
    requestId: "coordination-1",
  });
  const posts = await burst(POSTS, (i) =>
    gateway.send(i, "/v1/webhooks/daily-fans", { method: "POST", headers: { "Content-Type": "application/json" }, body }),
  );
  if (posts.some((answer) => answer.status !== 202)) throw new Error(`a webhook POST failed: ${posts.find((a) => a.status !== 202)?.body}`);
  const deliveries = new Set(posts.map((answer) => (JSON.parse(answer.body) as { deliveryId: string }).deliveryId)).size;

  return {
    isolates: ISOLATES,
    coldIdentical: { requests: COLD_IDENTICAL, upstreamCalls: coldCalls },
    overlapping: {
      requests: OVERLAPPING,
      distinctDays,
      upstreamCalls: calls.length,
      upstreamDays,
      daysFetchedTwice: upstreamDays - fetched.size,
      storedDaysAfter: distinctDays - refetched,
    },
    idempotency: { concurrentPosts: POSTS, deliveries },
  };
}

async function budgetScenario(mf: Miniflare): Promise<Coordination["budget"]> {
  const gateway = await driver(mf);
  await gateway.takeUpstream();
  await burst(BUDGET_MISSES, (i) => gateway.send(i, `/v1/kols/${881_000 + i}/daily-fans?startDate=2026-03-01&endDate=2026-03-07`));
  return { limit: BUDGET, concurrentMisses: BUDGET_MISSES, upstreamCalls: (await gateway.takeUpstream()).length };
}

/**
 * The budget when the isolates are lost with leased calls: a miss on each isolate (each leases calls
 * of the budget), then the runtime is stopped (the isolates and their leases gone, the ledger's
 * storage kept) and started again over the same storage for a burst of misses.
 */
async function lostLeasesScenario(base: Parameters<typeof startRuntime>[0]): Promise<Coordination["budgetAcrossLostLeases"]> {
  const storage = mkdtempSync(join(tmpdir(), "xingtu-lost-leases-"));
  const options = { ...base, persistTo: storage, vars: { UPSTREAM_DAILY_BUDGET: String(LOST_LEASES_BUDGET) } };
  try {
    const first = await startRuntime(options);
    let before: number;
    try {
      const gateway = await driver(first);
      for (let i = 0; i < ISOLATES; i++)
        await (await gateway.send(i, `/v1/kols/${882_000 + i}/daily-fans?startDate=2026-03-01&endDate=2026-03-07`)).arrayBuffer();
      before = (await gateway.takeUpstream()).length;
      // The leases each miss asked for in the background land before the isolates are lost.
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await first.dispose();
    }
    const again = await startRuntime(options);
    try {
      const gateway = await driver(again);
      await burst(LOST_LEASES_MISSES, (i) => gateway.send(i, `/v1/kols/${883_000 + i}/daily-fans?startDate=2026-03-01&endDate=2026-03-07`));
      return { limit: LOST_LEASES_BUDGET, before, concurrentMissesAfter: LOST_LEASES_MISSES, after: (await gateway.takeUpstream()).length };
    } finally {
      await again.dispose();
    }
  } finally {
    rmSync(storage, { recursive: true, force: true });
  }
}

/** Runs each scenario on fresh local storage: two isolates, one set of Durable Objects. */
export async function measureCoordination(gatewayBundle: Bundle, emulatorBundle: Bundle): Promise<Coordination> {
  const base = {
    gateway: gatewayBundle,
    emulator: emulatorBundle,
    emulatorLatencyMs: EMULATOR_LATENCY_MS,
    isolates: ISOLATES,
    quiet: true,
  };
  const mf = await startRuntime(base);
  let measured: Omit<Coordination, "budget" | "budgetAcrossLostLeases">;
  try {
    measured = await scenarios(mf);
  } finally {
    await mf.dispose();
  }
  const budgeted = await startRuntime({ ...base, vars: { UPSTREAM_DAILY_BUDGET: String(BUDGET) } });
  let budget: Coordination["budget"];
  try {
    budget = await budgetScenario(budgeted);
  } finally {
    await budgeted.dispose();
  }
  return { ...measured, budget, budgetAcrossLostLeases: await lostLeasesScenario(base) };
}
