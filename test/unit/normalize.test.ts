import { describe, expect, it } from "vitest";
import sample from "../fixtures/sample-response.json";
import { normalize } from "../../src/lookup/normalize.ts";
import { upstreamDataSchema } from "../../src/upstream/schema.ts";
import { trendSchema } from "../../src/schemas/trend.ts";

const range = { kolId: "1", startDate: "2026-02-07", endDate: "2026-03-08" };
const sampleData = upstreamDataSchema.parse(sample.data);

describe("normalising the upstream sample", () => {
  const trend = normalize(range, sampleData);

  it("produces a body that satisfies the trend schema", () => {
    expect(trendSchema.safeParse(trend).success).toBe(true);
  });

  it("turns every count string into the same JSON number", () => {
    expect(trend.series).toHaveLength(sample.data.daily.length);
    trend.series.forEach((point, i) => {
      expect(point.fans).toBe(Number(sample.data.daily[i]!.fans_cnt));
      expect(point.delta).toBe(Number(sample.data.delta[i]!.fans_cnt));
      expect(String(point.fans)).toBe(sample.data.daily[i]!.fans_cnt);
    });
  });

  it("summarises the series", () => {
    const counts = sample.data.daily.map((d) => Number(d.fans_cnt));
    const deltas = sample.data.delta.map((d) => Number(d.fans_cnt));
    expect(trend.summary).toEqual({
      days: 30,
      firstFans: counts[0],
      lastFans: counts[29],
      change: counts[29]! - counts[0]!,
      changeRate: (counts[29]! - counts[0]!) / counts[0]!,
      minFans: Math.min(...counts),
      maxFans: Math.max(...counts),
      gainDays: deltas.filter((d) => d > 0).length,
      lossDays: deltas.filter((d) => d < 0).length,
    });
  });

  it("agrees with the upstream's own change figure", () => {
    expect(trend.summary.change).toBe(trend.upstream.fansGrowthV2);
  });

  it("carries the upstream's range-level fields as numbers", () => {
    expect(trend.upstream).toEqual({
      fansGrowth: 0,
      fansGrowthRate: 0,
      fansGrowthV2: -8888,
      fansGrowthRateV2Bp: -35,
      description: "",
      fansAdvice: "",
    });
  });
});

describe("merging daily and delta", () => {
  it("sorts by date and gives null to a day missing from one side", () => {
    const data = upstreamDataSchema.parse({
      daily: [
        { date: "2026-01-03", fans_cnt: "30" },
        { date: "2026-01-02", fans_cnt: "20" },
      ],
      delta: [
        { date: "2026-01-01", fans_cnt: "-1" },
        { date: "2026-01-02", fans_cnt: "5" },
      ],
    });
    const trend = normalize({ kolId: "1", startDate: "2026-01-01", endDate: "2026-01-03" }, data);
    expect(trend.series).toEqual([
      { date: "2026-01-01", fans: null, delta: -1 },
      { date: "2026-01-02", fans: 20, delta: 5 },
      { date: "2026-01-03", fans: 30, delta: null },
    ]);
    expect(trend.summary).toMatchObject({ days: 3, firstFans: 20, lastFans: 30, change: 10, changeRate: 0.5, gainDays: 1, lossDays: 1 });
  });

  it("sorts any order, and summarises extremes inside the range and a flat day as neither gain nor loss", () => {
    const days = [
      ["2026-01-04", "50", "0"],
      ["2026-01-01", "10", "1"],
      ["2026-01-06", "20", "-5"],
      ["2026-01-03", "50", "40"],
      ["2026-01-02", "5", "-5"],
      ["2026-01-05", "90", "40"],
    ];
    const data = upstreamDataSchema.parse({
      daily: days.map(([date, fans]) => ({ date, fans_cnt: fans })),
      delta: days.map(([date, , delta]) => ({ date, fans_cnt: delta })),
    });
    const trend = normalize({ kolId: "1", startDate: "2026-01-01", endDate: "2026-01-06" }, data);
    expect(trend.series.map((point) => point.date)).toEqual([
      "2026-01-01",
      "2026-01-02",
      "2026-01-03",
      "2026-01-04",
      "2026-01-05",
      "2026-01-06",
    ]);
    expect(trend.summary).toEqual({
      days: 6,
      firstFans: 10,
      lastFans: 20,
      change: 10,
      changeRate: 1,
      minFans: 5,
      maxFans: 90,
      gainDays: 3,
      lossDays: 2,
    });
  });

  it("reports null summary figures for an empty range and for missing range-level fields", () => {
    const trend = normalize(range, upstreamDataSchema.parse({ daily: [], delta: [] }));
    expect(trend.summary).toEqual({
      days: 0,
      firstFans: null,
      lastFans: null,
      change: null,
      changeRate: null,
      minFans: null,
      maxFans: null,
      gainDays: 0,
      lossDays: 0,
    });
    expect(trend.upstream).toEqual({
      fansGrowth: null,
      fansGrowthRate: null,
      fansGrowthV2: null,
      fansGrowthRateV2Bp: null,
      description: null,
      fansAdvice: null,
    });
  });

  it("gives a null change rate when the first day has zero followers", () => {
    const data = upstreamDataSchema.parse({
      daily: [
        { date: "2026-01-01", fans_cnt: "0" },
        { date: "2026-01-02", fans_cnt: "4" },
      ],
      delta: [],
    });
    expect(normalize(range, data).summary.changeRate).toBeNull();
  });
});

describe("the upstream body schema", () => {
  it("rejects a count beyond the safe integer range instead of rounding it", () => {
    const result = upstreamDataSchema.safeParse({ daily: [{ date: "2026-01-01", fans_cnt: "9007199254740993" }], delta: [] });
    expect(result.success).toBe(false);
  });

  it("rejects a date listed twice", () => {
    const point = { date: "2026-01-01", fans_cnt: "1" };
    expect(upstreamDataSchema.safeParse({ daily: [point, point], delta: [] }).success).toBe(false);
  });

  it("accepts counts sent as numbers", () => {
    const data = upstreamDataSchema.parse({ daily: [{ date: "2026-01-01", fans_cnt: 12 }], delta: [] });
    expect(data.daily[0]!.fans_cnt).toBe(12);
  });
});
