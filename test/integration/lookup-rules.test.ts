/**
 * Rules of the lookup path (lookup/lookup.ts, the day book and the assembled body), seen as a
 * client and the operator see them: what is served from the stored answer and when, how long an
 * answer is kept, what a failure may fall back to, and what KV is asked. The test clock is
 * 2026-03-10 12:00 in Shanghai: 03-09 and 03-10 are live, 03-08 is the last settled day.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dropInPath, FIXED_NOW, makeGateway, trendPath, uniqueKol, unreachableNamespace, wrapNamespace } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import { cacheKey } from "../../src/lookup/policy.ts";
import { warmHour } from "../../src/lookup/warm.ts";
import { shanghaiHour } from "../../src/calendar.ts";

type Gateway = ReturnType<typeof makeGateway>;

const LIVE_TTL_MS = 3600 * 1000;
const STALE_IF_ERROR_MS = 24 * 3600 * 1000;
// Ends yesterday in Shanghai: its answer is live, kept LIVE_TTL_SECONDS (then 600 s stale-while-revalidate).
const LIVE_RANGE = ["2026-03-05", "2026-03-09"] as const;

const tick = (gateway: Gateway, ms: number) => (gateway.clock.now += ms);

describe("an entry stored before the `assembled` and `noData` fields existed", () => {
  it("is served as the upstream's own data answer", async () => {
    const kolId = uniqueKol();
    const path = trendPath(kolId, "2026-03-01", "2026-03-05");
    const writer = makeGateway();
    await writer.request(path);
    const key = cacheKey({ kolId, startDate: "2026-03-01", endDate: "2026-03-05" });
    const { assembled: _assembled, noData: _noData, ...older } = (await env.CACHE.get<Record<string, unknown>>(key, "json"))!;
    await env.CACHE.put(key, JSON.stringify(older));
    // Another isolate (its memory tier empty) reads the entry from KV.
    const response = await makeGateway({ now: writer.clock.now }).request(path);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Status")).toBe("xingtu-edge; hit; ttl=604800");
  });
});

describe("a stored entry whose body lacks the upstream's code and data", () => {
  it("is not served: the range is a miss, bought again", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const key = cacheKey({ kolId, startDate: "2026-03-01", endDate: "2026-03-05" });
    await env.CACHE.put(key, JSON.stringify({ storedAt: gateway.clock.now, ttlSeconds: 21600, noData: true, body: {} }));
    const response = await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"));
    expect(response.status).toBe(200);
    expect(gateway.emulator.requests).toHaveLength(1);
  });
});

describe("a stored entry whose data does not parse", () => {
  it("is not served: the range is a miss, bought again", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const key = cacheKey({ kolId, startDate: "2026-03-01", endDate: "2026-03-05" });
    await env.CACHE.put(key, JSON.stringify({ storedAt: gateway.clock.now, ttlSeconds: 604800, body: { code: 0, data: { daily: "x" } } }));
    expect((await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"))).status).toBe(200);
    expect(gateway.emulator.requests).toHaveLength(1);
  });
});

describe("a stored 'no data' answer", () => {
  it("is given to the drop-in route from KV as the upstream's own 201 body", async () => {
    const gateway = makeGateway();
    const path = dropInPath(uniqueKol(), "2026-03-01", "2026-03-05");
    gateway.emulator.queueFaults({ kind: "code", code: 201 });
    await gateway.request(path);
    const again = await gateway.request(path);
    expect(again.headers.get("Cache-Status")).toBe("xingtu-edge; hit; ttl=21600");
    expect(await again.json()).toMatchObject({ code: 201, data: null });
  });
});

describe("a KV read", () => {
  /** A CACHE binding that records the options of every read. */
  function recordingCache() {
    const reads: unknown[] = [];
    const cache = Object.assign(Object.create(env.CACHE) as KVNamespace, {
      get: (key: string, options: unknown) => (reads.push(options), env.CACHE.get(key, options as KVNamespaceGetOptions<"json">)),
      put: (...args: Parameters<KVNamespace["put"]>) => env.CACHE.put(...args),
    });
    return { cache, reads };
  }

  it("of a settled range lets edge locations keep it an hour; of a live range, not at all", async () => {
    const { cache, reads } = recordingCache();
    const gateway = makeGateway({ env: { CACHE: cache } });
    await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"));
    await gateway.request(trendPath(uniqueKol(), ...LIVE_RANGE));
    expect(reads).toEqual([{ type: "json", cacheTtl: 3600 }, { type: "json" }]);
  });
});

describe("a stored answer's age", () => {
  it("at exactly its TTL makes it stale", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), ...LIVE_RANGE);
    await gateway.request(path);
    tick(gateway, LIVE_TTL_MS);
    expect((await gateway.request(path)).headers.get("Cache-Status")).toBe('xingtu-edge; hit; ttl=0; detail="stale-while-revalidate"');
  });

  it("at exactly its TTL and the stale-while-revalidate grace is past serving: the upstream's failure stands", async () => {
    // The stored answer is still kept for stale-if-error, which the upstream's failure then uses.
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), ...LIVE_RANGE);
    await gateway.request(path);
    tick(gateway, LIVE_TTL_MS + 600_000);
    gateway.emulator.queueFaults({ kind: "code", code: 500 });
    const response = await gateway.request(path);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Status")).toBe('xingtu-edge; fwd=stale; fwd-status=502; ttl=-600; detail="upstream-internal-error"');
  });

  it("at exactly its TTL and the stale-if-error grace is gone: the upstream's failure is the answer", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), ...LIVE_RANGE);
    await gateway.request(path);
    tick(gateway, LIVE_TTL_MS + STALE_IF_ERROR_MS);
    gateway.emulator.queueFaults({ kind: "code", code: 500 });
    expect((await gateway.request(path)).status).toBe(502);
  });

  it("counted from a moment later than now (another isolate's clock ahead) is not served", async () => {
    const kolId = uniqueKol();
    const path = trendPath(kolId, ...LIVE_RANGE);
    const ahead = makeGateway();
    tick(ahead, 60_000);
    await ahead.request(path);
    const behind = makeGateway();
    expect((await behind.request(path)).headers.get("Cache-Status")).toMatch(/fwd=miss/);
  });
});

describe("a stored live day", () => {
  it("is reused for LIVE_TTL_SECONDS after it was fetched, and bought again at that age", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-03-05", "2026-03-10"));
    tick(gateway, LIVE_TTL_MS - 1);
    expect((await gateway.request(trendPath(kolId, "2026-03-09", "2026-03-10"))).headers.get("Xingtu-Upstream-Calls")).toBe("0");
    tick(gateway, 1);
    expect((await gateway.request(trendPath(kolId, "2026-03-10", "2026-03-10"))).headers.get("Xingtu-Upstream-Calls")).toBe("1");
  });
});

describe("an answer assembled from live days", () => {
  it("is kept for its oldest day's remaining life rounded up to the whole second", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-03-09", "2026-03-09"));
    tick(gateway, 30 * 60_000);
    await gateway.request(trendPath(kolId, "2026-03-10", "2026-03-10"));
    tick(gateway, 10 * 60_000 + 500);
    const response = await gateway.request(trendPath(kolId, "2026-03-09", "2026-03-10"));
    // 03-09 was fetched 40 min 0.5 s ago: 19 min 59.5 s of its hour are left, kept 1200 s.
    expect(response.headers.get("Cache-Status")).toBe('xingtu-edge; hit; ttl=1200; detail="assembled"');
    // It is stored for every isolate, with that TTL.
    const key = cacheKey({ kolId, startDate: "2026-03-09", endDate: "2026-03-10" });
    expect(await env.CACHE.get(key, "json")).toMatchObject({ ttlSeconds: 1200, assembled: true });
  });
});

describe("a stored answer past serving", () => {
  it("does not stand in for the key's own refusal: only upstream failures fall back", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(gateway.env.KEYS, { dailyUpstreamCalls: 1 });
    const path = trendPath(uniqueKol(), ...LIVE_RANGE);
    await gateway.request(path, { as: key });
    tick(gateway, LIVE_TTL_MS + 600_000 + 1_000);
    const refused = await gateway.request(path, { as: key });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ type: "/problems/key-spend-limit" });
  });
});

describe("a stale hit", () => {
  it("whose coordinator cannot be reached is still served, and the operator is told", async () => {
    const kolId = uniqueKol();
    const path = trendPath(kolId, ...LIVE_RANGE);
    const writer = makeGateway();
    await writer.request(path);
    const gateway = makeGateway({ env: { KOL_COORDINATOR: unreachableNamespace() }, now: writer.clock.now + LIVE_TTL_MS + 1_000 });
    expect((await gateway.request(path)).headers.get("Cache-Status")).toMatch(/stale-while-revalidate/);
    expect(gateway.logs).toContainEqual(
      expect.objectContaining({
        level: "warn",
        msg: "background revalidation could not reach the KOL's coordinator; the stale answer stays",
      }),
    );
  });
});

describe("a miss's log line", () => {
  it("names the upstream's answer: attempts, billing, code, message, request id, endpoint and time", async () => {
    // The first attempt is refused unbilled (301) and retried after a pause (on the test clock).
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 301 });
    expect((await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"))).status).toBe(200);
    expect(gateway.sleeps.length).toBeGreaterThan(0);
    expect(gateway.logs.find((entry) => entry.msg === "request")?.upstream).toMatchObject({
      attempts: 2,
      billed: 1,
      uncertain: 0,
      code: 0,
      message: expect.any(String),
      requestId: expect.stringMatching(/^emu-/),
      endpoint: "author-daily-fans",
      ms: gateway.sleeps.reduce((sum, ms) => sum + ms, 0),
    });
  });

  it("counts an attempt that may have been billed as uncertain", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "network" });
    expect((await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"))).status).toBe(502);
    expect(gateway.logs.find((entry) => entry.msg === "request")?.upstream).toMatchObject({ attempts: 1, billed: 0, uncertain: 1 });
  });
});

describe("a range of stored days without data", () => {
  it("is answered from them, free: every day known empty", async () => {
    // Days before 02-28 are past the emulator's history depth: the first answer leaves them out.
    const gateway = makeGateway({ emulator: { historyDays: 10 } });
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-02-20", "2026-03-05"));
    const response = await gateway.request(trendPath(kolId, "2026-02-21", "2026-02-26"));
    expect(response.status).toBe(200);
    expect(response.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    const { series } = await response.json<{ series: { fans: number | null }[] }>();
    expect(series.every((point) => point.fans === null)).toBe(true);
  });
});

describe("a billed answer that could not be read", () => {
  it("is kept in KV: the same range is answered from there, as the same 502, until UNUSABLE_TTL_SECONDS pass", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), "2026-03-01", "2026-03-05");
    gateway.emulator.queueFaults({ kind: "wrong-shape" });
    await gateway.request(path);
    // An age of 1.5 s is said as 1 s, whole seconds passed (RFC 9111's Age).
    tick(gateway, 1_500);
    const again = await gateway.request(path);
    expect(again.status).toBe(502);
    expect(again.headers.get("Cache-Status")).toBe("xingtu-edge; hit; ttl=3599");
    expect(again.headers.get("Age")).toBe("1");
    expect(await again.json()).toMatchObject({
      type: "/problems/upstream-invalid-response",
      detail:
        "The upstream's answer (billed) was not usable: its data does not have the documented shape. The gateway keeps this outcome for the range for a while rather than paying for it again.",
    });
    expect(gateway.emulator.requests).toHaveLength(1);
  });
});

describe("the drop-in route", () => {
  it("answers a billed answer that could not be read as a 502 too, keeping the cache's status", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "wrong-shape" });
    const response = await gateway.request(dropInPath(uniqueKol(), "2026-03-01", "2026-03-05"));
    expect(response.status).toBe(502);
    expect(response.headers.get("Cache-Status")).toBe("xingtu-edge; fwd=miss; stored; ttl=3600");
    expect(await response.json()).toMatchObject({ type: "/problems/upstream-invalid-response" });
  });
});

describe("Xingtu-Refresh", () => {
  it("from a key without the refresh permission is refused, said so, and buys nothing", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(gateway.env.KEYS, { permissions: [] });
    const path = trendPath(uniqueKol(), "2026-03-01", "2026-03-05");
    await gateway.request(path, { as: key });
    const response = await gateway.request(path, { as: key, headers: { "Xingtu-Refresh": "settled" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Xingtu-Refresh")).toBe('refused; reason="the key lacks the refresh permission"');
    expect(gateway.emulator.requests).toHaveLength(1);
  });

  it("with a value that is neither mode is a 400 that says which values it takes", async () => {
    const response = await makeGateway().request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"), {
      headers: { "Xingtu-Refresh": "all" },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      detail: 'The Xingtu-Refresh header must be "live" or "settled".',
      errors: [{ field: "Xingtu-Refresh", in: "header", rule: "enum", message: 'must be "live" or "settled"' }],
    });
  });
});

describe("Xingtu-Refresh, as people type it", () => {
  it("takes a mode in any case and with spaces around it", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), "2026-03-01", "2026-03-05");
    await gateway.request(path);
    const response = await gateway.request(path, { headers: { "Xingtu-Refresh": " Settled " } });
    expect(response.status).toBe(200);
    expect(gateway.emulator.requests).toHaveLength(2);
  });
});

describe("a stored answer past its serving time, when the gateway itself refuses the call", () => {
  it("is not served in place of the key's own limit: the 429 is the answer", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(gateway.env.KEYS, { dailyUpstreamCalls: 1 });
    const path = trendPath(uniqueKol(), ...LIVE_RANGE);
    await gateway.request(path, { as: key });
    // Past its TTL and the stale-while-revalidate grace, within stale-if-error: a call is needed, and the key has none left.
    tick(gateway, LIVE_TTL_MS + 600_000);
    const response = await gateway.request(path, { as: key });
    expect(response.status).toBe(429);
    expect(((await response.json()) as { type: string }).type).toBe("/problems/key-spend-limit");
  });
});

describe("identical concurrent misses", () => {
  it("write their shared answer to KV once", async () => {
    // KV accepts one write a second per key: each identical miss writing it again would be refused.
    const writes: string[] = [];
    const cache = Object.assign(Object.create(env.CACHE) as KVNamespace, {
      get: (key: string, options: KVNamespaceGetOptions<"json">) => env.CACHE.get(key, options),
      put: (...args: Parameters<KVNamespace["put"]>) => (writes.push(args[0]), env.CACHE.put(...args)),
    });
    const gateway = makeGateway({ env: { CACHE: cache }, emulator: { latencyMs: 20 } });
    const path = trendPath(uniqueKol(), "2026-03-01", "2026-03-05");
    const responses = await Promise.all(Array.from({ length: 3 }, () => gateway.request(path)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(gateway.emulator.requests).toHaveLength(1);
    expect(writes).toHaveLength(1);
    // One led the call; the others' shares are coalesced and spent nothing.
    const calls = responses.map((response) => response.headers.get("Xingtu-Upstream-Calls"));
    expect(calls.sort()).toEqual(["0", "0", "1"]);
    const coalesced = gateway.logs
      .filter((line) => line.msg === "request")
      .map((line) => (line.upstream as { coalesced: boolean }).coalesced);
    expect(coalesced.sort()).toEqual([false, true, true]);
  });
});

describe("an isolate whose refreshed answer could not be stored", () => {
  it("asks the KOL's coordinator for the next refresh of the range only a minute later", async () => {
    const kolId = uniqueKol();
    const path = trendPath(kolId, ...LIVE_RANGE);
    const writer = makeGateway();
    await writer.request(path);
    // Every KV write fails, and no memory tier keeps the refreshed answer either: the range stays stale.
    const failing = Object.assign(Object.create(env.CACHE) as KVNamespace, {
      get: (key: string, options: KVNamespaceGetOptions<"json">) => env.CACHE.get(key, options),
      put: () => Promise.reject(new Error("KV write refused")),
    });
    const gateway = makeGateway({ env: { CACHE: failing, MEMORY_CACHE_SECONDS: "0" }, now: writer.clock.now + LIVE_TTL_MS + 1_000 });
    // Counts the isolate's asks for a refresh.
    const asks: string[] = [];
    const coordinators = gateway.env.KOL_COORDINATOR;
    gateway.env.KOL_COORDINATOR = wrapNamespace(coordinators, {
      get: (id) => {
        const stub = coordinators.get(id);
        return Object.assign(Object.create(stub) as typeof stub, {
          revalidate: (...args: Parameters<typeof stub.revalidate>) => (asks.push("revalidate"), stub.revalidate(...args)),
        });
      },
    });
    expect((await gateway.request(path)).headers.get("Cache-Status")).toMatch(/stale-while-revalidate/);
    expect([asks.length, gateway.emulator.requests.length]).toEqual([1, 1]);
    tick(gateway, 59_000);
    await gateway.request(path);
    expect(asks).toHaveLength(1);
    tick(gateway, 1_000);
    await gateway.request(path);
    expect(asks).toHaveLength(2);
    // The coordinator answers the second from the live days the first bought: they are newer than the stale answer.
    expect(gateway.emulator.requests).toHaveLength(1);
  });
});

describe("a day the upstream answered on one side only", () => {
  it("is served as it came but not kept: it is asked again next time", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    // 03-03 comes with its delta but without its count.
    gateway.emulator.queueFaults({ kind: "patch", day: { index: 2, fans_cnt: null } });
    await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"));
    const again = await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-04"));
    expect(again.headers.get("Xingtu-Upstream-Calls")).toBe("1");
    expect(gateway.emulator.requests.map((r) => `${r.startDate}..${r.endDate}`)).toEqual([
      "2026-03-01..2026-03-05",
      "2026-03-03..2026-03-03",
    ]);
  });
});

describe("the warm list", () => {
  it("buys a KOL's live days again on every run, though the last run's answer is still fresh", async () => {
    // The first KOL id whose hour of the Shanghai day is the test clock's (lookup/warm.ts).
    let id = 20_000;
    while (warmHour(String(id)) !== shanghaiHour(FIXED_NOW)) id++;
    const gateway = makeGateway({ env: { WARM_KOLS: String(id), WARM_RANGE_DAYS: "7" } });
    await gateway.runScheduled();
    tick(gateway, 30 * 60_000);
    await gateway.runScheduled();
    expect(gateway.emulator.requests.map((r) => `${r.startDate}..${r.endDate}`)).toEqual([
      "2026-03-04..2026-03-10",
      "2026-03-09..2026-03-10",
    ]);
  });
});
