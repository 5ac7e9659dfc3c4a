/**
 * Misses go to their KOL's coordinator (a Durable Object) and every call to the account's ledger:
 * overlapping ranges, stored days, refreshes across isolates, a shared fail-over, and what happens
 * when either object cannot be reached. Two test gateways stand for two isolates: each has its own
 * memory tier, and they share the objects and KV. (test/node/coordination.test.ts does the same
 * with two workerd isolates from the deployable bundle.)
 */
import { describe, expect, it } from "vitest";
import { addDays, daysInRange } from "../../src/calendar.ts";
import { makeGateway, trendPath, uniqueKol, unreachableNamespace, wrapNamespace } from "../support/gateway.ts";

const daysIn = (request: { startDate: string | null; endDate: string | null }) => daysInRange(request.startDate!, request.endDate!);

describe("hits", () => {
  it("never touch a Durable Object: memory tier, then KV", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), "2026-03-01", "2026-03-05");
    await gateway.request(path);
    const touched: string[] = [];
    for (const binding of ["KOL_COORDINATOR", "ACCOUNT_LEDGER", "KEY_LEDGER", "DELIVERY_BOOK"] as const) {
      const namespace = gateway.env[binding] as DurableObjectNamespace;
      gateway.env[binding] = wrapNamespace(namespace, { get: (id) => (touched.push(binding), namespace.get(id)) }) as never;
    }
    const hits = await Promise.all(Array.from({ length: 20 }, () => gateway.request(path)));
    for (const hit of hits) expect(hit.headers.get("Cache-Status")).toMatch(/^xingtu-edge; hit;/);
    // A fresh isolate reads the answer from KV, still without a Durable Object.
    const other = makeGateway();
    Object.assign(other.env, { KOL_COORDINATOR: gateway.env.KOL_COORDINATOR, ACCOUNT_LEDGER: gateway.env.ACCOUNT_LEDGER });
    expect((await other.request(path)).headers.get("Cache-Status")).toMatch(/^xingtu-edge; hit;/);
    expect(touched).toEqual([]);
  });
});

describe("a KOL's coordinator", () => {
  it("fetches each distinct day of concurrent overlapping ranges once, and keeps every one", async () => {
    const gateway = makeGateway({ emulator: { latencyMs: 10 } });
    const kolId = uniqueKol();
    const first = "2026-02-01";
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => gateway.request(trendPath(kolId, addDays(first, i), addDays(first, i + 7)))),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(gateway.emulator.requests.reduce((sum, request) => sum + daysIn(request), 0)).toBe(27);
    // The union was never asked as such: it is assembled from the stored days alone.
    const union = await gateway.request(trendPath(kolId, first, addDays(first, 26)));
    expect((await union.json<{ series: unknown[] }>()).series).toHaveLength(27);
    expect(union.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    expect(gateway.emulator.requests.reduce((sum, request) => sum + daysIn(request), 0)).toBe(27);
  });

  it("answers a second isolate's miss for known days without an upstream call", async () => {
    const one = makeGateway();
    const other = makeGateway();
    const kolId = uniqueKol();
    await one.request(trendPath(kolId, "2026-02-01", "2026-02-20"));
    const miss = await other.request(trendPath(kolId, "2026-02-05", "2026-02-10"));
    expect(miss.status).toBe(200);
    expect(miss.headers.get("Cache-Status")).toContain('detail="assembled"');
    expect(other.upstreamFetches).toBe(0);
  });

  it("refreshes a stale range once, whichever isolates serve it stale", async () => {
    const one = makeGateway({ emulator: { latencyMs: 10 } });
    const other = makeGateway({ emulator: { latencyMs: 10 }, now: one.clock.now });
    const path = trendPath(uniqueKol(), "2026-03-05", "2026-03-09");
    await one.request(path);
    await other.request(path);
    for (const gateway of [one, other]) gateway.clock.now += 3600 * 1000 + 30_000;
    const stale = await Promise.all([one.request(path), other.request(path), one.request(path), other.request(path)]);
    for (const response of stale) expect(response.headers.get("Cache-Status")).toMatch(/stale-while-revalidate/);
    expect(one.upstreamFetches + other.upstreamFetches).toBe(2);
  });

  it("when it cannot be reached, lets the isolate resolve the miss itself, says so, and stores the answer", async () => {
    const gateway = makeGateway({ env: { KOL_COORDINATOR: unreachableNamespace() } });
    const path = trendPath(uniqueKol(), "2026-03-01", "2026-03-05");
    const miss = await gateway.request(path);
    expect(miss.status).toBe(200);
    expect(miss.headers.get("Xingtu-Upstream-Calls")).toBe("1");
    expect(gateway.logs).toContainEqual(
      expect.objectContaining({ level: "warn", msg: expect.stringContaining("coordinator could not be reached") }),
    );
    expect((await gateway.request(path)).headers.get("Cache-Status")).toMatch(/^xingtu-edge; hit;/);
    expect(gateway.upstreamFetches).toBe(1);
  });
});

describe("the account's ledger", () => {
  it("when it cannot be reached, spends nothing on misses, still serves hits, and /healthz says degraded", async () => {
    const gateway = makeGateway();
    const cached = trendPath(uniqueKol(), "2026-03-01", "2026-03-05");
    await gateway.request(cached);
    const cut = makeGateway({ env: { ACCOUNT_LEDGER: unreachableNamespace() } });
    const miss = await cut.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"));
    expect(miss.status).toBe(503);
    expect(await miss.json()).toMatchObject({ type: "/problems/ledger-unavailable" });
    expect(cut.upstreamFetches).toBe(0);
    expect((await cut.request(cached)).status).toBe(200);
    const health = await (await cut.request("/healthz")).json<{ status: string; spendGuard: unknown; problems: string[] }>();
    expect(health.status).toBe("degraded");
    expect(health.spendGuard).toBeNull();
    expect(health.problems[0]).toContain("ledger cannot be reached");
  });

  it("shares a fail-over: once one KOL's call found the path retired, the next KOL's call goes straight to the other", async () => {
    const gateway = makeGateway();
    gateway.emulator.retire({ endpoint: "author-daily-fans", as: "http-404" });
    await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"));
    expect(gateway.emulator.requests.map((request) => request.endpoint)).toEqual(["author-daily-fans", "kol-daily-fans"]);
    await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"));
    expect(gateway.emulator.requests.map((request) => request.endpoint)).toEqual(["author-daily-fans", "kol-daily-fans", "kol-daily-fans"]);
    const health = await (await gateway.request("/healthz")).json<{ upstream: { active: string } }>();
    expect(health.upstream.active).toBe("kol-daily-fans");
  });
});
