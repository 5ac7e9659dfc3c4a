import { reset } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { makeGateway, trendPath, uniqueKol, unreachableNamespace } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";

// The spend guard is global to the gateway: each test starts with it closed.
afterEach(() => reset());

const RANGE = ["2026-03-01", "2026-03-05"] as const;
// FIXED_NOW is 12:00 in Shanghai: the quota resets 12 hours later.
const UNTIL_RESET_S = 12 * 3600;

describe("the spend guard", () => {
  for (const [code, reason] of [
    [303, "303, daily quota exceeded"],
    [601, "601, insufficient balance"],
    [602, "602, spending cap reached"],
  ] as const) {
    it(`stops calling the upstream after code ${code}, answering misses 503 at once`, async () => {
      const gateway = makeGateway();
      gateway.emulator.queueFaults({ kind: "code", code });
      await gateway.request(trendPath(uniqueKol(), ...RANGE));
      const refused = await gateway.request(trendPath(uniqueKol(), ...RANGE));
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get("Retry-After"))).toBe(UNTIL_RESET_S);
      const problem = await refused.json<{ type: string; detail: string }>();
      expect(problem.type).toBe("/problems/spend-guard-open");
      expect(problem.detail).toContain(reason);
      expect(gateway.emulator.requests).toHaveLength(1);
    });
  }

  it("keeps serving cached answers while open", async () => {
    const gateway = makeGateway();
    const cached = trendPath(uniqueKol(), ...RANGE);
    await gateway.request(cached);
    gateway.emulator.queueFaults({ kind: "code", code: 303 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect((await gateway.request(cached)).status).toBe(200);
  });

  it("is shared by every isolate through the account's ledger", async () => {
    const first = makeGateway();
    first.emulator.queueFaults({ kind: "code", code: 303 });
    await first.request(trendPath(uniqueKol(), ...RANGE));
    const other = makeGateway({ account: first.account });
    expect((await other.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(503);
    expect(other.emulator.requests).toHaveLength(0);
  });

  it("closes when the quota resets", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 303 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    gateway.clock.now += UNTIL_RESET_S * 1000 - 1_000;
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(503);
    gateway.clock.now += 1_000;
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
    expect(gateway.emulator.requests).toHaveLength(2);
  });

  it("closes when an operator clears it", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 601 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(503);
    await gateway.clearGuard();
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
    expect(gateway.emulator.requests).toHaveLength(2);
  });

  it("honours QUOTA_RESET_HOUR", async () => {
    const gateway = makeGateway({ env: { QUOTA_RESET_HOUR: "15" } });
    gateway.emulator.queueFaults({ kind: "code", code: 303 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).headers.get("Retry-After")).toBe(String(3 * 3600));
  });

  it("is visible on /healthz", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 303 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    const health = await (await gateway.request("/healthz")).json<{ spendGuard: Record<string, unknown> }>();
    expect(health.spendGuard).toMatchObject({
      upstreamCalls: "stopped",
      breaker: { reason: "the upstream answered 303, daily quota exceeded", until: "2026-03-10T16:00:00.000Z" },
    });
  });
});

describe("the daily upstream budget", () => {
  it("stops calling the upstream once today's budget is spent", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "2" } });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
    const refused = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({
      type: "/problems/spend-guard-open",
      detail: expect.stringContaining("daily budget of 2"),
    });
    expect(gateway.emulator.requests).toHaveLength(2);
  });

  it("admits exactly the budget under concurrent misses from two isolates", async () => {
    const one = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "5" }, emulator: { latencyMs: 5 } });
    const other = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "5" }, emulator: { latencyMs: 5 }, account: one.account });
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? one : other).request(trendPath(uniqueKol(), ...RANGE)).then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(one.upstreamFetches + other.upstreamFetches).toBe(5);
  });

  it("counts retries as calls and shows the count on /healthz", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "10" } });
    gateway.emulator.queueFaults({ kind: "code", code: 301 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    const health = await (await gateway.request("/healthz")).json<{ spendGuard: { budget: Record<string, unknown> } }>();
    expect(health.spendGuard.budget).toEqual({ limit: 10, used: 2, day: "2026-03-10" });
  });

  it("calls again once the budget is raised past today's calls", async () => {
    const before = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "1" } });
    await before.request(trendPath(uniqueKol(), ...RANGE));
    expect((await before.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(503);
    // Deployed again with a larger budget, as the refusal tells the operator to do: the next miss is admitted.
    const raised = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "3", LEASE_CALLS: "0" }, account: before.account, now: before.clock.now });
    expect((await raised.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
    const { key } = await createTestKey(env.KEYS, { permissions: ["operate"] });
    expect(await (await raised.request("/v1/spend-guard", { as: key })).json()).toMatchObject({ upstreamCalls: "allowed", breaker: null });
    expect((await raised.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
    expect((await raised.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(503);
  });

  it("shows a budget raised past the day's calls as allowed before any miss", async () => {
    const before = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "1" } });
    await before.request(trendPath(uniqueKol(), ...RANGE));
    const raised = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "3" }, account: before.account, now: before.clock.now });
    const { key } = await createTestKey(env.KEYS, { permissions: ["operate"] });
    expect(await (await raised.request("/v1/spend-guard", { as: key })).json()).toMatchObject({ upstreamCalls: "allowed", breaker: null });
  });

  it("stops calling at once, until the reset, when the budget is lowered below the day's calls", async () => {
    const before = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "10", LEASE_CALLS: "0" } });
    await before.request(trendPath(uniqueKol(), ...RANGE));
    await before.request(trendPath(uniqueKol(), ...RANGE));
    // An isolate on its own (its coordinator out of reach): the ledger's first refusal is the one it answers with.
    const lowered = makeGateway({
      env: { UPSTREAM_DAILY_BUDGET: "1", LEASE_CALLS: "0", KOL_COORDINATOR: unreachableNamespace() },
      account: before.account,
      now: before.clock.now,
    });
    const refused = await lowered.request(trendPath(uniqueKol(), ...RANGE));
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get("Retry-After"))).toBe(UNTIL_RESET_S);
    expect((await refused.json<{ detail: string }>()).detail).toContain("(daily budget of 1 upstream calls reached)");
  });

  it("leases calls to isolates when there is no budget", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "0" } });
    const { key } = await createTestKey(env.KEYS, { permissions: ["operate"] });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(await (await gateway.request("/v1/spend-guard", { as: key })).json()).toMatchObject({ today: { calls: 1, leased: 4 } });
  });

  it("keeps calling after an upstream failure that does not stop the account", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_MAX_ATTEMPTS: "1" } });
    gateway.emulator.queueFaults({ kind: "http", status: 502 });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(502);
    const { key } = await createTestKey(env.KEYS, { permissions: ["operate"] });
    expect(await (await gateway.request("/v1/spend-guard", { as: key })).json()).toMatchObject({ upstreamCalls: "allowed", breaker: null });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
  });

  it("keeps a breaker the upstream opened however the budget is raised", async () => {
    const before = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "5" } });
    before.emulator.queueFaults({ kind: "code", code: 601 });
    await before.request(trendPath(uniqueKol(), ...RANGE));
    const raised = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "50" }, account: before.account, now: before.clock.now });
    const refused = await raised.request(trendPath(uniqueKol(), ...RANGE));
    expect(refused.status).toBe(503);
    expect((await refused.json<{ detail: string }>()).detail).toContain("601");
  });

  it("counts a retry as a call in an isolate on its own too", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "10", KOL_COORDINATOR: unreachableNamespace() } });
    gateway.emulator.queueFaults({ kind: "code", code: 301 });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
    const health = await (await gateway.request("/healthz")).json<{ spendGuard: { budget: Record<string, unknown> } }>();
    expect(health.spendGuard.budget).toMatchObject({ limit: 10, used: 2 });
  });

  it("keeps a breaker the budget opened yesterday until the quota's reset hour, though the day turned", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "1", QUOTA_RESET_HOUR: "8" } });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    // Shanghai midnight: a new day, eight hours before the reset.
    gateway.clock.now += UNTIL_RESET_S * 1000;
    const refused = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get("Retry-After"))).toBe(8 * 3600);
    gateway.clock.now += 8 * 3600 * 1000;
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
  });

  it("starts afresh on the next Shanghai day", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "1" } });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(503);
    gateway.clock.now += UNTIL_RESET_S * 1000;
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
  });
});

describe("the spend guard's own route", () => {
  const operatorGateway = async (options: Parameters<typeof makeGateway>[0] = {}) => {
    const gateway = makeGateway(options);
    const { key } = await createTestKey(env.KEYS, { permissions: ["operate"] });
    return { gateway, key };
  };

  it("counts today's calls and billed calls apart", async () => {
    const { gateway, key } = await operatorGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 301 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    await gateway.request(trendPath("999201", ...RANGE));
    const state = await (await gateway.request("/v1/spend-guard", { as: key })).json();
    expect(state).toMatchObject({ upstreamCalls: "allowed", today: { calls: 3, billed: 2, inFlight: 0 }, budget: 2000 });
  });

  it("says whether clearing closed an open breaker", async () => {
    const { gateway, key } = await operatorGateway();
    expect(await (await gateway.request("/v1/spend-guard", { method: "DELETE", as: key })).json()).toMatchObject({ cleared: false });
    gateway.emulator.queueFaults({ kind: "code", code: 601 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    const cleared = await (await gateway.request("/v1/spend-guard", { method: "DELETE", as: key })).json();
    expect(cleared).toMatchObject({ cleared: true, upstreamCalls: "allowed", breaker: null });
  });

  it("does not lift a spent budget by clearing, and tells the operator what does", async () => {
    const { gateway, key } = await operatorGateway({ env: { UPSTREAM_DAILY_BUDGET: "1" } });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    const cleared = await (await gateway.request("/v1/spend-guard", { method: "DELETE", as: key })).json();
    expect(cleared).toMatchObject({
      cleared: true,
      upstreamCalls: "stopped",
      breaker: { reason: "daily budget of 1 upstream calls reached" },
    });
    const refused = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(refused.status).toBe(503);
    const { detail } = await refused.json<{ detail: string }>();
    expect(detail).toContain("raise UPSTREAM_DAILY_BUDGET");
    expect(detail).not.toContain("guard -- clear");
    expect(gateway.emulator.requests).toHaveLength(1);
  });

  it("has no budget when UPSTREAM_DAILY_BUDGET is 0, however many calls are made", async () => {
    const { gateway, key } = await operatorGateway({ env: { UPSTREAM_DAILY_BUDGET: "0" } });
    for (let i = 0; i < 3; i++) expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
    expect(await (await gateway.request("/v1/spend-guard", { as: key })).json()).toMatchObject({
      upstreamCalls: "allowed",
      breaker: null,
      budget: null,
      today: { calls: 3 },
    });
  });
});
