/**
 * A KOL's coordinator writes each call down before it goes out (coordination/call-journal.ts): a
 * call its object did not live to record (a deploy, an eviction, a crash) is recorded by the next
 * one, as spent, at the account's ledger and the calling key's, before its reservations could lapse.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol, wrapNamespace } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import { KolCoordinator } from "../../src/coordination/kol-coordinator.ts";

const RANGE = ["2026-03-01", "2026-03-05"] as const;
/** Past any reservation's lapse (a lease's time and five minutes). */
const LAPSE_MS = 30_000 + 5 * 60_000 + 1_000;

type Gateway = ReturnType<typeof makeGateway>;

/** A gateway whose upstream never answers its `nth` call (its object is lost during it, and never
 * records it); the others go to the emulator. */
function losingCall(nth: number, settings: Record<string, string> = {}) {
  let calls = 0;
  let reached!: () => void;
  const lostCall = new Promise<void>((resolve) => (reached = resolve));
  const gateway: Gateway = makeGateway({
    env: settings,
    fetch: (request) => {
      calls++;
      if (calls !== nth) return gateway.emulator.fetch(request);
      reached();
      return new Promise<Response>(() => undefined);
    },
  });
  return { gateway, lostCall };
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
    // As the platform does when it runs an alarm: the alarm is no longer set unless the look sets it again.
    await state.storage.deleteAlarm();
    await object.alarm();
  });
}

/** The calls the KOL's coordinator has written down, and whether its alarm is set. */
const journalOf = (kolId: string) =>
  runInDurableObject(coordinatorOf(kolId), async (_instance: KolCoordinator, state) => ({
    calls: state.storage.sql.exec<{ calls: number }>("SELECT COUNT(*) AS calls FROM calls").one().calls,
    armed: (await state.storage.getAlarm()) !== null,
  }));

async function guardToday(gateway: Gateway, operator: string) {
  return (await (await gateway.request("/v1/spend-guard", { as: operator })).json<{ today: Record<string, number> }>()).today;
}

describe("a call under way when its coordinator is lost", () => {
  it("is recorded as an uncertain call at the account's ledger and the key's by the next object", async () => {
    const { gateway, lostCall } = losingCall(1);
    const operator = await createTestKey(env.KEYS, { permissions: ["operate"] });
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 10 });
    const kolId = uniqueKol();
    void gateway.request(trendPath(kolId, ...RANGE), { as: key });
    await lostCall;
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 0, inFlight: 1 });
    // Written down, with the alarm that wakes the next object set a minute on (an alarm outlives its object).
    const alarm = await runInDurableObject(coordinatorOf(kolId), (_instance: KolCoordinator, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThan(Date.now() + 30_000);
    expect(alarm).toBeLessThanOrEqual(Date.now() + 60_000);
    await lookAtJournal(gateway, kolId, true);
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 1, billed: 0, inFlight: 0 });
    const usage = await (await gateway.request("/v1/usage", { as: key })).json<Record<string, number>>();
    expect(usage).toMatchObject({ uncertainCalls: 1, inFlightCalls: 0 });
  });

  it("counts each attempt admitted for it, a retry's too", async () => {
    const { gateway, lostCall } = losingCall(2, { LEASE_CALLS: "0" });
    const operator = await createTestKey(env.KEYS, { permissions: ["operate"] });
    // The first attempt is answered with a code the client retries; the retry is under way when the object is lost.
    gateway.emulator.queueFaults({ kind: "code", code: 301 });
    const kolId = uniqueKol();
    void gateway.request(trendPath(kolId, ...RANGE));
    await lostCall;
    await lookAtJournal(gateway, kolId, true);
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 2, inFlight: 0 });
  });

  it("is recorded once: the journal is empty after, and a second look records nothing", async () => {
    const { gateway, lostCall } = losingCall(1, { LEASE_CALLS: "0" });
    const operator = await createTestKey(env.KEYS, { permissions: ["operate"] });
    const kolId = uniqueKol();
    void gateway.request(trendPath(kolId, ...RANGE));
    await lostCall;
    await lookAtJournal(gateway, kolId, true);
    await lookAtJournal(gateway, kolId, true);
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 1, inFlight: 0 });
    expect(await journalOf(kolId)).toEqual({ calls: 0, armed: false });
  });

  it("of a key without a daily limit is recorded at the account's ledger only", async () => {
    const { gateway, lostCall } = losingCall(1, { KEY_DAILY_UPSTREAM_CALLS: "0" });
    const { key } = await createTestKey(env.KEYS);
    const kolId = uniqueKol();
    void gateway.request(trendPath(kolId, ...RANGE), { as: key });
    await lostCall;
    const keyLedgers = gateway.env.KEY_LEDGER;
    const asked: string[] = [];
    gateway.env.KEY_LEDGER = wrapNamespace(keyLedgers, { get: (id) => (asked.push(String(id)), keyLedgers.get(id)) });
    await lookAtJournal(gateway, kolId, true);
    expect(asked).toEqual([]);
    expect(await journalOf(kolId)).toMatchObject({ calls: 0 });
  });

  it("keeps the budget spent after its reservations would have lapsed", async () => {
    const { gateway, lostCall } = losingCall(1, { UPSTREAM_DAILY_BUDGET: "1", LEASE_CALLS: "0" });
    const kolId = uniqueKol();
    void gateway.request(trendPath(kolId, ...RANGE));
    await lostCall;
    await lookAtJournal(gateway, kolId, true);
    gateway.clock.now += LAPSE_MS;
    const refused = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(refused.status).toBe(503);
    expect((await refused.json<{ detail: string }>()).detail).toContain("daily budget of 1 upstream calls reached)");
  });
});

describe("the journal", () => {
  it("takes a call of a key without a daily limit, charged to no key: the coordinator makes it, and keeps its days", async () => {
    const gateway = makeGateway({ env: { KEY_DAILY_UPSTREAM_CALLS: "0" } });
    const { key } = await createTestKey(env.KEYS);
    const kolId = uniqueKol();
    expect((await gateway.request(trendPath(kolId, ...RANGE), { as: key })).status).toBe(200);
    // Made at the coordinator (an isolate on its own keeps no days): a range inside is answered without a call.
    const inside = await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-04"), { as: key });
    expect(inside.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    expect(gateway.logs.map((line) => line.msg)).not.toContain(
      "the KOL's coordinator could not be reached; this isolate resolved the miss on its own",
    );
  });

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

  it("does not count again a call whose record landed just before its object was lost", async () => {
    const gateway = makeGateway({ env: { LEASE_CALLS: "0" } });
    const operator = await createTestKey(env.KEYS, { permissions: ["operate"] });
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, ...RANGE));
    // The record landed, but the object was lost before it crossed the call out: the call is still written down.
    await runInDurableObject(coordinatorOf(kolId), (_instance: KolCoordinator, state) => {
      state.storage.sql.exec(
        "INSERT INTO calls (id, day, started_at, reservations, attempts, billed) VALUES (1, ?, ?, '[]', 1, 1)",
        "2026-03-10",
        gateway.clock.now,
      );
    });
    await lookAtJournal(gateway, kolId, true);
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 1, billed: 1 });
    expect(await journalOf(kolId)).toMatchObject({ calls: 0 });
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
    // Still written down: the look is set again.
    expect(await journalOf(kolId)).toEqual({ calls: 1, armed: true });
    expect((await answer).status).toBe(200);
    // Recorded once, by the call itself, and crossed out.
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 1, inFlight: 0 });
    expect(await journalOf(kolId)).toMatchObject({ calls: 0 });
  });
});
