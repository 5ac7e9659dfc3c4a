/**
 * Calls the ledgers lease to an isolate (ledger/leases.ts): a miss that carries one asks no ledger
 * on its way to the upstream, and the budget stays exact however the leases are held, used, lost or
 * ended.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol, unreachableNamespace, wrapNamespace } from "../support/gateway.ts";
import type { KolCoordinator } from "../../src/coordination/kol-coordinator.ts";
import type { MissRequest } from "../../src/coordination/protocol.ts";
import { createTestKey } from "../support/keys.ts";
import { leaseSize } from "../../src/ledger/reservations.ts";

const RANGE = ["2026-03-01", "2026-03-05"] as const;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A lease's time (LEASE_SECONDS) and the few minutes after it a lost leased call lapses in. */
const LAPSE_MS = 30_000 + 5 * 60_000 + 1_000;

type Gateway = ReturnType<typeof makeGateway>;

/** Runs `before` ahead of every method called on the gateway's ledgers of `binding`, with the method's name. */
function beforeCalls(gateway: Gateway, binding: "ACCOUNT_LEDGER" | "KEY_LEDGER", before: (method: string) => unknown): void {
  const namespace = gateway.env[binding] as DurableObjectNamespace;
  const watched = (stub: object) =>
    new Proxy(stub, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof property !== "string" || typeof value !== "function" || property === "then") return value;
        return async (...args: unknown[]) => {
          await before(property);
          return Reflect.apply(value as (...args: unknown[]) => unknown, target, args);
        };
      },
    });
  gateway.env[binding] = wrapNamespace(namespace, { get: (id) => watched(namespace.get(id)) as never }) as never;
}

/** Records the name of every method called on the gateway's ledgers of `binding`. */
function countCalls(gateway: Gateway, binding: "ACCOUNT_LEDGER" | "KEY_LEDGER"): string[] {
  const calls: string[] = [];
  beforeCalls(gateway, binding, (method) => calls.push(method));
  return calls;
}

async function guardToday(gateway: Gateway, key: string) {
  const state = await (await gateway.request("/v1/spend-guard", { as: key })).json<{ today: Record<string, number> }>();
  return state.today;
}

describe("a call leased to the isolate", () => {
  it("lets a miss reach the upstream without asking either ledger", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 300 });
    // The first miss is admitted by both ledgers, and the isolate asks each for a lease meanwhile.
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(200);
    const account = countCalls(gateway, "ACCOUNT_LEDGER");
    const keys = countCalls(gateway, "KEY_LEDGER");
    const second = await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    expect(second.headers.get("Xingtu-Upstream-Calls")).toBe("1");
    expect(account).not.toContain("admit");
    expect(keys).not.toContain("admit");
    // What the call cost is recorded by both, releasing the leased calls it used; nothing else is asked.
    expect(account).toEqual(["record"]);
    expect(keys).toEqual(["record"]);
  });

  it("stays with the isolate when a miss is refused for its own key's limit", async () => {
    const gateway = makeGateway();
    // A limit of 1 is far too near its end for the key's ledger to lease any of it.
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 1 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    const account = countCalls(gateway, "ACCOUNT_LEDGER");
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(429);
    expect(account).not.toContain("giveBack");
  });

  it("is never asked for when LEASE_CALLS is 0", async () => {
    const gateway = makeGateway({ env: { LEASE_CALLS: "0" } });
    const account = countCalls(gateway, "ACCOUNT_LEDGER");
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(account).not.toContain("lease");
    expect(account.filter((method) => method === "admit")).toHaveLength(2);
  });

  it("from a newer lease is used once an older one ended beside it", async () => {
    const gateway = makeGateway();
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    gateway.clock.now += 10_000;
    // Three misses use three of the four leased calls; the third finds one left and asks for three more.
    for (let i = 0; i < 3; i++) await gateway.request(trendPath(uniqueKol(), ...RANGE));
    // The first lease has ended (its last call with it), the second runs for another five seconds.
    gateway.clock.now += 25_000;
    const account = countCalls(gateway, "ACCOUNT_LEDGER");
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(account).not.toContain("admit");
    expect(account).toContain("giveBack");
  });

  it("is used while its lease runs, and not from the moment it ends", async () => {
    const gateway = makeGateway({ env: { LEASE_SECONDS: "30" } });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    const account = countCalls(gateway, "ACCOUNT_LEDGER");
    // The lease was asked at the first miss, on the test's clock: it ends 30 s later, to the millisecond.
    gateway.clock.now += 29_999;
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(account).not.toContain("admit");
    gateway.clock.now += 1;
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(account).toContain("admit");
  });

  it("that a miss did not need goes back to the pool: a miss answered from stored days spends none", async () => {
    const gateway = makeGateway();
    const operator = await createTestKey(env.KEYS, { permissions: ["operate"] });
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 300 });
    const path = trendPath(uniqueKol(), ...RANGE);
    await gateway.request(path, { as: key });
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 1, inFlight: 0, leased: 4 });
    // Inside the stored days: the coordinator answers without a call, and both leased calls come back.
    const inside = await gateway.request(trendPath(path.split("/")[3]!, "2026-03-02", "2026-03-03"), { as: key });
    expect(inside.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    const [account, keys] = [countCalls(gateway, "ACCOUNT_LEDGER"), countCalls(gateway, "KEY_LEDGER")];
    for (let i = 0; i < 4; i++) await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    // Four misses, four leased calls of each ledger: none asked either to admit it.
    expect(account).not.toContain("admit");
    expect(keys).not.toContain("admit");
    // Each pool asked for more once fewer than half were left (two: after the third miss), up to four.
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 5, inFlight: 0, leased: 3 });
    const usage = await (await gateway.request("/v1/usage", { as: key })).json<Record<string, unknown>>();
    expect(usage).toMatchObject({ upstreamCalls: 5, inFlightCalls: 0, leasedCalls: 3 });
  });

  it("of the key's, that a miss did not need, is the next miss's: no more is leased for it", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 300 });
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, ...RANGE), { as: key });
    const keys = countCalls(gateway, "KEY_LEDGER");
    // Three misses inside the stored days (no call): each carries a leased call of the key's and hands it back.
    for (const [from, to] of [
      ["2026-03-02", "2026-03-03"],
      ["2026-03-02", "2026-03-04"],
      ["2026-03-03", "2026-03-04"],
    ] as const) {
      expect((await gateway.request(trendPath(kolId, from, to), { as: key })).headers.get("Xingtu-Upstream-Calls")).toBe("0");
    }
    // Then two that call: the three calls the first lease left are enough.
    for (let i = 0; i < 2; i++) await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    expect(keys.filter((method) => method === "lease")).toEqual([]);
  });

  it("of the key's, that a miss used, is not handed to the next: the pool asks for more once half are used", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 300 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    const keys = countCalls(gateway, "KEY_LEDGER");
    // Four leased, one used by the first miss; two more used leave one, fewer than half: the pool asks.
    for (let i = 0; i < 3; i++) await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    expect(keys).toContain("lease");
  });

  it("is asked for once by an isolate however many misses find its pool empty at once", async () => {
    const gateway = makeGateway({ emulator: { latencyMs: 5 } });
    const { key } = await createTestKey(env.KEYS, { permissions: ["operate"] });
    await Promise.all(Array.from({ length: 8 }, () => gateway.request(trendPath(uniqueKol(), ...RANGE))));
    expect(await guardToday(gateway, key)).toMatchObject({ calls: 8, inFlight: 0, leased: 4 });
  });

  it("is not a call under way: a call under way is counted in flight, not leased", async () => {
    const gateway = makeGateway({ env: { LEASE_CALLS: "0" }, emulator: { latencyMs: 300 } });
    const { key } = await createTestKey(env.KEYS, { permissions: ["operate"] });
    const miss = gateway.request(trendPath(uniqueKol(), ...RANGE));
    await pause(150);
    expect(await guardToday(gateway, key)).toMatchObject({ calls: 0, inFlight: 1, leased: 0 });
    expect((await miss).status).toBe(200);
  });
});

describe("calls under way and leased calls", () => {
  it("are left out of what a quote says is left of the budget", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "100", LEASE_CALLS: "0" }, emulator: { latencyMs: 300 } });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    const miss = gateway.request(trendPath(uniqueKol(), ...RANGE));
    await pause(150);
    const quote = await (
      await gateway.request(`/v1/kols/${uniqueKol()}/daily-fans/quote?startDate=${RANGE[0]}&endDate=${RANGE[1]}`)
    ).json();
    // 100, less the call made and the one under way.
    expect(quote).toMatchObject({ budgetRemaining: 98 });
    expect((await miss).status).toBe(200);
  });
});

describe("an isolate's leased calls", () => {
  it("are given back at once when a miss of the isolate is refused by a breaker another opened", async () => {
    const one = makeGateway();
    const { key } = await createTestKey(env.KEYS, { permissions: ["operate"] });
    await one.request(trendPath(uniqueKol(), ...RANGE));
    expect(await guardToday(one, key)).toMatchObject({ leased: 4 });
    // Another isolate hears that the balance is gone: the account's breaker opens.
    const other = makeGateway({ account: one.account, env: { LEASE_CALLS: "0" } });
    other.emulator.queueFaults({ kind: "code", code: 601 });
    await other.request(trendPath(uniqueKol(), ...RANGE));
    // This isolate's miss goes out on a leased call; its retry is refused by the breaker.
    one.emulator.queueFaults({ kind: "code", code: 301 });
    expect((await one.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(503);
    expect(await guardToday(one, key)).toMatchObject({ inFlight: 0, leased: 0 });
  });

  it("are given back at once when the upstream says the account is stopped", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { permissions: ["operate"] });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(await guardToday(gateway, key)).toMatchObject({ leased: 4 });
    gateway.emulator.queueFaults({ kind: "code", code: 601 });
    // The balance is gone: a 502 for this miss, the breaker open for the next.
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(502);
    expect(await guardToday(gateway, key)).toMatchObject({ calls: 2, inFlight: 0, leased: 0 });
  });

  it("of yesterday are given back, not used, by the first miss of the next Shanghai day", async () => {
    // 23:59:50 in Shanghai.
    const gateway = makeGateway({ now: Date.parse("2026-03-10T15:59:50Z") });
    const { key } = await createTestKey(env.KEYS, { permissions: ["operate"] });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    gateway.clock.now += 20_000;
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    // Today's first call was admitted by the ledger, and today's lease is whole.
    expect(await guardToday(gateway, key)).toMatchObject({ day: "2026-03-11", calls: 1, inFlight: 0, leased: 4 });
  });
});

describe("a key whose limit was lowered", () => {
  it("gives back the calls leased under the old limit instead of using them: its next miss meets the new one", async () => {
    const gateway = makeGateway();
    const operator = await createTestKey(env.KEYS, { permissions: ["operate"] });
    const { key, record } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 300 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    const lowered = await gateway.request(`/v1/keys/${record.name}`, {
      method: "PATCH",
      body: JSON.stringify({ dailyUpstreamCalls: 1 }),
      headers: { "Content-Type": "application/json" },
      as: operator.key,
    });
    expect(lowered.status).toBe(200);
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(429);
    expect(gateway.upstreamFetches).toBe(1);
  });
});

describe("a lease's size", () => {
  it("is the calls asked while 16 leases' worth are left, and none nearer the end", () => {
    expect([leaseSize(4, Infinity), leaseSize(4, 64), leaseSize(4, 63), leaseSize(1, 16), leaseSize(1, 15)]).toEqual([4, 4, 0, 1, 0]);
  });
});

describe("a miss without leased calls", () => {
  it("asks the account's ledger beside the key's, not after it", async () => {
    const gateway = makeGateway({ env: { LEASE_CALLS: "0" } });
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 300 });
    const events: string[] = [];
    beforeCalls(gateway, "ACCOUNT_LEDGER", (method) => events.push(`account ${method}`));
    // The key's ledger answers its admission only once the account's was asked, or after a second.
    beforeCalls(gateway, "KEY_LEDGER", async (method) => {
      if (method !== "admit") return;
      for (let waited = 0; waited < 1000 && !events.includes("account admit"); waited += 10) await pause(10);
      events.push("key admitted");
    });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(200);
    expect(events).not.toContain("account lease");
    expect(events.indexOf("account admit")).toBeGreaterThanOrEqual(0);
    expect(events.indexOf("account admit")).toBeLessThan(events.indexOf("key admitted"));
  });

  it("gives back the account's admission when the key refuses the call", async () => {
    const gateway = makeGateway({ env: { LEASE_CALLS: "0" } });
    const operator = await createTestKey(env.KEYS, { permissions: ["operate"] });
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 1 });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(200);
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(429);
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 1, inFlight: 0, leased: 0 });
  });
});

describe("a miss its coordinator cannot take", () => {
  it("leaves nothing of the key's in flight: the isolate's own admission is released with the usage record", async () => {
    const gateway = makeGateway({ env: { KOL_COORDINATOR: unreachableNamespace(), LEASE_CALLS: "0" } });
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 300 });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(200);
    const usage = await (await gateway.request("/v1/usage", { as: key })).json<Record<string, unknown>>();
    expect(usage).toMatchObject({ upstreamCalls: 1, inFlightCalls: 0, remainingUpstreamCalls: 299 });
  });

  it("is admitted by the key's ledger again: the leased call it carried may have been used by the coordinator it lost", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 300 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    gateway.env.KOL_COORDINATOR = unreachableNamespace() as never;
    const keys = countCalls(gateway, "KEY_LEDGER");
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(200);
    expect(keys).toContain("admit");
  });
});

describe("a key's leased calls", () => {
  it("count against its limit, shown apart from calls under way and still as its own remaining calls", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 300 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    const usage = await (await gateway.request("/v1/usage", { as: key })).json<Record<string, unknown>>();
    expect(usage).toMatchObject({ upstreamCalls: 1, inFlightCalls: 0, leasedCalls: 4, remainingUpstreamCalls: 299 });
  });

  it("keep the key's limit exact under waves of concurrent misses from two isolates", async () => {
    const one = makeGateway({ emulator: { latencyMs: 5 } });
    const other = makeGateway({ emulator: { latencyMs: 5 }, account: one.account });
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 70 });
    const statuses: number[] = [];
    for (let wave = 0; wave < 12; wave++) {
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? one : other).request(trendPath(uniqueKol(), ...RANGE), { as: key }).then((r) => r.status),
        ),
      );
      statuses.push(...answers);
    }
    expect(one.upstreamFetches + other.upstreamFetches).toBe(70);
    expect(statuses.filter((status) => status === 200)).toHaveLength(70);
  });
});

describe("the budget with leases", () => {
  it("is exact under waves of concurrent misses from two isolates that hold leases", async () => {
    const budget = { UPSTREAM_DAILY_BUDGET: "100" };
    const one = makeGateway({ env: budget, emulator: { latencyMs: 5 } });
    const other = makeGateway({ env: budget, emulator: { latencyMs: 5 }, account: one.account });
    const statuses: number[] = [];
    for (let wave = 0; wave < 16; wave++) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? one : other).request(trendPath(uniqueKol(), ...RANGE)).then((r) => r.status)),
      );
      statuses.push(...answers);
    }
    expect(one.upstreamFetches + other.upstreamFetches).toBe(100);
    expect(statuses.filter((status) => status === 200)).toHaveLength(100);
  });

  it("counts a leased call an isolate lost as spent until it lapses, and then as never spent", async () => {
    const settings = { UPSTREAM_DAILY_BUDGET: "20", LEASE_CALLS: "1" };
    const lost = makeGateway({ env: settings });
    const { key } = await createTestKey(env.KEYS, { permissions: ["operate"] });
    await lost.request(trendPath(uniqueKol(), ...RANGE));
    expect(await guardToday(lost, key)).toMatchObject({ calls: 1, leased: 1 });
    // The isolate is gone (evicted, crashed) with its leased call; another isolate carries on.
    const other = makeGateway({ env: settings, account: lost.account, now: lost.clock.now });
    const answered: number[] = [];
    for (let i = 0; i < 20; i++) answered.push((await other.request(trendPath(uniqueKol(), ...RANGE))).status);
    // 20 calls of budget: one made, one held by the lost lease, 18 for the other isolate.
    expect(answered.filter((status) => status === 200)).toHaveLength(18);
    const refused = await other.request(trendPath(uniqueKol(), ...RANGE));
    expect(refused.status).toBe(503);
    // Asked again after a lease's time, when a lease has ended (not at the day's reset: nothing opened the breaker).
    expect(refused.headers.get("Retry-After")).toBe("30");
    expect((await refused.json<{ detail: string }>()).detail).toContain("counting the calls under way or leased");
    expect(lost.upstreamFetches + other.upstreamFetches).toBe(19);
    // Lapsed: the budget's last call is the other isolate's, and then the day's budget is spent.
    other.clock.now += LAPSE_MS;
    expect((await other.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
    const spent = await other.request(trendPath(uniqueKol(), ...RANGE));
    expect(spent.status).toBe(503);
    expect((await spent.json<{ detail: string }>()).detail).toContain("daily budget of 20 upstream calls reached)");
    expect(lost.upstreamFetches + other.upstreamFetches).toBe(20);
  });

  it("shows the calls of a lease that ended as leased, not under way, until they are given back", async () => {
    const gateway = makeGateway();
    const operator = await createTestKey(env.KEYS, { permissions: ["operate"] });
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 300 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    // The lease's time passes with no miss in the isolate: nothing has given its calls back yet.
    gateway.clock.now += 31_000;
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 1, inFlight: 0, leased: 4 });
    const usage = await (await gateway.request("/v1/usage", { as: key })).json<Record<string, unknown>>();
    expect(usage).toMatchObject({ upstreamCalls: 1, inFlightCalls: 0, leasedCalls: 4, remainingUpstreamCalls: 299 });
  });

  it("puts a leased call a miss did not use back for the next, and gives it back with the others once the lease ended", async () => {
    const gateway = makeGateway();
    const operator = await createTestKey(env.KEYS, { permissions: ["operate"] });
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, ...RANGE));
    // Answered from the stored days: the leased call it took goes back to the pool.
    await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-03"));
    gateway.clock.now += 31_000;
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    // The ended lease's calls (the one put back among them) given back; a new lease of four.
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 2, inFlight: 0, leased: 4 });
  });

  it("gives back at once a leased call a miss did not use when its lease ended during the miss", async () => {
    const gateway = makeGateway();
    const operator = await createTestKey(env.KEYS, { permissions: ["operate"] });
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, ...RANGE));
    const coordinators = gateway.env.KOL_COORDINATOR;
    // The lease's time passes while the miss is at its coordinator.
    gateway.env.KOL_COORDINATOR = wrapNamespace(coordinators, {
      get: (id) => {
        const stub = coordinators.get(id);
        return {
          resolve: (request: MissRequest) => ((gateway.clock.now += 31_000), stub.resolve(request)),
        } as unknown as DurableObjectStub<KolCoordinator>;
      },
    });
    await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-03"));
    // The first miss was admitted alone (the lease of four came after it); the one this miss carried is given back.
    expect(await guardToday(gateway, operator.key)).toMatchObject({ calls: 1, inFlight: 0, leased: 3 });
  });

  it("gets back the unused calls of a lease that ended, when the isolate next takes one", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { permissions: ["operate"] });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(await guardToday(gateway, key)).toMatchObject({ calls: 2, inFlight: 0, leased: 3 });
    gateway.clock.now += 31_000;
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    // The three given back; the miss admitted alone, and a new lease of four.
    expect(await guardToday(gateway, key)).toMatchObject({ calls: 3, inFlight: 0, leased: 4 });
  });
});
