/**
 * How much of a billed code-0 answer the client gets: its range-level fields read where they have
 * their documented form (else null), its days kept where they are served for the range asked (else
 * dropped, and logged as an upstream oddity), and the answer kept as unusable only when its series
 * are not lists of days.
 */
import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol } from "../support/gateway.ts";

const RANGE = ["2026-03-01", "2026-03-05"] as const;

interface Trend {
  series: { date: string; fans: number | null }[];
  upstream: Record<string, unknown>;
}

/** The normalized trend of one answer patched with `data`'s range-level fields. */
async function trendWith(data: Record<string, unknown>): Promise<Trend> {
  const gateway = makeGateway();
  gateway.emulator.queueFaults({ kind: "patch", data });
  const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
  expect(response.status).toBe(200);
  return response.json<Trend>();
}

describe("range-level fields", () => {
  // Counts are integers, sent as text or numbers; rates are decimals, sent as text or numbers.
  const read: [field: string, sent: unknown, key: string, value: unknown][] = [
    ["fans_growth", "-8888", "fansGrowth", -8888],
    ["fans_growth", 12, "fansGrowth", 12],
    ["fans_growth_rate", "-0.35", "fansGrowthRate", -0.35],
    ["fans_growth_rate", "12", "fansGrowthRate", 12],
    ["fans_growth_v2", { value: "-8888" }, "fansGrowthV2", -8888],
    ["fans_growth_rate_v2", { value: "-35" }, "fansGrowthRateV2Bp", -35],
    ["fans_growth_rate_v2", { value: 1.25 }, "fansGrowthRateV2Bp", 1.25],
    ["description", "steady", "description", "steady"],
  ];
  for (const [field, sent, key, value] of read) {
    it(`reads ${field}: ${JSON.stringify(sent)}`, async () => {
      expect((await trendWith({ [field]: sent })).upstream[key]).toEqual(value);
    });
  }

  // Anything else is not guessed at: the field is absent (null), and the answer is served all the same.
  const absent: [field: string, sent: unknown, key: string][] = [
    ["fans_growth", "12 ", "fansGrowth"],
    ["fans_growth", " 12", "fansGrowth"],
    ["fans_growth", "1e3", "fansGrowth"],
    ["fans_growth", "9007199254740993", "fansGrowth"],
    ["fans_growth_rate", "1.", "fansGrowthRate"],
    ["fans_growth_rate", ".5", "fansGrowthRate"],
    ["fans_growth_rate", "1x5", "fansGrowthRate"],
    ["fans_growth_rate", "0.5 ", "fansGrowthRate"],
    ["fans_growth_v2", { value: "x" }, "fansGrowthV2"],
    ["fans_growth_v2", 5, "fansGrowthV2"],
    ["fans_growth_rate_v2", { value: null }, "fansGrowthRateV2Bp"],
    ["fans_growth_rate_v2", [1], "fansGrowthRateV2Bp"],
    ["description", 3, "description"],
    ["fans_advice", { text: "grow" }, "fansAdvice"],
  ];
  for (const [field, sent, key] of absent) {
    it(`reads ${field}: ${JSON.stringify(sent)} as absent`, async () => {
      expect((await trendWith({ [field]: sent })).upstream[key]).toBeNull();
    });
  }
});

describe("days", () => {
  // A count must be an integer, as text or a number: any other spelling is a day without a count.
  for (const count of ["12 ", " 12", "1.0", "", 1.5, "9007199254740993"]) {
    it(`drops a day whose count is ${JSON.stringify(count)}, serving the others`, async () => {
      const gateway = makeGateway();
      gateway.emulator.queueFaults({ kind: "patch", day: { index: 1, fans_cnt: count } });
      const trend = await (await gateway.request(trendPath(uniqueKol(), ...RANGE))).json<Trend>();
      expect(trend.series.filter((point) => point.fans === null).map((point) => point.date)).toEqual(["2026-03-02"]);
    });
  }

  it("keeps a negative count (a delta is often one)", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "patch", day: { index: 1, fans_cnt: "-5" } });
    const trend = await (await gateway.request(trendPath(uniqueKol(), ...RANGE))).json<Trend>();
    expect(trend.series[1]).toMatchObject({ date: "2026-03-02", fans: -5 });
  });

  it("drops both copies of a day listed twice: which is right cannot be told", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "patch", extraDay: "2026-03-03" });
    const trend = await (await gateway.request(trendPath(uniqueKol(), ...RANGE))).json<Trend>();
    expect(trend.series.map((point) => point.date)).toEqual(["2026-03-01", "2026-03-02", "2026-03-04", "2026-03-05"]);
    expect(gateway.logs).toContainEqual(
      expect.objectContaining({
        dropped: { "listed twice": ["daily 2026-03-03", "daily 2026-03-03", "delta 2026-03-03", "delta 2026-03-03"] },
      }),
    );
  });

  it("drops a day that is not a calendar date, naming its place in the series", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "patch", extraDay: "2026-02-30" });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(response.status).toBe(200);
    expect(gateway.logs).toContainEqual(expect.objectContaining({ dropped: { "without a calendar date": ["daily[5]", "delta[5]"] } }));
  });

  it("drops a point that is not an object, keeping the days around it", async () => {
    const body = {
      code: 0,
      data: {
        daily: [{ date: "2026-03-01", fans_cnt: "10" }, 7, { date: "2026-03-02", fans_cnt: "12" }],
        delta: [{ date: "2026-03-02", fans_cnt: "2" }],
      },
    };
    const gateway = makeGateway({ fetch: async () => Response.json(body) });
    const trend = await (await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-02"))).json<Trend>();
    expect(trend.series.map((point) => point.fans)).toEqual([10, 12]);
    expect(gateway.logs).toContainEqual(expect.objectContaining({ dropped: { "without a calendar date": ["daily[1]"] } }));
  });

  it("serves the first and last days asked for", async () => {
    const gateway = makeGateway();
    const trend = await (await gateway.request(trendPath(uniqueKol(), ...RANGE))).json<Trend>();
    expect(trend.series.map((point) => point.date)).toEqual(["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]);
    expect(trend.series.every((point) => point.fans !== null)).toBe(true);
  });
});

describe("answers that cannot be read", () => {
  // Billed (code 0), so kept for the range like a 201; but there is nothing to serve.
  const unreadable: Record<string, unknown> = {
    "a delta that is not a list": { daily: [{ date: "2026-03-01", fans_cnt: "1" }], delta: "x" },
    "a daily that is not a list": { daily: null, delta: [] },
    "no data at all": null,
    "data that is a list": [],
  };
  for (const [name, data] of Object.entries(unreadable)) {
    it(`answers ${name} 502, billed once`, async () => {
      const gateway = makeGateway({ fetch: async () => Response.json({ code: 0, data }) });
      const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ type: "/problems/upstream-invalid-response" });
      expect(response.headers.get("Xingtu-Upstream-Billed")).toBe("1");
    });
  }
});
