/**
 * The price first: each spending route's `/quote` twin says what the same request would spend now,
 * spending nothing, and the request then spends exactly that. Spend is the emulator's own log.
 * The test clock is 2026-03-10 12:00 in Shanghai: 03-09 and 03-10 are live, 03-08 settled.
 */
import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol, type GatewayOptions } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import { TEST_STANDARD_LIMIT } from "../support/constants.ts";
import { startInOneRateWindow } from "../support/rate-window.ts";
import type { Quote } from "../../src/schemas/quote.ts";
import type { Usage } from "../../src/schemas/operations.ts";

type Gateway = ReturnType<typeof makeGateway>;

const DAY_MS = 24 * 3600 * 1000;

/** A gateway as deployed (wide calls), with a price per call. */
const pricedGateway = (options: GatewayOptions = {}) =>
  makeGateway({
    ...options,
    env: { UPSTREAM_FETCH_DAYS: undefined, UPSTREAM_PRICE_PER_CALL: "0.05", UPSTREAM_PRICE_CURRENCY: "CNY", ...options.env },
  });

const windows = (gateway: Gateway) => gateway.emulator.requests.map((r) => `${r.startDate}..${r.endDate}`);

async function quoteOf(gateway: Gateway, path: string, init: RequestInit & { as?: string | null } = {}): Promise<Quote> {
  const response = await gateway.request(path, init);
  expect(response.status).toBe(200);
  expect(response.headers.get("Xingtu-Upstream-Calls")).toBe("0");
  return response.json<Quote>();
}

const trendQuotePath = (kolId: string, start: string, end: string) =>
  `/v1/kols/${kolId}/daily-fans/quote?startDate=${start}&endDate=${end}`;

describe("a quote", () => {
  it("equals what the request then spends, over cold, warm, partly stored and archived ranges", async () => {
    const gateway = pricedGateway();
    const [a, b] = [uniqueKol(), uniqueKol()];
    const TWO_HOURS = 2 * 3600 * 1000;
    const requests: [string, string, string, number][] = [
      [a, "2026-03-01", "2026-03-05", 0], // cold: one call widened to 365 days
      [a, "2026-03-01", "2026-03-05", 0], // its stored answer
      [a, "2025-10-01", "2025-12-31", 0], // inside the wide window: stored days
      [a, "2026-03-05", "2026-03-10", TWO_HOURS], // the live days expired, the settled ones are kept: one call for the live ones
      [b, "2026-02-01", "2026-02-10", 0], // another cold creator
      [a, "2024-01-01", "2024-02-01", 0], // before the window: one call, widened over what is not stored
    ];
    const seen: { quoted: number; spent: number; quotedWindows: string[]; calledWindows: string[] }[] = [];
    for (const [kolId, start, end, later] of requests) {
      gateway.clock.now += later;
      const before = gateway.emulator.requests.length;
      const quote = await quoteOf(gateway, trendQuotePath(kolId, start, end));
      expect(gateway.emulator.requests).toHaveLength(before);
      const response = await gateway.request(trendPath(kolId, start, end));
      expect(response.status).toBe(200);
      seen.push({
        quoted: quote.calls,
        spent: Number(response.headers.get("Xingtu-Upstream-Calls")),
        quotedWindows: quote.members.flatMap((member) => (member.window ? [`${member.window.startDate}..${member.window.endDate}`] : [])),
        calledWindows: windows(gateway).slice(before),
      });
    }
    for (const { quoted, spent, quotedWindows, calledWindows } of seen) {
      expect(spent).toBe(quoted);
      expect(calledWindows).toEqual(quotedWindows);
    }
    expect(seen.map((step) => step.quoted)).toEqual([1, 0, 0, 1, 1, 1]);
  });

  it("names where each creator's answer would come from", async () => {
    const gateway = pricedGateway();
    const [stored, cold] = [uniqueKol(), uniqueKol()];
    await gateway.request(trendPath(stored, "2026-02-01", "2026-02-28"));
    const quote = await quoteOf(gateway, "/v1/kols/daily-fans/quote", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ kolIds: [stored, cold], startDate: "2026-02-01", endDate: "2026-02-28" }),
    });
    expect(quote.members.map((member) => [member.kolId, member.source, member.calls])).toEqual([
      [stored, "stored-answer", 0],
      [cold, "upstream", 1],
    ]);
    const narrower = await quoteOf(gateway, trendQuotePath(stored, "2026-02-10", "2026-02-20"));
    expect(narrower.members[0]).toMatchObject({ source: "stored-days", calls: 0, window: null });
  });

  it("of a roster adds its creators' calls and days, and matches the roster's spend", async () => {
    const gateway = pricedGateway();
    const kolIds = [uniqueKol(), uniqueKol(), uniqueKol()];
    await gateway.request(trendPath(kolIds[0]!, "2026-02-01", "2026-02-28"));
    const put = await gateway.request("/v1/rosters/team", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ kolIds }),
    });
    expect(put.status).toBe(201);
    const quote = await quoteOf(gateway, "/v1/rosters/team/daily-fans/quote?startDate=2026-02-01&endDate=2026-02-28");
    expect(quote).toMatchObject({ creators: 3, calls: 2, days: 730, price: { perCall: 0.05, currency: "CNY", amount: 0.1 } });
    const trends = await gateway.request("/v1/rosters/team/daily-fans?startDate=2026-02-01&endDate=2026-02-28");
    expect(trends.headers.get("Xingtu-Upstream-Calls")).toBe("2");
    expect(trends.headers.get("Xingtu-Upstream-Cost")).toBe("0.1 CNY");
  });

  it("says when the key's limit would stop the request, and counts as no data request", async () => {
    const gateway = pricedGateway();
    const { key } = await createTestKey(gateway.env.KEYS, { dailyUpstreamCalls: 2 });
    await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"), { as: key });
    const body = JSON.stringify({ kolIds: [uniqueKol(), uniqueKol()], startDate: "2026-03-01", endDate: "2026-03-05" });
    const init = { method: "POST", headers: { "Content-Type": "application/json" }, body, as: key };
    const quote = await quoteOf(gateway, "/v1/kols/daily-fans/quote", init);
    expect(quote).toMatchObject({ calls: 2, admitted: false, refusedBy: "key-limit", keyRemaining: 1 });
    const usage = await (await gateway.request("/v1/usage", { as: key })).json<Usage>();
    expect(usage).toMatchObject({ requests: 1, upstreamCalls: 1 });
  });

  it("says when the account's budget would stop the request", async () => {
    const gateway = pricedGateway({ env: { UPSTREAM_DAILY_BUDGET: "1" } });
    const quote = await quoteOf(gateway, "/v1/kols/daily-fans/quote", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ kolIds: [uniqueKol(), uniqueKol()], startDate: "2026-03-01", endDate: "2026-03-05" }),
    });
    expect(quote).toMatchObject({ calls: 2, admitted: false, refusedBy: "budget", budgetRemaining: 1 });
  });

  it("asks no wider window than the account's known range limit allows", async () => {
    const gateway = pricedGateway({ emulator: { maxRangeDays: 60 } });
    await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"));
    const quote = await quoteOf(gateway, trendQuotePath(uniqueKol(), "2026-02-01", "2026-02-05"));
    expect(quote.members[0]!.window).toEqual({ startDate: "2026-02-01", endDate: "2026-02-05" });
  });

  it("prices the refresh a request would be granted, and none once the key refreshed the range", async () => {
    const gateway = pricedGateway();
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"));
    const refresh = { headers: { "Xingtu-Refresh": "settled" } };
    const quote = await quoteOf(gateway, trendQuotePath(kolId, "2026-03-01", "2026-03-05"), refresh);
    expect(quote.members[0]).toEqual({ kolId, source: "upstream", calls: 1, window: { startDate: "2026-03-01", endDate: "2026-03-05" } });
    const refreshed = await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"), refresh);
    expect(refreshed.headers.get("Xingtu-Upstream-Calls")).toBe("1");
    // Asked again within REFRESH_INTERVAL_SECONDS, the refresh would be skipped: the stored days answer.
    expect((await quoteOf(gateway, trendQuotePath(kolId, "2026-03-01", "2026-03-05"), refresh)).calls).toBe(0);
    const bad = await gateway.request(trendQuotePath(kolId, "2026-03-01", "2026-03-05"), { headers: { "Xingtu-Refresh": "always" } });
    expect(bad.status).toBe(400);
  });

  it("weighs one more request per call it finds, as the request would, so it cannot reach without bound", async () => {
    await startInOneRateWindow();
    const gateway = pricedGateway();
    const { key } = await createTestKey(gateway.env.KEYS, { tier: "standard" });
    const kolIds = Array.from({ length: TEST_STANDARD_LIMIT + 5 }, () => uniqueKol());
    const response = await gateway.request("/v1/kols/daily-fans/quote", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ kolIds, startDate: "2026-03-01", endDate: "2026-03-05" }),
      as: key,
    });
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({ type: "/problems/rate-limited" });
    expect(gateway.emulator.requests).toHaveLength(0);
  });

  it("says no key limit on a gateway without key ledgers", async () => {
    const gateway = pricedGateway({ env: { KEY_LEDGER: undefined } });
    const quote = await quoteOf(gateway, trendQuotePath(uniqueKol(), "2026-03-01", "2026-03-05"));
    expect(quote).toMatchObject({ calls: 1, keyRemaining: null, admitted: true });
  });

  it("without a price says none, and answers carry no cost header", async () => {
    const gateway = makeGateway();
    const quote = await quoteOf(gateway, trendQuotePath(uniqueKol(), "2026-03-01", "2026-03-05"));
    expect(quote.price).toBeNull();
    const response = await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"));
    expect(response.headers.get("Xingtu-Upstream-Calls")).toBe("1");
    expect(response.headers.has("Xingtu-Upstream-Cost")).toBe(false);
  });

  it("with a price, is on answers that looked data up, not on /healthz", async () => {
    const gateway = pricedGateway();
    expect((await gateway.request("/healthz")).headers.has("Xingtu-Upstream-Cost")).toBe(false);
    expect((await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"))).headers.get("Xingtu-Upstream-Cost")).toBe(
      "0.05 CNY",
    );
  });

  it("refuses a bad range with a problem naming the field, and is not cached", async () => {
    const gateway = pricedGateway();
    const response = await gateway.request(trendPath(uniqueKol(), "2026-03-05", "2026-03-01").replace("?", "/quote?"));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: "/problems/invalid-request",
      errors: [{ field: "startDate", rule: "date_order" }],
    });
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });
});

describe("what was spent, in money", () => {
  it("each answer's Xingtu-Upstream-Cost is its billed calls at the price", async () => {
    const gateway = pricedGateway({ env: { UPSTREAM_PRICE_PER_CALL: "0.1" } });
    const path = trendPath(uniqueKol(), "2026-03-01", "2026-03-05");
    expect((await gateway.request(path)).headers.get("Xingtu-Upstream-Cost")).toBe("0.1 CNY");
    expect((await gateway.request(path)).headers.get("Xingtu-Upstream-Cost")).toBe("0 CNY");
  });

  it("/v1/usage gives today's amount and the last 30 days, each day at the price", async () => {
    const gateway = pricedGateway({ env: { UPSTREAM_PRICE_PER_CALL: "0.1", UPSTREAM_PRICE_CURRENCY: "USD" } });
    const { key } = await createTestKey(gateway.env.KEYS);
    await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"), { as: key });
    gateway.clock.now += 2 * DAY_MS;
    for (const kolId of [uniqueKol(), uniqueKol()]) await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"), { as: key });
    const usage = await (await gateway.request("/v1/usage", { as: key })).json<Usage>();
    expect(usage.cost).toEqual({ perCall: 0.1, currency: "USD", today: 0.2, last30Days: 0.3 });
    expect(usage.history).toHaveLength(30);
    expect(usage.history.at(-1)).toEqual({ day: "2026-03-12", upstreamCalls: 2, billedCalls: 2, uncertainCalls: 0, amount: 0.2 });
    expect(usage.history.at(-3)).toEqual({ day: "2026-03-10", upstreamCalls: 1, billedCalls: 1, uncertainCalls: 0, amount: 0.1 });
    expect(usage.history[0]!.day).toBe("2026-02-11");
    // A day 31 days back is past the history and its total.
    gateway.clock.now += 29 * DAY_MS;
    const later = await (await gateway.request("/v1/usage", { as: key })).json<Usage>();
    expect(later.cost).toMatchObject({ today: 0, last30Days: 0.2 });
  });
});
