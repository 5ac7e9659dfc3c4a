/**
 * The fault matrix: every way the upstream or KV can fail, driven through the emulator, with
 * the documented answer for each, whether or not a stored answer exists to fall back on.
 */
import { reset } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { dropInPath, makeGateway, trendPath, uniqueKol } from "../support/gateway.ts";
import { failingKv, KV_WRITE_RATE_ERROR } from "../support/kv.ts";
import type { Fault } from "../../tools/emulator/emulator.ts";

// Quota and balance failures open the spend guard, which is global: each test starts clean.
afterEach(() => reset());

const RANGE = ["2026-03-01", "2026-03-05"] as const;
// Ends yesterday (in Shanghai, by the test clock): kept LIVE_TTL_SECONDS, then stale.
const LIVE_RANGE = ["2026-03-05", "2026-03-09"] as const;
const LIVE_TTL_MS = 3600 * 1000;
// Past the stale-while-revalidate grace (600 s), so the upstream is asked and fails.
const PAST_GRACE_MS = LIVE_TTL_MS + 600_000 + 60_000;

interface Expectation {
  fault: Fault;
  status: number;
  type: string;
  /** Upstream calls the client's one request made: only certainly unbilled answers are retried. */
  calls: number;
  /** Of those, the ones the maker bills (codes 0 and 201). */
  billed?: number;
  retryAfter?: boolean;
  /** The upstream rejecting the parameters is the one failure a stored answer does not mask. */
  noFallback?: boolean;
  /** A billed answer that cannot be read: kept for the range, so a repeat pays nothing. */
  kept?: boolean;
}

const matrix: Record<string, Expectation> = {
  "code 101": { fault: { kind: "code", code: 101 }, status: 502, type: "upstream-token-invalid", calls: 1 },
  "code 202": { fault: { kind: "code", code: 202 }, status: 404, type: "upstream-item-not-supported", calls: 1, noFallback: true },
  "code 404": { fault: { kind: "code", code: 404 }, status: 502, type: "upstream-not-found", calls: 1 },
  "code 503": { fault: { kind: "code", code: 503 }, status: 503, type: "upstream-unavailable", calls: 1, retryAfter: true },
  // Each path says it is gone (code 300, unbilled): the other is asked once, then the gateway gives up.
  "code 300 on both paths": { fault: { kind: "code", code: 300, times: 2 }, status: 502, type: "upstream-api-invalid", calls: 2 },
  "code 100": { fault: { kind: "code", code: 100 }, status: 502, type: "upstream-token-invalid", calls: 1 },
  "code 301 after retries": {
    fault: { kind: "code", code: 301, times: 9 },
    status: 503,
    type: "upstream-collection-failed",
    calls: 3,
    retryAfter: true,
  },
  "code 302": { fault: { kind: "code", code: 302, times: 9 }, status: 503, type: "upstream-rate-limited", calls: 2, retryAfter: true },
  "code 303": { fault: { kind: "code", code: 303 }, status: 503, type: "upstream-quota-exceeded", calls: 1, retryAfter: true },
  "code 400": { fault: { kind: "code", code: 400 }, status: 400, type: "upstream-invalid-parameters", calls: 1, noFallback: true },
  "code 500": { fault: { kind: "code", code: 500 }, status: 502, type: "upstream-internal-error", calls: 1 },
  "code 600": { fault: { kind: "code", code: 600 }, status: 502, type: "upstream-permission-denied", calls: 1 },
  "code 601": { fault: { kind: "code", code: 601 }, status: 502, type: "upstream-insufficient-balance", calls: 1 },
  "code 602": { fault: { kind: "code", code: 602 }, status: 502, type: "upstream-spending-cap-reached", calls: 1 },
  "an unknown code": { fault: { kind: "code", code: 999 }, status: 502, type: "upstream-unknown-code", calls: 1 },
  "a business error under HTTP 500": {
    fault: { kind: "code", code: 500, httpStatus: 500, times: 9 },
    status: 502,
    type: "upstream-internal-error",
    calls: 1,
  },
  "HTTP 503 with an HTML body": { fault: { kind: "http", status: 503, times: 9 }, status: 502, type: "upstream-http-error", calls: 1 },
  "HTTP 404 without an envelope on both paths": {
    fault: { kind: "http", status: 404, times: 2 },
    status: 502,
    type: "upstream-api-invalid",
    calls: 2,
  },
  "malformed JSON": { fault: { kind: "malformed" }, status: 502, type: "upstream-invalid-response", calls: 1 },
  "truncated JSON": { fault: { kind: "truncated" }, status: 502, type: "upstream-invalid-response", calls: 1 },
  "JSON of the wrong shape": {
    fault: { kind: "wrong-shape" },
    status: 502,
    type: "upstream-invalid-response",
    calls: 1,
    billed: 1,
    kept: true,
  },
  // Code 0 is billed whatever its size: the body's start tells the code.
  "a huge code-0 body": { fault: { kind: "huge" }, status: 502, type: "upstream-invalid-response", calls: 1, billed: 1, kept: true },
  "connection resets mid-body": { fault: { kind: "reset", times: 9 }, status: 502, type: "upstream-unreachable", calls: 1 },
  "network errors": { fault: { kind: "network", times: 9 }, status: 502, type: "upstream-unreachable", calls: 1 },
  "a response slower than the timeout": {
    fault: { kind: "slow", delayMs: 500 },
    status: 504,
    type: "upstream-timeout",
    calls: 1,
    retryAfter: true,
  },
};

function gatewayWithShortTimeout() {
  return makeGateway({ env: { UPSTREAM_TIMEOUT_MS: "50" } });
}

async function keysFor(gateway: ReturnType<typeof makeGateway>, kolId: string) {
  return (await gateway.env.CACHE.list({ prefix: `v1:daily-fans:${kolId}:` })).keys;
}

function expectNoToken(gateway: ReturnType<typeof makeGateway>, ...outputs: string[]) {
  const token = String(gateway.env.JUSTONEAPI_TOKEN);
  expect([...outputs, JSON.stringify(gateway.logs)].join("\n")).not.toContain(token);
}

async function transcript(response: Response): Promise<string> {
  return `${[...response.headers].join("\n")}\n${await response.clone().text()}`;
}

describe("upstream faults with nothing stored", () => {
  for (const [name, expected] of Object.entries(matrix)) {
    const stores = expected.kept ? "keeps it for the range: a repeat pays nothing" : "stores nothing";
    it(`answers ${expected.status} ${expected.type} for ${name}, and ${stores}`, async () => {
      const gateway = gatewayWithShortTimeout();
      const kolId = uniqueKol();
      gateway.emulator.queueFaults(expected.fault);
      const response = await gateway.request(trendPath(kolId, ...RANGE));
      expect(response.status).toBe(expected.status);
      expect(response.headers.get("Content-Type")).toBe("application/problem+json");
      const problem = await response.clone().json<Record<string, unknown>>();
      expect(problem).toMatchObject({ type: `/problems/${expected.type}`, status: expected.status });
      expect(problem.requestId).toBe(response.headers.get("X-Request-Id"));
      expect(problem).not.toHaveProperty("stack");
      expect(gateway.upstreamFetches).toBe(expected.calls);
      expect(response.headers.get("Xingtu-Upstream-Calls")).toBe(String(expected.calls));
      expect(response.headers.get("Xingtu-Upstream-Billed")).toBe(String(expected.billed ?? 0));
      if (expected.retryAfter) expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
      else expect(response.headers.has("Retry-After")).toBe(false);
      expectNoToken(gateway, await transcript(response));
      if (!expected.kept) {
        expect(await keysFor(gateway, kolId)).toEqual([]);
        return;
      }
      for (let i = 0; i < 3; i++) {
        const repeat = await gateway.request(trendPath(kolId, ...RANGE));
        expect(repeat.status).toBe(expected.status);
        expect(repeat.headers.get("Xingtu-Upstream-Calls")).toBe("0");
      }
      // Another range inside the same window is answered from the KOL's coordinator, unpaid too.
      expect((await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-04"))).status).toBe(expected.status);
      expect(gateway.upstreamFetches).toBe(expected.calls);
    });
  }
});

/** Code-0 answers with one odd part: each is billed once, served, and never paid for again. */
const oddAnswers: Record<string, { fault: Fault; check: (trend: OddTrend) => void }> = {
  "description: null": { fault: { kind: "patch", data: { description: null } }, check: (t) => expect(t.upstream.description).toBeNull() },
  "fans_advice: null": { fault: { kind: "patch", data: { fans_advice: null } }, check: (t) => expect(t.upstream.fansAdvice).toBeNull() },
  "fans_growth: null": { fault: { kind: "patch", data: { fans_growth: null } }, check: (t) => expect(t.upstream.fansGrowth).toBeNull() },
  "fans_growth_v2: null": {
    fault: { kind: "patch", data: { fans_growth_v2: null } },
    check: (t) => expect(t.upstream.fansGrowthV2).toBeNull(),
  },
  'fans_growth_rate: "NaN"': {
    fault: { kind: "patch", data: { fans_growth_rate: "NaN" } },
    check: (t) => expect(t.upstream.fansGrowthRate).toBeNull(),
  },
  "one day's fans_cnt: null": {
    fault: { kind: "patch", day: { index: 2, fans_cnt: null } },
    check: (t) => {
      expect(t.series.find((point) => point.date === "2026-03-03")).toMatchObject({ fans: null });
      expect(t.series.filter((point) => point.fans !== null)).toHaveLength(4);
    },
  },
  "a day outside the asked range": {
    fault: { kind: "patch", extraDay: "2026-03-20" },
    check: (t) => {
      expect(t.series.map((point) => point.date)).toEqual(["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]);
      expect(t.summary.days).toBe(5);
    },
  },
};

interface OddTrend {
  series: { date: string; fans: number | null }[];
  summary: { days: number };
  upstream: Record<string, unknown>;
}

describe("billed answers with odd parts", () => {
  for (const [name, { fault, check }] of Object.entries(oddAnswers)) {
    it(`serves ${name} and pays once for any number of requests`, async () => {
      const gateway = makeGateway();
      const kolId = uniqueKol();
      gateway.emulator.queueFaults(fault);
      const first = await gateway.request(trendPath(kolId, ...RANGE));
      expect(first.status).toBe(200);
      expect(first.headers.get("Xingtu-Upstream-Billed")).toBe("1");
      check(await first.json<OddTrend>());
      for (let i = 0; i < 3; i++) {
        const repeat = await gateway.request(trendPath(kolId, ...RANGE));
        expect(repeat.status).toBe(200);
        check(await repeat.json<OddTrend>());
      }
      expect(gateway.upstreamFetches).toBe(1);
    });
  }

  it("logs days it dropped as an upstream oddity, and keeps them out of the cache", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    gateway.emulator.queueFaults({ kind: "patch", extraDay: "2026-03-20" });
    await gateway.request(trendPath(kolId, ...RANGE));
    expect(gateway.logs).toContainEqual(
      expect.objectContaining({
        msg: expect.stringContaining("upstream oddity"),
        dropped: { "outside the asked range": ["daily 2026-03-20", "delta 2026-03-20"] },
      }),
    );
    const dropIn = await (await gateway.request(dropInPath(kolId, ...RANGE))).text();
    expect(dropIn).not.toContain("2026-03-20");
  });
});

describe("upstream faults with a stale answer stored", () => {
  for (const [name, expected] of Object.entries(matrix)) {
    const outcome = expected.noFallback ? `still answers ${expected.status}` : "serves the stale answer";
    it(`${outcome} for ${name}`, async () => {
      const gateway = gatewayWithShortTimeout();
      const path = trendPath(uniqueKol(), ...LIVE_RANGE);
      const fresh = await (await gateway.request(path)).json();
      gateway.clock.now += PAST_GRACE_MS;
      gateway.emulator.queueFaults(expected.fault);
      const response = await gateway.request(path);
      expectNoToken(gateway, await transcript(response));
      if (expected.noFallback) {
        expect(response.status).toBe(expected.status);
        return;
      }
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(fresh);
      expect(response.headers.get("Cache-Status")).toBe(
        `xingtu-edge; fwd=stale; fwd-status=${expected.status}; ttl=-660; detail="${expected.type}"`,
      );
      expect(response.headers.get("Age")).toBe("4260");
      expect(response.headers.get("Cache-Control")).toBe("no-store");
    });
  }

  it("does not store a stood-in answer again as fresh: the next request asks the upstream", async () => {
    const gateway = gatewayWithShortTimeout();
    const path = trendPath(uniqueKol(), ...LIVE_RANGE);
    await gateway.request(path);
    gateway.clock.now += PAST_GRACE_MS;
    gateway.emulator.queueFaults({ kind: "code", code: 500 });
    expect((await gateway.request(path)).headers.get("Cache-Status")).toMatch(/fwd=stale; fwd-status=502/);
    gateway.clock.now += 1_000;
    const next = await gateway.request(path);
    expect(next.headers.get("Cache-Status")).toMatch(/^xingtu-edge; fwd=miss; stored;/);
    expect(next.headers.get("Age")).toBe("0");
    expect(gateway.upstreamFetches).toBe(3);
  });

  it("keeps saying how old a stood-in answer is while the upstream still fails", async () => {
    const gateway = gatewayWithShortTimeout();
    const path = trendPath(uniqueKol(), ...LIVE_RANGE);
    await gateway.request(path);
    gateway.clock.now += PAST_GRACE_MS;
    gateway.emulator.queueFaults({ kind: "code", code: 500, times: 2 });
    await gateway.request(path);
    gateway.clock.now += 10_000;
    const again = await gateway.request(path);
    expect(again.headers.get("Cache-Status")).toBe(`xingtu-edge; fwd=stale; fwd-status=502; ttl=-670; detail="upstream-internal-error"`);
    expect(again.headers.get("Age")).toBe("4270");
  });

  it("stops serving a stored answer once the stale grace has passed", async () => {
    const gateway = makeGateway({ env: { STALE_IF_ERROR_SECONDS: "600" } });
    const path = trendPath(uniqueKol(), ...LIVE_RANGE);
    await gateway.request(path);
    gateway.clock.now += LIVE_TTL_MS + 600_000 + 1_000;
    gateway.emulator.queueFaults({ kind: "code", code: 601 });
    expect((await gateway.request(path)).status).toBe(502);
  });

  it("falls back to the stored answer when a forced refresh fails", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), ...LIVE_RANGE);
    await gateway.request(path);
    gateway.emulator.queueFaults({ kind: "code", code: 303 });
    const response = await gateway.request(path, { headers: { "Xingtu-Refresh": "live" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Status")).toMatch(
      /^xingtu-edge; fwd=request; fwd-status=503; ttl=3600; detail="upstream-quota-exceeded"$/,
    );
  });
});

describe("KV faults", () => {
  const kvFaults = {
    "a failing KV read": failingKv("get"),
    "a failing KV write": failingKv("put", "KV PUT failed: 500 Internal Server Error"),
    "a KV write-rate error": failingKv("put", KV_WRITE_RATE_ERROR),
  };
  for (const [name, kv] of Object.entries(kvFaults)) {
    it(`answers from the upstream despite ${name}`, async () => {
      const gateway = makeGateway({ env: { CACHE: kv } });
      const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
      expect(response.status).toBe(200);
      expect((await response.clone().json<{ series: unknown[] }>()).series).toHaveLength(5);
      expectNoToken(gateway, await transcript(response));
    });
  }
});

describe("the drop-in route under faults", () => {
  it("gives upstream-style clients the upstream's own code", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 303 });
    const response = await gateway.request(dropInPath(uniqueKol(), ...RANGE));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      code: 303,
      type: "/problems/upstream-quota-exceeded",
      message: expect.stringContaining("303"),
    });
  });

  it("reports gateway-side failures as upstream-style code 500", async () => {
    const gateway = gatewayWithShortTimeout();
    gateway.emulator.queueFaults({ kind: "slow", delayMs: 500 });
    const response = await gateway.request(dropInPath(uniqueKol(), ...RANGE));
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ code: 500, type: "/problems/upstream-timeout" });
  });
});

describe("what costs money", () => {
  it("pays once for the upstream's 'no data' (201) and answers repeats from the cache", async () => {
    const gateway = makeGateway();
    const path = trendPath("999201", ...RANGE);
    const first = await gateway.request(path);
    expect(first.status).toBe(404);
    expect(await first.json()).toMatchObject({ type: "/problems/upstream-no-data", status: 404 });
    expect(first.headers.get("Xingtu-Upstream-Billed")).toBe("1");
    for (let i = 0; i < 9; i++) {
      const repeat = await gateway.request(path);
      expect(repeat.status).toBe(404);
      expect(repeat.headers.get("Cache-Status")).toMatch(/^xingtu-edge; hit; ttl=\d+$/);
      expect(repeat.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    }
    expect(gateway.upstreamFetches).toBe(1);
  });

  it("keeps 'no data' for NO_DATA_TTL_SECONDS, then asks again", async () => {
    const gateway = makeGateway({ env: { NO_DATA_TTL_SECONDS: "120" } });
    const path = trendPath("999201", ...RANGE);
    expect((await gateway.request(path)).headers.get("Cache-Status")).toMatch(/fwd=miss; stored; ttl=120$/);
    gateway.clock.now += 121_000 + 600_000;
    await gateway.request(path);
    expect(gateway.upstreamFetches).toBe(2);
  });

  it("gives the drop-in route the upstream's own 201 body", async () => {
    const gateway = makeGateway();
    const response = await gateway.request(dropInPath("999201", ...RANGE));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ code: 201, message: "No Content Available" });
  });

  it("serves code 0 under HTTP 500 as the billed success it is, with one call", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 0, httpStatus: 500, times: 3 });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(response.status).toBe(200);
    expect(gateway.upstreamFetches).toBe(1);
    expect(response.headers.get("Xingtu-Upstream-Billed")).toBe("1");
  });

  it("starts at most one background refresh per range while the upstream fails", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), ...LIVE_RANGE);
    await gateway.request(path);
    gateway.clock.now += LIVE_TTL_MS + 1_000;
    gateway.emulator.queueFaults({ kind: "code", code: 500, times: 20 });
    for (let i = 0; i < 10; i++) {
      const stale = await gateway.request(path);
      expect(stale.headers.get("Cache-Status")).toMatch(/stale-while-revalidate/);
    }
    expect(gateway.upstreamFetches).toBe(2);
  });

  it("refreshes again once a failed refresh's back-off has passed", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), ...LIVE_RANGE);
    await gateway.request(path);
    gateway.clock.now += LIVE_TTL_MS + 1_000;
    gateway.emulator.queueFaults({ kind: "code", code: 500 });
    await gateway.request(path);
    gateway.clock.now += 61_000;
    await gateway.request(path);
    expect(gateway.upstreamFetches).toBe(3);
    expect((await gateway.request(path)).headers.get("Cache-Status")).toMatch(/^xingtu-edge; hit;/);
  });
});

describe("partial data", () => {
  it("does not store a day missing on one side: a later range asks for it again", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    gateway.emulator.queueFaults({ kind: "mismatch" });
    await gateway.request(trendPath(kolId, ...RANGE));
    // 2026-03-01 came without a count and 2026-03-05 without a delta: both are asked again.
    const response = await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-03"));
    const body = await response.json<{ series: { fans: number | null }[]; summary: { change: number } }>();
    expect(gateway.emulator.requests.map((r) => `${r.startDate}..${r.endDate}`)).toEqual([
      "2026-03-01..2026-03-05",
      "2026-03-01..2026-03-01",
    ]);
    expect(body.series.every((point) => point.fans !== null)).toBe(true);
    const direct = await (
      await makeGateway().request(trendPath(kolId, "2026-03-01", "2026-03-03"))
    ).json<{ summary: { change: number } }>();
    expect(body.summary.change).toBe(direct.summary.change);
  });

  it("serves a daily/delta mismatch with nulls rather than invented values", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "mismatch" });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    const body = await response.json<{ series: { date: string; fans: number | null; delta: number | null }[] }>();
    expect(body.series[0]).toMatchObject({ date: "2026-03-01", fans: null });
    expect(body.series[4]).toMatchObject({ date: "2026-03-05", delta: null });
    expect(body.series.filter((p) => p.fans !== null && p.delta !== null)).toHaveLength(3);
  });

  it("logs the request id and business code of a failure it answered", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 601 });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(gateway.logs).toContainEqual(
      expect.objectContaining({
        requestId: response.headers.get("X-Request-Id"),
        status: 502,
        upstream: expect.objectContaining({ code: 601 }),
      }),
    );
  });
});
