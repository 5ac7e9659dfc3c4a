/**
 * Per-key spend: a key's daily limit of billed upstream calls, admitted by its ledger (a Durable
 * Object) before each miss, and `GET /v1/usage` with the key's own day.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { KeyLedger } from "../../src/ledger/key-ledger.ts";
import type { Bindings } from "../../src/bindings.ts";
import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol, unreachableNamespace } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import { TEST_STANDARD_LIMIT } from "../support/constants.ts";
import { startInOneRateWindow } from "../support/rate-window.ts";
import type { Usage } from "../../src/schemas/operations.ts";

const RANGE = ["2026-03-01", "2026-03-05"] as const;
/** From the test clock (2026-03-10 12:00 in Shanghai) to the next Shanghai midnight. */
const SECONDS_TO_MIDNIGHT = 12 * 3600;

describe("a key's daily limit of billed upstream calls", () => {
  it("refuses the key's misses past the limit with 429 until the Shanghai day resets", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 2 });
    const first = trendPath(uniqueKol(), ...RANGE);
    expect((await gateway.request(first, { as: key })).status).toBe(200);
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(200);
    const refused = await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ type: "/problems/key-spend-limit", status: 429 });
    expect(refused.headers.get("Retry-After")).toBe(String(SECONDS_TO_MIDNIGHT));
    expect(gateway.upstreamFetches).toBe(2);
  });

  it("still serves the key's hits past the limit", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 1 });
    const path = trendPath(uniqueKol(), ...RANGE);
    await gateway.request(path, { as: key });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(429);
    const hit = await gateway.request(path, { as: key });
    expect(hit.status).toBe(200);
    expect(hit.headers.get("Cache-Status")).toMatch(/^xingtu-edge; hit;/);
  });

  it("admits exactly the limit under concurrent misses", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 3 });
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key }).then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(7);
    expect(gateway.upstreamFetches).toBe(3);
  });

  it("counts the upstream's paid 'no data' (201) against the limit", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 1 });
    expect((await gateway.request(trendPath("999201", "2026-02-01", "2026-02-02"), { as: key })).status).toBe(404);
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(429);
  });

  it("spends nothing when the key's ledger cannot be reached, and still serves hits", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 5 });
    const path = trendPath(uniqueKol(), ...RANGE);
    await gateway.request(path, { as: key });
    const cut = makeGateway({ env: { KEY_LEDGER: unreachableNamespace() } });
    const miss = await cut.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    expect(miss.status).toBe(503);
    expect(await miss.json()).toMatchObject({ type: "/problems/ledger-unavailable" });
    expect(Number(miss.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(cut.upstreamFetches).toBe(0);
    expect((await cut.request(path, { as: key })).status).toBe(200);
    expect((await cut.request("/v1/usage", { as: key })).status).toBe(503);
  });

  it("gives a key without a limit of its own the gateway's default", async () => {
    const gateway = makeGateway({ env: { KEY_DAILY_UPSTREAM_CALLS: "2" } });
    const { key } = await createTestKey(env.KEYS);
    for (let i = 0; i < 2; i++) expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(200);
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(429);
    expect(gateway.upstreamFetches).toBe(2);
  });

  it("does not limit such a key when the operator lifts the default (KEY_DAILY_UPSTREAM_CALLS=0)", async () => {
    const gateway = makeGateway({ env: { KEY_DAILY_UPSTREAM_CALLS: "0" } });
    const { key } = await createTestKey(env.KEYS);
    for (let i = 0; i < 5; i++) expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(200);
  });
});

describe("GET /v1/usage", () => {
  it("shows the calling key its own day: requests, hits, upstream calls, billed calls, its limit", async () => {
    const gateway = makeGateway();
    const { key, record } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 10 });
    const path = trendPath(uniqueKol(), ...RANGE);
    await gateway.request(path, { as: key });
    await gateway.request(path, { as: key });
    gateway.emulator.queueFaults({ kind: "code", code: 301, times: 1 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    const response = await gateway.request("/v1/usage", { as: key });
    expect(response.status).toBe(200);
    const { history, ...today } = await response.json<Usage>();
    // Today is the history's last day; no price is configured, so no amounts.
    expect(history.at(-1)).toEqual({ day: "2026-03-10", upstreamCalls: 3, billedCalls: 2, uncertainCalls: 0, amount: null });
    expect(today).toEqual({
      key: record.name,
      day: "2026-03-10",
      requests: 3,
      hits: 1,
      upstreamCalls: 3,
      billedCalls: 2,
      uncertainCalls: 0,
      inFlightCalls: 0,
      // A limit of 10 is too near its end for leases (ledger/reservations.ts).
      leasedCalls: 0,
      dailyUpstreamCalls: 10,
      remainingUpstreamCalls: 8,
      resetsAt: "2026-03-10T16:00:00.000Z",
      // Three calls of the default UPSTREAM_DAILY_BUDGET (calls leased to this isolate are still left).
      gateway: { upstreamCalls: "allowed", stoppedUntil: null, reason: null, budgetRemaining: 1997 },
      cost: null,
    });
  });

  it("shows the gateway's state from the account's ledger: its budget left, and why and until when it stopped", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "2" } });
    const { key } = await createTestKey(env.KEYS);
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    expect((await (await gateway.request("/v1/usage", { as: key })).json<{ gateway: object }>()).gateway).toEqual({
      upstreamCalls: "allowed",
      stoppedUntil: null,
      reason: null,
      budgetRemaining: 1,
    });
    gateway.emulator.queueFaults({ kind: "code", code: 303 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    expect((await (await gateway.request("/v1/usage", { as: key })).json<{ gateway: object }>()).gateway).toEqual({
      upstreamCalls: "stopped",
      stoppedUntil: "2026-03-10T16:00:00.000Z",
      reason: "the upstream answered 303, daily quota exceeded",
      budgetRemaining: 0,
    });
  });

  it("keeps each key's usage to itself", async () => {
    const gateway = makeGateway();
    const busy = await createTestKey(env.KEYS);
    const idle = await createTestKey(env.KEYS);
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: busy.key });
    expect(await (await gateway.request("/v1/usage", { as: idle.key })).json()).toMatchObject({
      requests: 0,
      upstreamCalls: 0,
      // A key without a limit of its own has the gateway's default (KEY_DAILY_UPSTREAM_CALLS).
      dailyUpstreamCalls: 300,
    });
  });

  it("needs a client key", async () => {
    const gateway = makeGateway({ env: { PUBLIC_ACCESS: "true" } });
    const response = await gateway.request("/v1/usage", { as: null });
    expect(response.status).toBe(401);
  });
});

describe("a key's ledger made before uncertain calls were counted", () => {
  it("gains the column, keeps its day and counts uncertain calls against the limit", async () => {
    const stub = env.KEY_LEDGER.get(env.KEY_LEDGER.idFromName(`old-ledger-${crypto.randomUUID()}`));
    await runInDurableObject(stub, (_instance: KeyLedger, state) => {
      state.storage.sql.exec("DROP TABLE usage");
      // The table as the first version of the ledger made it, with a day already counted.
      state.storage.sql.exec(
        "CREATE TABLE usage (day TEXT PRIMARY KEY, requests INTEGER NOT NULL, hits INTEGER NOT NULL, calls INTEGER NOT NULL, billed INTEGER NOT NULL)",
      );
      state.storage.sql.exec("INSERT INTO usage VALUES ('2026-03-10', 4, 2, 2, 1)");
      const ledger = new KeyLedger(state, env as Bindings);
      expect(ledger.usage("2026-03-10")).toEqual({ day: "2026-03-10", requests: 4, hits: 2, calls: 2, billed: 1, uncertain: 0 });
      ledger.record("2026-03-10", { requests: 1, hits: 0, calls: 1, billed: 0, uncertain: 1 }, null);
      expect(ledger.usage("2026-03-10")).toMatchObject({ calls: 3, billed: 1, uncertain: 1 });
      expect(ledger.admit("2026-03-10", 2, Date.parse("2026-03-10T04:00:00Z"))).toEqual({ ok: false });
    });
  });
});

describe("a key's ledger leasing calls", () => {
  const DAY = "2026-03-10";
  const NOW = Date.parse("2026-03-10T04:00:00Z");
  const ledger = () => env.KEY_LEDGER.get(env.KEY_LEDGER.idFromName(`leasing-${crypto.randomUUID()}`));

  it("counts the day's uncertain calls as spent: none leased once they bring the calls left under 16 leases' worth", async () => {
    await runInDurableObject(ledger(), (instance: KeyLedger) => {
      instance.record(DAY, { requests: 2, hits: 0, calls: 2, billed: 0, uncertain: 2 }, null);
      // 65 less 2 maybe billed is 63: under 16 leases of 4, so calls are admitted one at a time.
      expect(instance.lease(DAY, 65, NOW, 4, NOW + 30_000)).toEqual([]);
      expect(instance.lease(DAY, 66, NOW, 4, NOW + 30_000)).toHaveLength(4);
    });
  });

  it("counts calls under way as spent: none leased once they bring the calls left under 16 leases' worth", async () => {
    await runInDurableObject(ledger(), (instance: KeyLedger) => {
      for (let i = 0; i < 3; i++) expect(instance.admit(DAY, 66, NOW)).toMatchObject({ ok: true });
      expect(instance.lease(DAY, 66, NOW, 4, NOW + 30_000)).toEqual([]);
      expect(instance.lease(DAY, 67, NOW, 4, NOW + 30_000)).toHaveLength(4);
    });
  });

  it("releases the calls an isolate gives back", async () => {
    await runInDurableObject(ledger(), (instance: KeyLedger) => {
      const leased = instance.lease(DAY, 300, NOW, 4, NOW + 30_000);
      expect(instance.usageNow(DAY, NOW)).toMatchObject({ leased: 4, inFlight: 0 });
      instance.giveBack(leased.slice(0, 3));
      expect(instance.usageNow(DAY, NOW)).toMatchObject({ leased: 1, inFlight: 0 });
    });
  });

  it("made before leased calls were told apart, gains the column and keeps its calls under way as such", async () => {
    await runInDurableObject(ledger(), (_instance: KeyLedger, state) => {
      state.storage.sql.exec("DROP TABLE reservations");
      // The table as the ledger made it before leases, with a call under way.
      state.storage.sql.exec("CREATE TABLE reservations (id INTEGER PRIMARY KEY AUTOINCREMENT, day TEXT NOT NULL, at INTEGER NOT NULL)");
      state.storage.sql.exec("INSERT INTO reservations (day, at) VALUES (?, ?)", DAY, NOW);
      const migrated = new KeyLedger(state, env as Bindings);
      expect(migrated.usageNow(DAY, NOW)).toMatchObject({ inFlight: 1, leased: 0 });
      expect(migrated.lease(DAY, 300, NOW, 4, NOW + 30_000)).toHaveLength(4);
      expect(migrated.usageNow(DAY, NOW)).toMatchObject({ inFlight: 1, leased: 4 });
    });
  });
});

describe("a key's requests and hits, counted in the isolate", () => {
  const ledgerDay = (name: string, day: string) => env.KEY_LEDGER.get(env.KEY_LEDGER.idFromName(name)).usage(day);

  it("are sent before /v1/usage reads, so hits not yet sent are in its answer", async () => {
    const gateway = makeGateway();
    const { key, record } = await createTestKey(env.KEYS);
    const path = trendPath(uniqueKol(), ...RANGE);
    for (let i = 0; i < 3; i++) await gateway.request(path, { as: key });
    // The miss was sent with its call; the two hits wait in this isolate.
    expect(await ledgerDay(record.name, "2026-03-10")).toMatchObject({ requests: 1, hits: 0 });
    expect(await (await gateway.request("/v1/usage", { as: key })).json()).toMatchObject({ requests: 3, hits: 2, upstreamCalls: 1 });
  });

  it("are sent in the background once a batch is a minute old, without a miss or a read", async () => {
    const gateway = makeGateway();
    const { key, record } = await createTestKey(env.KEYS);
    const path = trendPath(uniqueKol(), ...RANGE);
    await gateway.request(path, { as: key });
    await gateway.request(path, { as: key });
    gateway.clock.now += 59_000;
    await gateway.request(path, { as: key });
    expect(await ledgerDay(record.name, "2026-03-10")).toMatchObject({ requests: 1, hits: 0 });
    gateway.clock.now += 1_000;
    await gateway.request(path, { as: key });
    expect(await ledgerDay(record.name, "2026-03-10")).toMatchObject({ requests: 4, hits: 3 });
  });

  it("are counted on the Shanghai day they were made, when the next request comes the day after", async () => {
    const gateway = makeGateway();
    const { key, record } = await createTestKey(env.KEYS);
    const path = trendPath(uniqueKol(), ...RANGE);
    await gateway.request(path, { as: key });
    await gateway.request(path, { as: key });
    gateway.clock.now += 12 * 3600 * 1000;
    await gateway.request(path, { as: key });
    expect(await ledgerDay(record.name, "2026-03-10")).toMatchObject({ requests: 2, hits: 1 });
    expect(await (await gateway.request("/v1/usage", { as: key })).json()).toMatchObject({ day: "2026-03-11", requests: 1, hits: 1 });
  });

  it("weigh a miss's call against the rate limit even for a key without a daily limit", async () => {
    await startInOneRateWindow();
    const gateway = makeGateway({ env: { KEY_DAILY_UPSTREAM_CALLS: "0" } });
    const { key } = await createTestKey(env.KEYS, { tier: "standard" });
    const statuses: number[] = [];
    // Misses only: each weighs two (itself and its call), so half the window's requests pass.
    for (let i = 0; i < TEST_STANDARD_LIMIT; i++)
      statuses.push((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(TEST_STANDARD_LIMIT / 2);
    expect(gateway.emulator.requests).toHaveLength(TEST_STANDARD_LIMIT / 2);
  });
});
