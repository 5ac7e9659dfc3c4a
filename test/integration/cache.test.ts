import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol, unreachableNamespace, FIXED_NOW } from "../support/gateway.ts";
import { cacheKey } from "../../src/lookup/policy.ts";
import { failingKv, KV_WRITE_RATE_ERROR } from "../support/kv.ts";

const SETTLED = ["2026-02-01", "2026-02-28"] as const;
const LIVE = ["2026-03-01", "2026-03-09"] as const;

describe("the KV cache", () => {
  it("stores a miss and answers the next request from KV without the upstream", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), ...SETTLED);
    const miss = await gateway.request(path);
    expect(miss.headers.get("Cache-Status")).toBe("xingtu-edge; fwd=miss; stored; ttl=604800");
    gateway.clock.now += 90_000;
    const hit = await gateway.request(path);
    expect(hit.headers.get("Cache-Status")).toBe(`xingtu-edge; hit; ttl=${604_800 - 90}`);
    expect(hit.headers.get("Age")).toBe("90");
    expect(await hit.json()).toEqual(await miss.json());
    expect(gateway.upstreamFetches).toBe(1);
  });

  it("keeps a settled range for SETTLED_TTL_SECONDS and a live one for LIVE_TTL_SECONDS", async () => {
    const gateway = makeGateway();
    const settled = await gateway.request(trendPath(uniqueKol(), ...SETTLED));
    const live = await gateway.request(trendPath(uniqueKol(), ...LIVE));
    expect(settled.headers.get("Cache-Control")).toBe("private, max-age=604800");
    expect(live.headers.get("Cache-Control")).toBe("private, max-age=3600");
  });

  it("writes the entry under a key of version, KOL and dates, with a KV expiry", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const before = Math.floor(Date.now() / 1000);
    await gateway.request(trendPath(kolId, ...LIVE));
    const after = Math.ceil(Date.now() / 1000);
    const { keys } = await gateway.env.CACHE.list({ prefix: `v1:daily-fans:${kolId}:` });
    expect(keys.map((k) => k.name)).toEqual([cacheKey({ kolId, startDate: LIVE[0], endDate: LIVE[1] })]);
    // KV keeps it for its TTL (LIVE_TTL_SECONDS) and the stale grace (STALE_IF_ERROR_SECONDS), on KV's own clock.
    const keep = 3600 + 86_400;
    expect(keys[0]!.expiration).toBeGreaterThanOrEqual(before + keep);
    expect(keys[0]!.expiration).toBeLessThanOrEqual(after + keep);
  });

  it("treats an entry past its TTL and its revalidation grace as a miss", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), ...LIVE);
    await gateway.request(path);
    gateway.clock.now += (3600 + 600) * 1000;
    const expired = await gateway.request(path);
    expect(expired.headers.get("Cache-Status")).toMatch(/fwd=miss/);
    expect(gateway.upstreamFetches).toBe(2);
  });

  it("refreshes from the upstream on Xingtu-Refresh: settled and stores the new answer", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), ...SETTLED);
    await gateway.request(path);
    gateway.clock.now += 5_000;
    const refreshed = await gateway.request(path, { headers: { "Xingtu-Refresh": "settled" } });
    expect(refreshed.headers.get("Cache-Status")).toMatch(/fwd=request; stored/);
    expect(refreshed.headers.get("Age")).toBe("0");
    gateway.clock.now += 1_000;
    const after = await gateway.request(path);
    expect(after.headers.get("Age")).toBe("1");
    expect(gateway.upstreamFetches).toBe(2);
  });

  it("answers 304 to a matching If-None-Match, keeping the cache headers", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), ...SETTLED);
    const first = await gateway.request(path);
    const etag = first.headers.get("ETag");
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const revalidated = await gateway.request(path, { headers: { "If-None-Match": etag! } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe("");
    expect(revalidated.headers.get("ETag")).toBe(etag);
    expect(revalidated.headers.get("Cache-Status")).toMatch(/; hit;/);
    expect(revalidated.headers.get("X-Request-Id")).toBeTruthy();
  });

  it("answers 200 with the body when If-None-Match does not match", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), ...SETTLED);
    const response = await gateway.request(path, { headers: { "If-None-Match": '"stale"' } });
    expect(response.status).toBe(200);
    expect((await response.json<{ series: unknown[] }>()).series).toHaveLength(28);
  });

  it("coalesces 50 concurrent identical misses into one upstream call (in the KOL's coordinator)", async () => {
    const gateway = makeGateway({ emulator: { latencyMs: 20 } });
    const path = trendPath(uniqueKol(), ...SETTLED);
    const responses = await Promise.all(Array.from({ length: 50 }, () => gateway.request(path)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    const bodies = new Set(await Promise.all(responses.map((r) => r.text())));
    expect(bodies.size).toBe(1);
    expect(gateway.upstreamFetches).toBe(1);
    expect(gateway.logs.filter((l) => (l.upstream as { coalesced: boolean }).coalesced)).toHaveLength(49);
  });

  // Each coalescing mechanism alone, with the others out of the way.
  it("coalesces identical misses in the coordinator's own single flight when day-level reuse is off", async () => {
    const gateway = makeGateway({ env: { DAY_CACHE: "false", COALESCE_WINDOW_MS: "0" }, emulator: { latencyMs: 20 } });
    const path = trendPath(uniqueKol(), ...SETTLED);
    const responses = await Promise.all(Array.from({ length: 10 }, () => gateway.request(path)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(gateway.upstreamFetches).toBe(1);
  });

  it("coalesces identical misses in the isolate when the KOL's coordinator cannot be reached", async () => {
    const gateway = makeGateway({ env: { KOL_COORDINATOR: unreachableNamespace() }, emulator: { latencyMs: 20 } });
    const path = trendPath(uniqueKol(), ...SETTLED);
    const responses = await Promise.all(Array.from({ length: 10 }, () => gateway.request(path)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(gateway.upstreamFetches).toBe(1);
    expect(gateway.logs.filter((line) => (line.upstream as { coalesced: boolean } | undefined)?.coalesced)).toHaveLength(9);
  });

  it("fetches concurrent different ranges of one KOL in one call: the first miss's wide call brings the second's days", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_FETCH_DAYS: undefined }, emulator: { latencyMs: 5 } });
    const kolId = uniqueKol();
    const [settled, live] = await Promise.all([gateway.request(trendPath(kolId, ...SETTLED)), gateway.request(trendPath(kolId, ...LIVE))]);
    expect((await settled.json<{ series: unknown[] }>()).series).toHaveLength(28);
    expect((await live.json<{ series: unknown[] }>()).series).toHaveLength(9);
    expect(gateway.upstreamFetches).toBe(1);
  });

  it("does not coalesce different KOLs", async () => {
    const gateway = makeGateway({ emulator: { latencyMs: 5 } });
    await Promise.all([gateway.request(trendPath(uniqueKol(), ...SETTLED)), gateway.request(trendPath(uniqueKol(), ...SETTLED))]);
    expect(gateway.upstreamFetches).toBe(2);
  });
});

describe("the cache when KV fails", () => {
  it("serves from the upstream when a KV read throws", async () => {
    const gateway = makeGateway({ env: { CACHE: failingKv("get") } });
    const response = await gateway.request(trendPath(uniqueKol(), ...SETTLED));
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Status")).toContain('detail="store-unavailable"');
  });

  it("still answers 200 when a KV write throws, and logs a warning", async () => {
    const gateway = makeGateway({ env: { CACHE: failingKv("put", KV_WRITE_RATE_ERROR) } });
    const response = await gateway.request(trendPath(uniqueKol(), ...SETTLED));
    expect(response.status).toBe(200);
    expect(gateway.logs).toContainEqual(expect.objectContaining({ level: "warn", msg: expect.stringContaining("cache write failed") }));
  });

  it("treats a corrupt entry as a miss and replaces it", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const key = cacheKey({ kolId, startDate: SETTLED[0], endDate: SETTLED[1] });
    await gateway.env.CACHE.put(key, "{not json");
    const response = await gateway.request(trendPath(kolId, ...SETTLED));
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Status")).toMatch(/fwd=miss/);
    expect(await gateway.env.CACHE.get(key, "json")).toMatchObject({ storedAt: FIXED_NOW, ttlSeconds: 604_800 });
  });
});

describe("what is never cached", () => {
  it("stores nothing for an upstream error or an invalid request", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    gateway.emulator.queueFaults({ kind: "code", code: 500 }, { kind: "malformed" }, { kind: "http", status: 502 });
    for (let i = 0; i < 3; i++) expect((await gateway.request(trendPath(kolId, ...SETTLED))).status).toBe(502);
    expect((await gateway.request(trendPath(kolId, "2026-02-30", "2026-03-01"))).status).toBe(400);
    expect((await gateway.env.CACHE.list({ prefix: `v1:daily-fans:${kolId}:` })).keys).toEqual([]);
  });
});
