/**
 * Day-level reuse: a range is assembled from stored days, and the upstream is asked only for
 * the span of the days missing. Answers assembled this way equal the upstream's direct answers.
 */
import { describe, expect, it } from "vitest";
import { dropInPath, makeGateway, trendPath, uniqueKol } from "../support/gateway.ts";
import { successBody } from "../../tools/emulator/series.ts";
import { normalize } from "../../src/lookup/normalize.ts";
import { upstreamDataSchema } from "../../src/upstream/schema.ts";
import { cacheKey } from "../../src/lookup/policy.ts";

type Gateway = ReturnType<typeof makeGateway>;

async function ask(gateway: Gateway, kolId: string, start: string, end: string) {
  const response = await gateway.request(trendPath(kolId, start, end));
  expect(response.status).toBe(200);
  return response;
}

const askedRanges = (gateway: Gateway) => gateway.emulator.requests.map((r) => `${r.startDate}..${r.endDate}`);

function expectDirectAnswer(body: unknown, kolId: string, start: string, end: string) {
  const direct = successBody(kolId, start, end);
  expect(body).toEqual(normalize({ kolId, startDate: start, endDate: end }, upstreamDataSchema.parse(direct.data)));
}

describe("day-level reuse", () => {
  it("answers a range inside stored days without calling the upstream", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await ask(gateway, kolId, "2026-03-01", "2026-03-05");
    const response = await ask(gateway, kolId, "2026-03-02", "2026-03-04");
    expect(askedRanges(gateway)).toEqual(["2026-03-01..2026-03-05"]);
    expect(response.headers.get("Cache-Status")).toMatch(/^xingtu-edge; hit; ttl=\d+; detail="assembled"$/);
    expectDirectAnswer(await response.json(), kolId, "2026-03-02", "2026-03-04");
  });

  it("asks only for the missing days on the left", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await ask(gateway, kolId, "2026-03-01", "2026-03-05");
    const response = await ask(gateway, kolId, "2026-02-25", "2026-03-05");
    expect(askedRanges(gateway)).toEqual(["2026-03-01..2026-03-05", "2026-02-25..2026-02-28"]);
    expect(response.headers.get("Cache-Status")).toMatch(/fwd=miss; stored; ttl=\d+; detail="assembled"/);
    expectDirectAnswer(await response.json(), kolId, "2026-02-25", "2026-03-05");
  });

  it("asks only for the missing days on the right", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await ask(gateway, kolId, "2026-03-01", "2026-03-05");
    const response = await ask(gateway, kolId, "2026-03-01", "2026-03-08");
    expect(askedRanges(gateway)).toEqual(["2026-03-01..2026-03-05", "2026-03-06..2026-03-08"]);
    expectDirectAnswer(await response.json(), kolId, "2026-03-01", "2026-03-08");
  });

  it("asks only for a gap in the middle", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await ask(gateway, kolId, "2026-03-01", "2026-03-02");
    await ask(gateway, kolId, "2026-03-06", "2026-03-08");
    const response = await ask(gateway, kolId, "2026-03-01", "2026-03-08");
    expect(askedRanges(gateway).at(-1)).toBe("2026-03-03..2026-03-05");
    expectDirectAnswer(await response.json(), kolId, "2026-03-01", "2026-03-08");
  });

  it("covers several gaps with one upstream call spanning them", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    for (const day of ["2026-03-01", "2026-03-04", "2026-03-08"]) await ask(gateway, kolId, day, day);
    const response = await ask(gateway, kolId, "2026-03-01", "2026-03-08");
    expect(askedRanges(gateway)).toHaveLength(4);
    expect(askedRanges(gateway).at(-1)).toBe("2026-03-02..2026-03-07");
    expectDirectAnswer(await response.json(), kolId, "2026-03-01", "2026-03-08");
  });

  it("gives the drop-in route the same savings with the upstream's own body", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await ask(gateway, kolId, "2026-02-20", "2026-03-05");
    const response = await gateway.request(dropInPath(kolId, "2026-02-25", "2026-03-01"));
    expect(gateway.emulator.requests).toHaveLength(1);
    expect(await response.json()).toEqual(successBody(kolId, "2026-02-25", "2026-03-01"));
  });

  it("refetches a live day once it is older than the live TTL, and only that day", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await ask(gateway, kolId, "2026-03-01", "2026-03-09");
    gateway.clock.now += (3600 + 600) * 1000 + 1000;
    await ask(gateway, kolId, "2026-03-02", "2026-03-09");
    expect(askedRanges(gateway)).toEqual(["2026-03-01..2026-03-09", "2026-03-09..2026-03-09"]);
  });

  it("is off with DAY_CACHE=false: a new range is asked whole", async () => {
    const gateway = makeGateway({ env: { DAY_CACHE: "false" } });
    const kolId = uniqueKol();
    await ask(gateway, kolId, "2026-03-01", "2026-03-05");
    await ask(gateway, kolId, "2026-03-02", "2026-03-04");
    expect(askedRanges(gateway)).toEqual(["2026-03-01..2026-03-05", "2026-03-02..2026-03-04"]);
  });

  it("reports how many days it reused in the log", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await ask(gateway, kolId, "2026-03-01", "2026-03-05");
    await ask(gateway, kolId, "2026-03-01", "2026-03-08");
    expect(gateway.logs.at(-1)).toMatchObject({ upstream: expect.objectContaining({ reusedDays: 5 }) });
  });
});

describe("the range-level fields of an assembled range", () => {
  it("follow the upstream's arithmetic, as on the sample", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await ask(gateway, kolId, "2026-02-01", "2026-03-08");
    const body = await (await ask(gateway, kolId, "2026-02-07", "2026-03-08")).json<{ upstream: Record<string, unknown> }>();
    const direct = successBody(kolId, "2026-02-07", "2026-03-08").data;
    expect(body.upstream).toMatchObject({
      fansGrowthV2: direct.fans_growth_v2.value,
      fansGrowthRateV2Bp: direct.fans_growth_rate_v2.value,
    });
  });
});

describe("forced refreshes", () => {
  it("replace the answer in both tiers", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    gateway.emulator.queueFaults({ kind: "mismatch" });
    const partial = await (await ask(gateway, kolId, "2026-03-01", "2026-03-05")).json<{ series: { fans: number | null }[] }>();
    expect(partial.series[0]!.fans).toBeNull();
    await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"), { headers: { "Xingtu-Refresh": "settled" } });
    const after = await ask(gateway, kolId, "2026-03-01", "2026-03-05");
    expect(after.headers.get("Cache-Status")).toMatch(/; hit;/);
    expectDirectAnswer(await after.json(), kolId, "2026-03-01", "2026-03-05");
  });
});

describe("an answer built from stored live days", () => {
  it("is kept no longer than its oldest live day stays reusable, so live days are never served older than LIVE_TTL_SECONDS", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-10"));
    // 50 minutes later, a range inside it is assembled from days fetched then: 10 minutes of their hour are left.
    gateway.clock.now += 50 * 60 * 1000;
    const assembled = await gateway.request(trendPath(kolId, "2026-03-05", "2026-03-10"));
    expect(assembled.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    expect(assembled.headers.get("Cache-Status")).toMatch(/; ttl=600\b/);
    // Past those 10 minutes (and the stale-while-revalidate grace), the live days are bought again.
    gateway.clock.now += 21 * 60 * 1000;
    const again = await gateway.request(trendPath(kolId, "2026-03-05", "2026-03-10"));
    expect(again.headers.get("Xingtu-Upstream-Calls")).toBe("1");
    expect(askedRanges(gateway)).toEqual(["2026-03-01..2026-03-10", "2026-03-09..2026-03-10"]);
  });

  it("is not stored when its range has settled since (just after midnight): edges keep settled answers an hour", async () => {
    // 23:30 in Shanghai on 03-10: 03-09 is live.
    const gateway = makeGateway({ now: Date.parse("2026-03-10T15:30:00Z") });
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-09"));
    // 00:10 on 03-11: 03-09 has settled, and its count is the one fetched 40 minutes ago, as live.
    gateway.clock.now += 40 * 60 * 1000;
    const response = await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-09"));
    expect(response.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    expect(await gateway.env.CACHE.get(cacheKey({ kolId, startDate: "2026-03-02", endDate: "2026-03-09" }))).toBeNull();
  });
});
