/**
 * Rules a KOL's coordinator keeps across requests and isolates, seen as a client sees them:
 * statuses, problem types, cache headers, and the emulator's own log of the windows it was asked
 * for (with `at` on the test clock). Two test gateways stand for two isolates: each has its own
 * memory tier and its own "once a minute per range" memory of background refreshes it asked for,
 * and they share the KOL's coordinator and KV. The test clock is 2026-03-10 12:00 in Shanghai:
 * 03-09 and 03-10 are live, 03-08 is the last settled day.
 */
import { describe, expect, it } from "vitest";
import { dropInPath, makeGateway, trendPath, uniqueKol, unreachableNamespace, type GatewayOptions } from "../support/gateway.ts";
import type { Quote } from "../../src/schemas/quote.ts";
import { createTestKey } from "../support/keys.ts";

type Gateway = ReturnType<typeof makeGateway>;

const LIVE_TTL_MS = 3600 * 1000;
const UNUSABLE_TTL_MS = 3600 * 1000;
// Ends yesterday in Shanghai: its answer is live, kept LIVE_TTL_SECONDS, then served stale.
const LIVE_RANGE = ["2026-03-05", "2026-03-09"] as const;

const windows = (gateway: Gateway) => gateway.emulator.requests.map((r) => `${r.startDate}..${r.endDate}`);

/** Two isolates of one deployment on one clock: they share the KOL's coordinator and KV. */
function twoIsolates(options: GatewayOptions = {}): [Gateway, Gateway] {
  const one = makeGateway(options);
  return [one, makeGateway({ ...options, now: one.clock.now })];
}

const tick = (ms: number, ...gateways: Gateway[]) => gateways.forEach((gateway) => (gateway.clock.now += ms));

async function expectStale(gateway: Gateway, path: string) {
  const response = await gateway.request(path);
  expect(response.status).toBe(200);
  expect(response.headers.get("Cache-Status")).toMatch(/stale-while-revalidate/);
}

describe("a failed background refresh's back-off", () => {
  it("holds off every isolate for exactly a minute after the first failure", async () => {
    // An isolate asks the coordinator at most once a minute per range on its own, so only a second
    // isolate can show that the coordinator itself waits after a failure.
    const [one, other] = twoIsolates();
    const path = trendPath(uniqueKol(), ...LIVE_RANGE);
    await one.request(path);
    tick(LIVE_TTL_MS + 1_000, one, other);
    one.emulator.queueFaults({ kind: "code", code: 500 });
    await expectStale(one, path);
    expect(one.emulator.requests).toHaveLength(2);
    tick(30_000, one, other);
    await expectStale(other, path);
    expect(other.emulator.requests).toHaveLength(0);
    // A minute after the failure (and after the first isolate's own minute) the refresh is made.
    tick(30_000, one, other);
    await expectStale(one, path);
    expect(one.emulator.requests).toHaveLength(3);
    expect((await one.request(path)).headers.get("Cache-Status")).toMatch(/^xingtu-edge; hit; ttl=3600/);
  });

  it("doubles after a second failure: two minutes", async () => {
    const [one, other] = twoIsolates();
    const path = trendPath(uniqueKol(), ...LIVE_RANGE);
    await one.request(path);
    tick(LIVE_TTL_MS + 1_000, one, other);
    one.emulator.queueFaults({ kind: "code", code: 500 });
    await expectStale(one, path);
    tick(61_000, one, other);
    other.emulator.queueFaults({ kind: "code", code: 500 });
    await expectStale(other, path);
    expect(other.emulator.requests).toHaveLength(1);
    // 61 s after the second failure: still backing off.
    tick(61_000, one, other);
    await expectStale(one, path);
    expect(one.emulator.requests).toHaveLength(2);
    // 121 s after it: refreshed.
    tick(60_000, one, other);
    await expectStale(other, path);
    expect(other.emulator.requests).toHaveLength(2);
  });

  it("stops doubling at fifteen minutes", async () => {
    // A long stale-while-revalidate grace, so the stale answer outlives five failed refreshes.
    const gateway = makeGateway({ env: { STALE_WHILE_REVALIDATE_SECONDS: "7200" } });
    const path = trendPath(uniqueKol(), ...LIVE_RANGE);
    await gateway.request(path);
    tick(LIVE_TTL_MS + 1_000, gateway);
    // Five failures, each asked just after the back-off before it: 1, 2, 4 and 8 minutes, then 16 capped to 15.
    for (const wait of [0, 61_000, 121_000, 241_000, 481_000]) {
      tick(wait, gateway);
      gateway.emulator.queueFaults({ kind: "code", code: 500 });
      await expectStale(gateway, path);
    }
    expect(gateway.emulator.requests).toHaveLength(6);
    tick(15 * 60_000 + 1_000, gateway);
    await expectStale(gateway, path);
    expect(gateway.emulator.requests).toHaveLength(7);
  });
});

describe("a billed answer that could not be read", () => {
  it("is given again for UNUSABLE_TTL_SECONDS to a range inside its window, then bought again", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    gateway.emulator.queueFaults({ kind: "wrong-shape" });
    expect((await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"))).status).toBe(502);
    // Ranges never asked before (no stored answer of their own): only the coordinator knows.
    tick(UNUSABLE_TTL_MS - 1, gateway);
    const kept = await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-04"));
    expect(kept.status).toBe(502);
    expect(await kept.json()).toMatchObject({ type: "/problems/upstream-invalid-response" });
    expect(kept.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    tick(1, gateway);
    const bought = await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-03"));
    expect(bought.status).toBe(200);
    expect(windows(gateway)).toEqual(["2026-03-01..2026-03-05", "2026-03-02..2026-03-03"]);
  });
});

describe("a kept unusable answer given again", () => {
  it("is a miss the coordinator answered alone: not assembled from days, nor shared with another request", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    gateway.emulator.queueFaults({ kind: "wrong-shape" });
    await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"));
    const kept = await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-04"));
    expect(kept.status).toBe(502);
    expect(kept.headers.get("Cache-Status")).toBe("xingtu-edge; fwd=miss; stored; ttl=3600");
    expect(gateway.logs.at(-1)).toMatchObject({ upstream: expect.objectContaining({ attempts: 0, coalesced: false, reusedDays: 0 }) });
  });
});

describe("a successful background refresh", () => {
  it("leaves the range free to be refreshed again the next time it goes stale", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), ...LIVE_RANGE);
    await gateway.request(path);
    tick(LIVE_TTL_MS + 1_000, gateway);
    await expectStale(gateway, path);
    tick(LIVE_TTL_MS + 1_000, gateway);
    await expectStale(gateway, path);
    expect(gateway.emulator.requests.map((request) => request.at - gateway.emulator.requests[0]!.at)).toEqual([
      0,
      LIVE_TTL_MS + 1_000,
      2 * (LIVE_TTL_MS + 1_000),
    ]);
  });
});

describe("without day-level reuse (DAY_CACHE=false)", () => {
  it("a billed answer that could not be read is given again to a range inside its window", async () => {
    const gateway = makeGateway({ env: { DAY_CACHE: "false" } });
    const kolId = uniqueKol();
    gateway.emulator.queueFaults({ kind: "wrong-shape" });
    expect((await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"))).status).toBe(502);
    const inside = await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-04"));
    expect(inside.status).toBe(502);
    expect(inside.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    // A range reaching past the kept window is asked whole.
    expect((await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-06"))).status).toBe(200);
    expect(windows(gateway)).toEqual(["2026-03-01..2026-03-05", "2026-03-02..2026-03-06"]);
  });

  it("a client's settled refresh buys the range again despite a kept unusable answer", async () => {
    const gateway = makeGateway({ env: { DAY_CACHE: "false" } });
    const path = trendPath(uniqueKol(), "2026-03-01", "2026-03-05");
    gateway.emulator.queueFaults({ kind: "wrong-shape" });
    expect((await gateway.request(path)).status).toBe(502);
    const refreshed = await gateway.request(path, { headers: { "Xingtu-Refresh": "settled" } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get("Xingtu-Refresh")).toBe("done");
    expect(windows(gateway)).toEqual(["2026-03-01..2026-03-05", "2026-03-01..2026-03-05"]);
  });

  it("a quote names the kept unusable answer, or a call for the whole range", async () => {
    const gateway = makeGateway({ env: { DAY_CACHE: "false", UPSTREAM_FETCH_DAYS: undefined } });
    const kolId = uniqueKol();
    gateway.emulator.queueFaults({ kind: "wrong-shape" });
    await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"));
    expect((await quoteOf(gateway, kolId, "2026-03-02", "2026-03-04")).members[0]).toMatchObject({ source: "kept-unusable", calls: 0 });
    // Not widened, though the gateway asks 365-day windows with day-level reuse on.
    expect((await quoteOf(gateway, kolId, "2026-02-01", "2026-02-05")).members[0]).toMatchObject({
      source: "upstream",
      calls: 1,
      window: { startDate: "2026-02-01", endDate: "2026-02-05" },
    });
  });
});

describe("a quote", () => {
  it("names a kept unusable answer whose window covers the missing days", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    gateway.emulator.queueFaults({ kind: "wrong-shape" });
    await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"));
    expect((await quoteOf(gateway, kolId, "2026-03-02", "2026-03-04")).members[0]).toMatchObject({
      source: "kept-unusable",
      calls: 0,
      window: null,
    });
  });

  it("names a call already in flight that brings the days", async () => {
    const gateway = makeGateway({ emulator: { latencyMs: 300 } });
    const kolId = uniqueKol();
    const miss = gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await quoteOf(gateway, kolId, "2026-03-02", "2026-03-04")).members[0]).toMatchObject({
      source: "in-flight",
      calls: 0,
      window: null,
    });
    expect((await miss).status).toBe(200);
    expect(gateway.emulator.requests).toHaveLength(1);
  });
});

describe("a range partly stored, the rest bought", () => {
  it("is a 502 when the call for the rest was billed but could not be read, not a range with holes", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-03"));
    gateway.emulator.queueFaults({ kind: "wrong-shape" });
    const response = await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"));
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ type: "/problems/upstream-invalid-response" });
    expect(windows(gateway)).toEqual(["2026-03-01..2026-03-03", "2026-03-04..2026-03-05"]);
  });

  it("answered 'no data' for the rest, is served from the stored days and kept NO_DATA_TTL_SECONDS", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-03"));
    gateway.emulator.queueFaults({ kind: "code", code: 201 });
    const response = await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"));
    expect(response.status).toBe(200);
    // A settled range is kept a week; one whose call said "no data", six hours.
    expect(response.headers.get("Cache-Status")).toBe('xingtu-edge; fwd=miss; stored; ttl=21600; detail="assembled"');
    const { series } = await response.json<{ series: { date: string }[] }>();
    expect(series.map((point) => point.date)).toEqual(["2026-03-01", "2026-03-02", "2026-03-03"]);
  });

  it("bought whole because the stored day sat in the middle, is still said to be assembled", async () => {
    // The call spans the missing days on both sides of the stored one (the test gateway asks no
    // wider), so it asks the range as such; the answer is built from the days all the same.
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-03-03", "2026-03-03"));
    const response = await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"));
    expect(windows(gateway)).toEqual(["2026-03-03..2026-03-03", "2026-03-01..2026-03-05"]);
    expect(response.headers.get("Cache-Status")).toBe('xingtu-edge; fwd=miss; stored; ttl=604800; detail="assembled"');
    expect(gateway.logs.at(-1)).toMatchObject({ upstream: expect.objectContaining({ reusedDays: 1 }) });
  });
});

describe("a wide call", () => {
  it("for a range ending today answers with the range's own days, not the whole window", async () => {
    // The window ends where the range does (today), but starts a year earlier.
    const gateway = makeGateway({ env: { UPSTREAM_FETCH_DAYS: undefined } });
    const response = await gateway.request(dropInPath(uniqueKol(), "2026-03-06", "2026-03-10"));
    expect(windows(gateway)).toEqual(["2025-03-11..2026-03-10"]);
    const body = await response.json<{ data: { daily: { date: string }[] } }>();
    expect(body.data.daily.map((point) => point.date)).toEqual(["2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10"]);
  });

  it("for a range starting at MIN_DATE answers with the range's own days, not the whole window", async () => {
    // The window starts where the range does (it may reach no earlier), but ends today.
    const gateway = makeGateway({ env: { UPSTREAM_FETCH_DAYS: undefined, MIN_DATE: "2026-02-01" } });
    const response = await gateway.request(dropInPath(uniqueKol(), "2026-02-01", "2026-02-03"));
    expect(windows(gateway)).toEqual(["2026-02-01..2026-03-10"]);
    const body = await response.json<{ data: { daily: { date: string }[] } }>();
    expect(body.data.daily.map((point) => point.date)).toEqual(["2026-02-01", "2026-02-02", "2026-02-03"]);
  });

  it("is made for a client's refresh asked with a plain miss: the call is one call either way", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_FETCH_DAYS: undefined }, emulator: { latencyMs: 300 } });
    const kolId = uniqueKol();
    const both = Promise.all([
      gateway.request(trendPath(kolId, "2026-02-01", "2026-02-05")),
      gateway.request(trendPath(kolId, "2026-03-05", "2026-03-09"), { headers: { "Xingtu-Refresh": "live" } }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The plain miss's call answers after the refresh was asked: its live days are the refreshed ones.
    gateway.clock.now += 1;
    const [plain, refreshed] = await both;
    expect([plain.status, refreshed.status]).toEqual([200, 200]);
    expect(windows(gateway)).toEqual(["2025-03-11..2026-03-10"]);
  });
});

describe("identical concurrent misses", () => {
  it("share a failed call too: the failure is not bought again by each", async () => {
    const gateway = makeGateway({ emulator: { latencyMs: 5 } });
    const path = trendPath(uniqueKol(), "2026-03-01", "2026-03-05");
    gateway.emulator.queueFaults({ kind: "code", code: 500 });
    const responses = await Promise.all([gateway.request(path), gateway.request(path)]);
    expect(responses.map((response) => response.status)).toEqual([502, 502]);
    expect(gateway.emulator.requests).toHaveLength(1);
  });
});

describe("a key past its daily limit of upstream calls", () => {
  it("is refused a miss that needs a call, 429, and nothing is asked", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(gateway.env.KEYS, { dailyUpstreamCalls: 1 });
    const kolId = uniqueKol();
    expect((await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-03"), { as: key })).status).toBe(200);
    const refused = await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"), { as: key });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ type: "/problems/key-spend-limit" });
    expect(windows(gateway)).toEqual(["2026-03-01..2026-03-03"]);
  });

  it("does not stop another key's identical miss that shared its resolution", async () => {
    // The refused key's miss leads; the other key's identical miss waited for it, and then
    // resolves on its own: one key's limit says nothing of another's.
    const gateway = makeGateway({ emulator: { latencyMs: 5 } });
    const [spent, other] = await Promise.all([createTestKey(gateway.env.KEYS, { dailyUpstreamCalls: 1 }), createTestKey(gateway.env.KEYS)]);
    await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"), { as: spent.key });
    const path = trendPath(uniqueKol(), "2026-03-01", "2026-03-05");
    const [refused, answered] = await Promise.all([gateway.request(path, { as: spent.key }), gateway.request(path, { as: other.key })]);
    expect([refused.status, answered.status]).toEqual([429, 200]);
    expect(answered.headers.get("Xingtu-Upstream-Calls")).toBe("1");
    expect(gateway.emulator.requests).toHaveLength(2);
  });
});

describe("a widened window", () => {
  it("stops at the stored days before it too", async () => {
    const kolId = uniqueKol();
    // A gateway that asks exact windows stores 02-01..02-05 in the KOL's coordinator first.
    await makeGateway().request(trendPath(kolId, "2026-02-01", "2026-02-05"));
    const gateway = makeGateway({ env: { UPSTREAM_FETCH_DAYS: undefined } });
    expect((await gateway.request(trendPath(kolId, "2026-02-20", "2026-02-25"))).status).toBe(200);
    // Towards the present up to today, then back to the day after the stored ones.
    expect(windows(gateway)).toEqual(["2026-02-06..2026-03-10"]);
  });

  it("that fails for another reason than invalid parameters is not asked again narrower", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_FETCH_DAYS: undefined } });
    gateway.emulator.queueFaults({ kind: "code", code: 500 });
    const response = await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"));
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ type: "/problems/upstream-internal-error" });
    expect(windows(gateway)).toEqual(["2025-03-11..2026-03-10"]);
  });

  it("refused as invalid parameters is asked again narrower only if the account's budget admits one more call", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_FETCH_DAYS: undefined, UPSTREAM_DAILY_BUDGET: "1" }, emulator: { maxRangeDays: 60 } });
    const response = await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"));
    expect(response.status).toBe(503);
    expect(windows(gateway)).toEqual(["2025-03-11..2026-03-10"]);
  });

  it("refused as invalid parameters is logged with the window refused and the one asked instead", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_FETCH_DAYS: undefined }, emulator: { maxRangeDays: 60 } });
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"));
    expect(gateway.logs.filter((line) => line.refusedDays !== undefined)).toEqual([
      expect.objectContaining({
        level: "warn",
        msg: expect.stringContaining("asking the missing days alone"),
        kolId,
        refused: "2025-03-11..2026-03-10",
        refusedDays: 365,
        asked: "2026-03-01..2026-03-05",
      }),
    ]);
  });
});

describe("an answer assembled from live days fetched at different times", () => {
  it("is kept no longer than its oldest live day stays reusable", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-03-09", "2026-03-09"));
    tick(30 * 60_000, gateway);
    await gateway.request(trendPath(kolId, "2026-03-10", "2026-03-10"));
    tick(10 * 60_000, gateway);
    const response = await gateway.request(trendPath(kolId, "2026-03-09", "2026-03-10"));
    expect(response.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    // 03-09 was fetched 40 minutes ago: 20 of its 60 minutes are left (03-10's 50 are not what counts).
    expect(response.headers.get("Cache-Status")).toBe('xingtu-edge; hit; ttl=1200; detail="assembled"');
  });
});

describe("without day-level reuse, a miss", () => {
  it("is the upstream's own answer for the range, kept as long as its range is", async () => {
    const gateway = makeGateway({ env: { DAY_CACHE: "false" } });
    const response = await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"));
    expect(response.headers.get("Cache-Status")).toBe("xingtu-edge; fwd=miss; stored; ttl=604800");
  });

  it("that fails upstream is the upstream's problem", async () => {
    const gateway = makeGateway({ env: { DAY_CACHE: "false" } });
    gateway.emulator.queueFaults({ kind: "code", code: 500 });
    const response = await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"));
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ type: "/problems/upstream-internal-error" });
  });

  it("is refused for a key past its daily limit, and nothing is asked", async () => {
    const gateway = makeGateway({ env: { DAY_CACHE: "false" } });
    const { key } = await createTestKey(gateway.env.KEYS, { dailyUpstreamCalls: 1 });
    await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"), { as: key });
    const refused = await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"), { as: key });
    expect(refused.status).toBe(429);
    expect(gateway.emulator.requests).toHaveLength(1);
  });
});

describe("a refusal by the key's limit", () => {
  it("comes from the KOL's coordinator: it is logged as not shared, and the coordinator as reached", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(gateway.env.KEYS, { dailyUpstreamCalls: 1 });
    await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"), { as: key });
    expect((await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"), { as: key })).status).toBe(429);
    expect(gateway.logs.at(-1)).toMatchObject({ status: 429, upstream: expect.objectContaining({ attempts: 0, coalesced: false }) });
    expect(gateway.logs).not.toContainEqual(expect.objectContaining({ msg: expect.stringContaining("could not be reached") }));
  });
});

describe("without the KOL's coordinator", () => {
  it("concurrent misses for different ranges each get their own answer", async () => {
    const gateway = makeGateway({ env: { KOL_COORDINATOR: unreachableNamespace() }, emulator: { latencyMs: 5 } });
    const kolId = uniqueKol();
    const responses = await Promise.all([
      gateway.request(trendPath(kolId, "2026-03-01", "2026-03-02")),
      gateway.request(trendPath(kolId, "2026-03-03", "2026-03-05")),
    ]);
    const bodies = await Promise.all(responses.map((response) => response.json<{ series: unknown[] }>()));
    expect(bodies.map((body) => body.series.length)).toEqual([2, 3]);
  });

  it("a client's refresh is declined, saying which object could not be reached", async () => {
    const gateway = makeGateway({ env: { KOL_COORDINATOR: unreachableNamespace() } });
    const response = await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"), {
      headers: { "Xingtu-Refresh": "settled" },
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ detail: expect.stringContaining("The KOL's coordinator, which grants refreshes,") });
    expect(gateway.logs).toContainEqual(
      expect.objectContaining({ level: "warn", msg: expect.stringContaining("an explicit refresh was declined") }),
    );
  });
});

async function quoteOf(gateway: Gateway, kolId: string, start: string, end: string): Promise<Quote> {
  const response = await gateway.request(`/v1/kols/${kolId}/daily-fans/quote?startDate=${start}&endDate=${end}`);
  expect(response.status).toBe(200);
  return response.json<Quote>();
}
