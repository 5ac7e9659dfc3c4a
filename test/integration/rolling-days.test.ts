/**
 * Rolling ranges: `days=N` stands for the N days that end yesterday (Asia/Shanghai: the last settled
 * day), so an embedded chart or a spreadsheet's link keeps showing the last N days without being edited. The test clock
 * is 2026-03-10 12:00 in Shanghai.
 */
import { describe, expect, it } from "vitest";
import { dropInPath, makeGateway, uniqueKol } from "../support/gateway.ts";

const DAY_MS = 24 * 3600 * 1000;

type Trend = { startDate: string; endDate: string; series: { date: string }[] };

describe("a rolling range, days=N", () => {
  it("is the N days ending yesterday, and rolls with the day", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const first = await (await gateway.request(`/v1/kols/${kolId}/daily-fans?days=7`)).json<Trend>();
    expect([first.startDate, first.endDate, first.series.length]).toEqual(["2026-03-03", "2026-03-09", 7]);
    gateway.clock.now += DAY_MS;
    const next = await (await gateway.request(`/v1/kols/${kolId}/daily-fans?days=7`)).json<Trend>();
    expect([next.startDate, next.endDate]).toEqual(["2026-03-04", "2026-03-10"]);
  });

  it("serves the chart, a roster's trends and their quotes alike", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const chart = await gateway.request(`/v1/kols/${kolId}/daily-fans.svg?days=30`);
    expect(chart.status).toBe(200);
    expect(chart.headers.get("Content-Type")).toMatch(/^image\/svg\+xml/);
    const put = { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ kolIds: [kolId] }) };
    expect((await gateway.request("/v1/rosters/rolling", put)).status).toBe(201);
    const roster = await (await gateway.request("/v1/rosters/rolling/daily-fans?days=30")).json<{ startDate: string }>();
    expect(roster.startDate).toBe("2026-02-08");
    expect((await gateway.request("/v1/rosters/rolling/daily-fans.svg?days=30")).status).toBe(200);
    const quote = await (await gateway.request(`/v1/kols/${kolId}/daily-fans/quote?days=30`)).json<{ calls: number; startDate: string }>();
    expect(quote).toMatchObject({ calls: 0, startDate: "2026-02-08" });
  });

  it("refuses a count that is not 1 to MAX_RANGE_DAYS, naming days, and calls nothing", async () => {
    const gateway = makeGateway();
    for (const days of ["0", "366", "07", "1.5", "seven"]) {
      const response = await gateway.request(`/v1/kols/${uniqueKol()}/daily-fans?days=${days}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ errors: [{ field: "days", in: "query", rule: "days" }] });
    }
    expect(gateway.emulator.requests).toHaveLength(0);
  });

  it("sent twice is refused as such", async () => {
    const response = await makeGateway().request(`/v1/kols/${uniqueKol()}/daily-fans?days=7&days=8`);
    expect(await response.json()).toMatchObject({ errors: [{ field: "days", rule: "single_value" }] });
  });

  it("is refused beside startDate or endDate", async () => {
    const response = await makeGateway().request(`/v1/kols/${uniqueKol()}/daily-fans?days=7&endDate=2026-03-10`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ field: "days", rule: "days_or_dates" }] });
  });

  it("is not a parameter of the upstream's own paths, which take the upstream's parameters only", async () => {
    const response = await makeGateway().request(`${dropInPath(uniqueKol(), "2026-03-01", "2026-03-05")}&days=7`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ field: "days", rule: "unknown_parameter" }] });
  });

  it("is a number in a JSON body too: many creators, their quote and the webhook target", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const post = (path: string, body: unknown) =>
      gateway.request(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const trends = await (await post("/v1/kols/daily-fans", { kolIds: [kolId], days: 7 })).json<{ startDate: string; endDate: string }>();
    expect([trends.startDate, trends.endDate]).toEqual(["2026-03-03", "2026-03-09"]);
    const quote = await (await post("/v1/kols/daily-fans/quote", { kolIds: [kolId], days: 7 })).json<{ calls: number }>();
    expect(quote.calls).toBe(0);
    const webhook = await (await post("/v1/webhooks/daily-fans", { kolId, days: 7 })).json<{ startDate: string }>();
    expect(webhook.startDate).toBe("2026-03-03");
    for (const days of ["7", 0, 1.5]) {
      const refused = await post("/v1/kols/daily-fans", { kolIds: [kolId], days });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ errors: [{ field: "days", in: "body", rule: "days" }] });
    }
  });
});
