/**
 * How a KOL's coordinator plans and shares a miss, seen as a client and the operator see it:
 * statuses, cache headers, the log, and the emulator's log of the windows it was asked for. A
 * coordinator that throws is not visible in the status alone (the isolate then resolves the miss
 * on its own, often with the same answer), so tests here also check that it was reached. The test
 * clock is 2026-03-10 12:00 in Shanghai: 03-09 and 03-10 are live, 03-08 is the last settled day.
 */
import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol, type GatewayOptions } from "../support/gateway.ts";
import type { Quote } from "../../src/schemas/quote.ts";
import { createTestKey } from "../support/keys.ts";

type Gateway = ReturnType<typeof makeGateway>;

const LIVE_TTL_MS = 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

const windows = (gateway: Gateway) => gateway.emulator.requests.map((r) => `${r.startDate}..${r.endDate}`);
const tick = (ms: number, ...gateways: Gateway[]) => gateways.forEach((gateway) => (gateway.clock.now += ms));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The isolate never had to resolve a miss without the KOL's coordinator. */
function expectCoordinatorReached(gateway: Gateway) {
  expect(gateway.logs).not.toContainEqual(expect.objectContaining({ msg: expect.stringContaining("could not be reached") }));
}

/** The request's own log line (by the request id its response names). */
const logOf = (gateway: Gateway, response: Response) =>
  gateway.logs.find((line) => line.msg === "request" && line.requestId === response.headers.get("X-Request-Id"));

async function seriesOf(response: Response): Promise<string[]> {
  expect(response.status).toBe(200);
  const { series } = await response.json<{ series: { date: string; fans: number | null }[] }>();
  return series.filter((point) => point.fans !== null).map((point) => point.date);
}

async function quoteOf(gateway: Gateway, kolId: string, start: string, end: string): Promise<Quote> {
  const response = await gateway.request(`/v1/kols/${kolId}/daily-fans/quote?startDate=${start}&endDate=${end}`);
  expect(response.status).toBe(200);
  return response.json<Quote>();
}

describe("a client's refresh asked again too soon", () => {
  it("is answered as a plain miss: live days fetched a moment ago are not bought again", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const refresh = { headers: { "Xingtu-Refresh": "live" } };
    await gateway.request(trendPath(kolId, "2026-03-06", "2026-03-10"));
    expect((await gateway.request(trendPath(kolId, "2026-03-06", "2026-03-10"), refresh)).headers.get("Xingtu-Refresh")).toBe("done");
    const again = await gateway.request(trendPath(kolId, "2026-03-06", "2026-03-10"), refresh);
    expect(again.headers.get("Xingtu-Refresh")).toMatch(/^skipped; reason="these days were refreshed recently"/);
    expect(again.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    expect(windows(gateway)).toEqual(["2026-03-06..2026-03-10", "2026-03-09..2026-03-10"]);
  });
});

describe("a quote", () => {
  it("for part of a range whose live days were just bought names the stored days", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-03-05", "2026-03-10"));
    expect((await quoteOf(gateway, kolId, "2026-03-08", "2026-03-10")).members[0]).toMatchObject({
      source: "stored-days",
      calls: 0,
      window: null,
    });
  });

  it("for the whole range without day-level reuse comes from the coordinator, which was reached", async () => {
    // The isolate's own fallback quotes the same window: only the log tells them apart.
    const gateway = makeGateway({ env: { DAY_CACHE: "false" } });
    const kolId = uniqueKol();
    expect((await quoteOf(gateway, kolId, "2026-02-01", "2026-02-05")).members[0]).toMatchObject({
      source: "upstream",
      calls: 1,
      window: { startDate: "2026-02-01", endDate: "2026-02-05" },
    });
    expectCoordinatorReached(gateway);
  });
});

describe("a key past its daily limit of upstream calls", () => {
  it("without day-level reuse is refused by the coordinator itself", async () => {
    const gateway = makeGateway({ env: { DAY_CACHE: "false" } });
    const { key } = await createTestKey(gateway.env.KEYS, { dailyUpstreamCalls: 1 });
    await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"), { as: key });
    expect((await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"), { as: key })).status).toBe(429);
    expectCoordinatorReached(gateway);
  });

  it("still gets a range the stored days answer, free and kept as long as a settled range", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(gateway.env.KEYS, { dailyUpstreamCalls: 1 });
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"), { as: key });
    const inside = await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-04"), { as: key });
    expect(inside.status).toBe(200);
    expect(inside.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    expect(inside.headers.get("Cache-Status")).toBe('xingtu-edge; hit; ttl=604800; detail="assembled"');
    expectCoordinatorReached(gateway);
  });

  it("still gets the days a call already in flight brings: it shares that call and spends nothing", async () => {
    const gateway = makeGateway({ emulator: { latencyMs: 300 } });
    const { key } = await createTestKey(gateway.env.KEYS, { dailyUpstreamCalls: 1 });
    await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-01"), { as: key });
    const kolId = uniqueKol();
    const leader = gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"));
    await pause(50);
    const joined = await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-04"), { as: key });
    expect(await seriesOf(joined)).toEqual(["2026-03-02", "2026-03-03", "2026-03-04"]);
    // A share of another request's call is a miss, not a hit, and is logged as coalesced.
    expect(joined.headers.get("Cache-Status")).toBe('xingtu-edge; fwd=miss; stored; ttl=604800; detail="assembled"');
    expect(logOf(gateway, joined)).toMatchObject({ upstream: expect.objectContaining({ attempts: 0, coalesced: true }) });
    expect((await leader).status).toBe(200);
    expect(windows(gateway)).toEqual(["2026-03-01..2026-03-01", "2026-03-01..2026-03-05"]);
    expectCoordinatorReached(gateway);
  });
});

describe("a background refresh", () => {
  it("buys the range's live days again when none was fetched after its stale answer was stored", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), "2026-03-05", "2026-03-09");
    await gateway.request(path);
    tick(LIVE_TTL_MS + 1_000, gateway);
    expect((await gateway.request(path)).headers.get("Cache-Status")).toMatch(/stale-while-revalidate/);
    expect(windows(gateway)).toEqual(["2026-03-05..2026-03-09", "2026-03-09..2026-03-09"]);
  });

  it("buys again a live day fetched before its stale answer was stored, though the day itself is not yet old", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-03-10", "2026-03-10"));
    // Half an hour on, the range with 03-09 too: 03-09 is bought, and the answer lasts as long as 03-10 does.
    tick(LIVE_TTL_MS / 2, gateway);
    await gateway.request(trendPath(kolId, "2026-03-09", "2026-03-10"));
    // Thirty-five minutes on, the answer is stale: 03-10 is old, 03-09 (thirty-five minutes) is not, yet came before the answer.
    tick(35 * 60_000, gateway);
    expect((await gateway.request(trendPath(kolId, "2026-03-09", "2026-03-10"))).headers.get("Cache-Status")).toMatch(
      /stale-while-revalidate/,
    );
    expect(windows(gateway)).toEqual(["2026-03-10..2026-03-10", "2026-03-09..2026-03-09", "2026-03-09..2026-03-10"]);
  });

  it("does not buy live days again that another range's refresh fetched after its stale answer was stored: ten stale ranges, one call", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_FETCH_DAYS: undefined } });
    const kolId = uniqueKol();
    const paths = Array.from({ length: 10 }, (_, i) => trendPath(kolId, `2026-02-${String(10 + i).padStart(2, "0")}`, "2026-03-10"));
    for (const path of paths) await gateway.request(path);
    expect(gateway.emulator.requests).toHaveLength(1);
    tick(LIVE_TTL_MS + 1_000, gateway);
    for (const path of paths) expect((await gateway.request(path)).headers.get("Cache-Status")).toMatch(/stale-while-revalidate/);
    // The first range's refresh bought the two live days; the nine after it found them newer than their answers.
    expect(windows(gateway).slice(1)).toEqual(["2026-03-09..2026-03-10"]);
  });

  it("that succeeded leaves no back-off: a failure after it holds off for one minute, not two", async () => {
    // Two isolates: each asks the coordinator at most once a minute per range on its own.
    const one = makeGateway();
    const other = makeGateway({ now: one.clock.now });
    const path = trendPath(uniqueKol(), "2026-03-05", "2026-03-09");
    await one.request(path);
    tick(LIVE_TTL_MS + 1_000, one, other);
    await one.request(path);
    expect(one.emulator.requests).toHaveLength(2);
    tick(LIVE_TTL_MS + 1_000, one, other);
    one.emulator.queueFaults({ kind: "code", code: 500 });
    await one.request(path);
    expect(one.emulator.requests).toHaveLength(3);
    tick(61_000, one, other);
    expect((await other.request(path)).headers.get("Cache-Status")).toMatch(/stale-while-revalidate/);
    expect(other.emulator.requests).toHaveLength(1);
  });
});

describe("a background refresh asked by a second isolate while the first's is under way", () => {
  it("is not made: that isolate gets nothing to store and nothing to warn about, even when the first fails", async () => {
    const one = makeGateway({ emulator: { latencyMs: 300 } });
    const other = makeGateway({ now: one.clock.now });
    const path = trendPath(uniqueKol(), "2026-03-05", "2026-03-09");
    await one.request(path);
    tick(LIVE_TTL_MS + 1_000, one, other);
    one.emulator.queueFaults({ kind: "code", code: 500 });
    const first = one.request(path);
    await pause(50);
    expect((await other.request(path)).headers.get("Cache-Status")).toMatch(/stale-while-revalidate/);
    await first;
    expect(one.emulator.requests).toHaveLength(2);
    expect(one.logs).toContainEqual(expect.objectContaining({ msg: expect.stringContaining("background revalidation failed") }));
    expect(other.logs).not.toContainEqual(expect.objectContaining({ msg: expect.stringContaining("background revalidation") }));
  });
});

describe("misses of one KOL at the same time", () => {
  // A wide gathering window, so misses that arrive during a call land in it however loaded the machine is.
  const gathering: GatewayOptions = { env: { COALESCE_WINDOW_MS: "150" }, emulator: { latencyMs: 300 } };

  it("when no call for the KOL is under way, the miss calls at once: it does not wait for the gathering window", async () => {
    const gateway = makeGateway({ env: { COALESCE_WINDOW_MS: "60000" } });
    const miss = gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-02"));
    await pause(300);
    // A minute's window would hold the call back far longer than this.
    expect(windows(gateway)).toEqual(["2026-03-01..2026-03-02"]);
    expect((await miss).status).toBe(200);
  });

  it("for disjoint ranges, arriving during a call, are gathered into one call after it spanning both, each answered with its own days", async () => {
    const gateway = makeGateway(gathering);
    const kolId = uniqueKol();
    const under = gateway.request(trendPath(kolId, "2026-03-09", "2026-03-10"));
    await pause(50);
    // The later range first: the call must still run from the earliest day to the latest.
    const first = gateway.request(trendPath(kolId, "2026-03-06", "2026-03-08"));
    await pause(20);
    const second = await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-02"));
    const led = await first;
    expect((await under).status).toBe(200);
    expect(await seriesOf(led.clone())).toEqual(["2026-03-06", "2026-03-07", "2026-03-08"]);
    expect(await seriesOf(second.clone())).toEqual(["2026-03-01", "2026-03-02"]);
    expect(windows(gateway)).toEqual(["2026-03-09..2026-03-10", "2026-03-01..2026-03-08"]);
    // The first leads the call; the second's share is coalesced and spends nothing of its own.
    expect(logOf(gateway, led)).toMatchObject({ upstream: expect.objectContaining({ attempts: 1, coalesced: false }) });
    expect(logOf(gateway, second)).toMatchObject({ upstream: expect.objectContaining({ attempts: 0, coalesced: true }) });
    expectCoordinatorReached(gateway);
  });

  it("gathered with a client's live refresh buy the refreshed live days again too", async () => {
    const gateway = makeGateway(gathering);
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-03-08", "2026-03-10"));
    const under = gateway.request(trendPath(kolId, "2026-03-01", "2026-03-02"));
    await pause(50);
    const plain = gateway.request(trendPath(kolId, "2026-03-04", "2026-03-05"));
    await pause(20);
    const refreshed = gateway.request(trendPath(kolId, "2026-03-08", "2026-03-10"), { headers: { "Xingtu-Refresh": "live" } });
    expect([(await under).status, (await plain).status, (await refreshed).status]).toEqual([200, 200, 200]);
    // After the call under way, one call from the plain miss's first day to the refreshed live days' last.
    expect(windows(gateway)).toEqual(["2026-03-08..2026-03-10", "2026-03-01..2026-03-02", "2026-03-04..2026-03-10"]);
  });

  it("gathered with a background refresh that asks less, still buy again the live day a client's live refresh asked for", async () => {
    const gateway = makeGateway(gathering);
    const kolId = uniqueKol();
    // The two live days stored; fifty minutes on, a live refresh fetches 03-10 again.
    await gateway.request(trendPath(kolId, "2026-03-09", "2026-03-10"));
    tick(LIVE_TTL_MS - 10 * 60_000, gateway);
    await gateway.request(trendPath(kolId, "2026-03-10", "2026-03-10"), { headers: { "Xingtu-Refresh": "live" } });
    // Past the first answer's time (stale, within STALE_WHILE_REVALIDATE_SECONDS), and 03-09's; 03-10 is fifteen minutes old.
    tick(15 * 60_000, gateway);
    const under = gateway.request(trendPath(kolId, "2026-03-01", "2026-03-02"));
    await pause(50);
    // A client's live refresh of 03-10 gathers first: it wants 03-10 fetched after now.
    const refreshed = gateway.request(trendPath(kolId, "2026-03-10", "2026-03-10"), { headers: { "Xingtu-Refresh": "live" } });
    await pause(100);
    // The stale answer is served and refreshed in the background, which needs only 03-09 (03-10 came after it).
    const stale = await gateway.request(trendPath(kolId, "2026-03-09", "2026-03-10"));
    expect(stale.headers.get("Cache-Status")).toMatch(/detail="stale-while-revalidate"/);
    expect([(await under).status, (await refreshed).status, stale.status]).toEqual([200, 200, 200]);
    // One call after the call under way, for both: 03-10 bought again, as the client asked.
    expect(windows(gateway).slice(2)).toEqual(["2026-03-01..2026-03-02", "2026-03-09..2026-03-10"]);
  });

  it("a live refresh asked during a call that brings its live days is answered by that call: they were fetched after it asked", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_FETCH_DAYS: undefined }, emulator: { latencyMs: 300 } });
    const kolId = uniqueKol();
    const under = gateway.request(trendPath(kolId, "2026-03-01", "2026-03-02"));
    await pause(50);
    const asked = gateway.request(trendPath(kolId, "2026-03-09", "2026-03-10"), { headers: { "Xingtu-Refresh": "live" } });
    await pause(50);
    // The call under way answers after the refresh was asked.
    tick(1, gateway);
    const refreshed = await asked;
    expect(refreshed.headers.get("Xingtu-Refresh")).toBe("done");
    expect(refreshed.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    expect((await under).status).toBe(200);
    expect(windows(gateway)).toEqual(["2025-03-11..2026-03-10"]);
  });
});

describe("a call in flight", () => {
  it("widened over days another miss asked for meanwhile: that miss waits for it and makes no call of its own", async () => {
    // No coalescing window: the first miss's call starts at once, and the later miss arrives during it.
    const gateway = makeGateway({ env: { UPSTREAM_FETCH_DAYS: undefined, COALESCE_WINDOW_MS: "0" }, emulator: { latencyMs: 200 } });
    const kolId = uniqueKol();
    const first = gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"));
    await pause(50);
    // Outside the first miss's days, inside its widened window: the call after it finds them stored.
    const later = await gateway.request(trendPath(kolId, "2026-03-06", "2026-03-08"));
    expect(await seriesOf(later)).toEqual(["2026-03-06", "2026-03-07", "2026-03-08"]);
    expect(later.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    expect((await first).status).toBe(200);
    expect(windows(gateway)).toEqual(["2025-03-11..2026-03-10"]);
    expectCoordinatorReached(gateway);
  });

  it("that does not bring another miss's days makes that miss wait for it, then make its own call", async () => {
    // Exact windows and no coalescing window: the first call brings only its own days.
    const gateway = makeGateway({ env: { COALESCE_WINDOW_MS: "0" }, emulator: { latencyMs: 200 } });
    const kolId = uniqueKol();
    const first = gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"));
    await pause(50);
    const later = await gateway.request(trendPath(kolId, "2026-03-06", "2026-03-08"));
    expect(await seriesOf(later)).toEqual(["2026-03-06", "2026-03-07", "2026-03-08"]);
    expect((await first).status).toBe(200);
    expect(windows(gateway)).toEqual(["2026-03-01..2026-03-05", "2026-03-06..2026-03-08"]);
  });

  it("widened, that says 'no data', answers the range as the upstream's own answer, not one assembled from days", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_FETCH_DAYS: undefined } });
    gateway.emulator.queueFaults({ kind: "code", code: 201 });
    const response = await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"));
    expect(response.status).toBe(404);
    expect(response.headers.get("Cache-Status")).toBe("xingtu-edge; fwd=miss; stored; ttl=21600");
    // The problem keeps the cache's Cache-Status and Age, but is itself not to be kept downstream.
    expect(response.headers.get("Age")).toBe("0");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.json()).toMatchObject({
      type: "/problems/upstream-no-data",
      detail: "The upstream answered code 201 (No Content Available): it has no follower data for this KOL and range.",
    });
  });
});

describe("a widened window", () => {
  it("spans at most UPSTREAM_FETCH_DAYS days", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_FETCH_DAYS: "10" } });
    await gateway.request(trendPath(uniqueKol(), "2026-02-01", "2026-02-03"));
    expect(windows(gateway)).toEqual(["2026-02-01..2026-02-10"]);
  });

  it("that could not be widened (exact calls) and is refused is not asked again", async () => {
    // The exact window of the missing days is as narrow as the call can be: nothing narrower to try.
    const gateway = makeGateway({ emulator: { maxRangeDays: 3 } });
    const response = await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"));
    expect(await response.json()).toMatchObject({ type: "/problems/upstream-invalid-parameters" });
    expect(windows(gateway)).toEqual(["2026-03-01..2026-03-05"]);
  });

  it("stops at live days stored a moment ago, and grows into the past instead", async () => {
    const kolId = uniqueKol();
    // A gateway that asks exact windows stores the live days 03-09 and 03-10 first.
    await makeGateway().request(trendPath(kolId, "2026-03-09", "2026-03-10"));
    const gateway = makeGateway({ env: { UPSTREAM_FETCH_DAYS: "10" } });
    await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-03"));
    expect(windows(gateway)).toEqual(["2026-02-27..2026-03-08"]);
  });
});

describe("a range bought again", () => {
  it("by a settled refresh is the upstream's own answer when it serves every day", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), "2026-03-01", "2026-03-05");
    await gateway.request(path);
    const refreshed = await gateway.request(path, { headers: { "Xingtu-Refresh": "settled" } });
    expect(refreshed.headers.get("Cache-Status")).toBe("xingtu-edge; fwd=request; stored; ttl=604800");
  });

  it("by a settled refresh is the upstream's own answer where days it no longer serves were known empty", async () => {
    // Days before 02-28 are past the emulator's history depth from the start: stored as known empty.
    const gateway = makeGateway({ emulator: { historyDays: 10 } });
    const path = trendPath(uniqueKol(), "2026-02-20", "2026-03-05");
    await gateway.request(path);
    const refreshed = await gateway.request(path, { headers: { "Xingtu-Refresh": "settled" } });
    expect(refreshed.headers.get("Cache-Status")).toBe("xingtu-edge; fwd=request; stored; ttl=604800");
  });

  it("by a settled refresh that could not be read is a 502, though the archive holds its days", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"));
    gateway.emulator.queueFaults({ kind: "wrong-shape" });
    const refreshed = await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-04"), { headers: { "Xingtu-Refresh": "settled" } });
    expect(refreshed.status).toBe(502);
    expect(await refreshed.json()).toMatchObject({ type: "/problems/upstream-invalid-response" });
  });

  it("from the archive after a refresh is said to be assembled, and kept as long as a settled range", async () => {
    // Two months on, the upstream serves nothing of January: the refresh pays for "no data".
    const gateway = makeGateway({ emulator: { historyDays: 60 } });
    const path = trendPath(uniqueKol(), "2026-01-15", "2026-01-20");
    await gateway.request(path);
    tick(60 * DAY_MS, gateway);
    const refreshed = await gateway.request(path, { headers: { "Xingtu-Refresh": "settled" } });
    expect(await seriesOf(refreshed.clone())).toHaveLength(6);
    expect(refreshed.headers.get("Cache-Status")).toBe('xingtu-edge; fwd=request; stored; ttl=604800; detail="assembled"');
  });

  it("from the archive after a refresh keeps the live days that refresh bought", async () => {
    const gateway = makeGateway({ emulator: { historyDays: 60 } });
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-01-15", "2026-01-20"));
    // Two months on (today is 05-09), a range from the archived days to today is bought again.
    tick(60 * DAY_MS, gateway);
    const path = trendPath(kolId, "2026-01-15", "2026-05-09");
    const refreshed = await gateway.request(path, { headers: { "Xingtu-Refresh": "settled" } });
    const days = await seriesOf(refreshed);
    expect(days.slice(0, 6)).toEqual(["2026-01-15", "2026-01-16", "2026-01-17", "2026-01-18", "2026-01-19", "2026-01-20"]);
    expect(days.slice(-2)).toEqual(["2026-05-08", "2026-05-09"]);
  });

  it("without day-level reuse is the upstream's own answer, though the coordinator's archive holds its days", async () => {
    const kolId = uniqueKol();
    const archiving = makeGateway({ emulator: { historyDays: 60 } });
    await archiving.request(trendPath(kolId, "2026-01-15", "2026-01-20"));
    // Two months on, a gateway without day-level reuse asks a range inside the archived one.
    const gateway = makeGateway({ env: { DAY_CACHE: "false" }, emulator: { historyDays: 60 }, now: archiving.clock.now + 60 * DAY_MS });
    const response = await gateway.request(trendPath(kolId, "2026-01-16", "2026-01-19"));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ type: "/problems/upstream-no-data" });
  });
});
