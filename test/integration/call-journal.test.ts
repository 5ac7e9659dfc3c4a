/**
 * A KOL's coordinator writes each call down before it goes out (coordination/call-journal.ts): a
 * call its object did not live to record (a deploy, an eviction, a crash) is recorded by the next
 * one, as spent, at the account's ledger and the calling key's, before its reservations could lapse.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import { KolCoordinator } from "../../src/coordination/kol-coordinator.ts";

const RANGE = ["2026-03-01", "2026-03-05"] as const;
/** Past any reservation's lapse (a lease's time and five minutes). */
const LAPSE_MS = 30_000 + 5 * 60_000 + 1_000;

type Gateway = ReturnType<typeof makeGateway>;

/** A gateway whose upstream never answers its first call: its object is lost during it (and never records it). */
function losingFirstCall(settings: Record<string, string> = {}) {
  let calls = 0;
  let reached!: () => void;
  const firstCall = new Promise<void>((resolve) => (reached = resolve));
  const gateway: Gateway = makeGateway({
    env: settings,
    fetch: (request) => {
      calls++;
      if (calls > 1) return gateway.emulator.fetch(request);
      reached();
      return new Promise<Response>(() => undefined);
    },
  });
  return { gateway, firstCall };
}

const coordinatorOf = (kolId: string) => env.KOL_COORDINATOR.get(env.KOL_COORDINATOR.idFromName(kolId));

/**
 * Runs the journal's look (the object's alarm) in the KOL's coordinator, with the test gateway's
 * bindings and clock; `next`: in a new object over the same storage, as after the first was lost.
 */
async function lookAtJournal(gateway: Gateway, kolId: string, next = false): Promise<void> {
  await runInDurableObject(coordinatorOf(kolId), async (instance: KolCoordinator, state) => {
    const object = next ? new KolCoordinator(state, gateway.env) : instance;
    object.deps = { env: gateway.env, runtime: { ...instance.deps.runtime, now: () => gateway.clock.now } };
    await object.alarm();
  });
}

async function guardToday(gateway: Gateway, operator: string) {
  return (await (await gateway.request("/v1/spend-guard", { as: operator })).json<{ today: Record<string, number> }>()).today;
}

describe("a call under way when its coordinator is lost", () => {
  it("is recorded as an uncertain call at the account's ledger and the key's by the next object", async () => {
    const { gateway, firstCall } = losingFirstCall();
    const operator = await createTestKey(env.KEYS, { permissions: ["operate"] });
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 10 });
    const kolId = uniqueKol();
    void gateway.request(trendPath(kolId, ...RANGE), { as: key });
    await firstCall;
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 0, inFlight: 1 });
    // Written down, with the alarm that wakes the next object set (an alarm outlives its object).
    expect(await runInDurableObject(coordinatorOf(kolId), (_instance: KolCoordinator, state) => state.storage.getAlarm())).not.toBeNull();
    await lookAtJournal(gateway, kolId, true);
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 1, billed: 0, inFlight: 0 });
    const usage = await (await gateway.request("/v1/usage", { as: key })).json<Record<string, number>>();
    expect(usage).toMatchObject({ uncertainCalls: 1, inFlightCalls: 0 });
  });

  it("keeps the budget spent after its reservations would have lapsed", async () => {
    const { gateway, firstCall } = losingFirstCall({ UPSTREAM_DAILY_BUDGET: "1", LEASE_CALLS: "0" });
    const kolId = uniqueKol();
    void gateway.request(trendPath(kolId, ...RANGE));
    await firstCall;
    await lookAtJournal(gateway, kolId, true);
    gateway.clock.now += LAPSE_MS;
    const refused = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(refused.status).toBe(503);
    expect((await refused.json<{ detail: string }>()).detail).toContain("daily budget of 1 upstream calls reached)");
  });
});

describe("the journal", () => {
  it("records a call whose record did not reach the account's ledger, with what it cost", async () => {
    const gateway = makeGateway({ env: { LEASE_CALLS: "0" } });
    const operator = await createTestKey(env.KEYS, { permissions: ["operate"] });
    const ledgers = gateway.env.ACCOUNT_LEDGER;
    // The account's ledger takes admissions but not the call's record.
    gateway.env.ACCOUNT_LEDGER = Object.assign(Object.create(ledgers) as DurableObjectNamespace, {
      idFromName: (name: string) => ledgers.idFromName(name),
      get: (id: DurableObjectId) => {
        const stub = ledgers.get(id);
        return new Proxy(stub, {
          get: (target, property) =>
            property === "record" ? () => Promise.reject(new Error("unreachable")) : (Reflect.get(target, property) as unknown),
        });
      },
    }) as never;
    const kolId = uniqueKol();
    expect((await gateway.request(trendPath(kolId, ...RANGE))).status).toBe(200);
    gateway.env.ACCOUNT_LEDGER = ledgers;
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 0, inFlight: 1 });
    await lookAtJournal(gateway, kolId);
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 1, billed: 1, inFlight: 0 });
  });

  it("leaves alone a call its object is making", async () => {
    let reached!: () => void;
    const calling = new Promise<void>((resolve) => (reached = resolve));
    const gateway: Gateway = makeGateway({
      env: { LEASE_CALLS: "0" },
      emulator: { latencyMs: 300 },
      fetch: (request) => (reached(), gateway.emulator.fetch(request)),
    });
    const operator = await createTestKey(env.KEYS, { permissions: ["operate"] });
    const kolId = uniqueKol();
    const answer = gateway.request(trendPath(kolId, ...RANGE));
    await calling;
    await lookAtJournal(gateway, kolId);
    expect((await answer).status).toBe(200);
    // Recorded once, by the call itself.
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 1, inFlight: 0 });
  });
});
