/**
 * A HEAD never buys data: link checkers, chat apps unfurling a link and proxies send HEAD on their
 * own, to chart URLs that carry a key among them. It is checked like a GET (key, parameters, a
 * roster that exists) and answered without a lookup. Spend is the emulator's own log.
 */
import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol } from "../support/gateway.ts";

const RANGE = "startDate=2026-03-01&endDate=2026-03-05";

describe("a HEAD of a data route", () => {
  it("answers 200 without calling the upstream, on the trend, its chart and the upstream's path", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    for (const path of [
      trendPath(kolId, "2026-03-01", "2026-03-05"),
      `/v1/kols/${kolId}/daily-fans.svg?days=30`,
      `/api/douyin-xingtu/gw/api/data_sp/get_author_daily_fans/v1?oAuthorId=${kolId}&${RANGE}`,
    ]) {
      const response = await gateway.request(path, { method: "HEAD" });
      expect(response.status).toBe(200);
      expect(response.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    }
    expect(gateway.emulator.requests).toHaveLength(0);
    // The GET that follows is the one that buys.
    expect((await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"))).headers.get("Xingtu-Upstream-Calls")).toBe("1");
  });

  it("of a roster's trends and chart calls nothing, and is 404 for a roster that is not there", async () => {
    const gateway = makeGateway();
    const put = { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ kolIds: [uniqueKol()] }) };
    expect((await gateway.request("/v1/rosters/heads", put)).status).toBe(201);
    for (const suffix of ["daily-fans", "daily-fans.svg"]) {
      expect((await gateway.request(`/v1/rosters/heads/${suffix}?${RANGE}`, { method: "HEAD" })).status).toBe(200);
      expect((await gateway.request(`/v1/rosters/nobody/${suffix}?${RANGE}`, { method: "HEAD" })).status).toBe(404);
    }
    expect(gateway.emulator.requests).toHaveLength(0);
  });

  it("is checked as a GET: a bad parameter is 400, no key 401", async () => {
    const gateway = makeGateway();
    expect((await gateway.request(`/v1/kols/042/daily-fans?${RANGE}`, { method: "HEAD" })).status).toBe(400);
    expect((await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"), { method: "HEAD", as: null })).status).toBe(401);
  });
});
