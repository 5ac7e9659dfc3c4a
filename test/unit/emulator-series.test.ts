import { describe, expect, it } from "vitest";
import sample from "../fixtures/sample-response.json";
import { successBody } from "../../tools/emulator/series.ts";
import { rangeArithmetic } from "../../src/upstream/arithmetic.ts";

describe("the upstream's arithmetic", () => {
  const counts = sample.data.daily.map((d) => Number(d.fans_cnt));
  const firstDelta = Number(sample.data.delta[0]!.fans_cnt);
  const result = rangeArithmetic(counts, counts[0]! - firstDelta);

  it("reproduces the sample's deltas", () => {
    expect(result.delta.map(String)).toEqual(sample.data.delta.map((d) => d.fans_cnt));
  });

  it("reproduces the sample's fans_growth_v2 and fans_growth_rate_v2", () => {
    expect(result.growth).toBe(sample.data.fans_growth_v2.value);
    expect(result.growthRateBp).toBe(sample.data.fans_growth_rate_v2.value);
  });

  it("truncates a small loss to 0, not -0", () => {
    expect(Object.is(rangeArithmetic([100_000, 99_999], 100_000).growthRateBp, 0)).toBe(true);
  });

  it("truncates a positive rate toward zero too", () => {
    expect(rangeArithmetic([10_000, 10_009], 10_000).growthRateBp).toBe(9);
  });
});

describe("the emulator's series", () => {
  it("is deterministic and agrees across overlapping ranges", () => {
    const wide = successBody("777", "2026-01-01", "2026-01-31").data.daily;
    const narrow = successBody("777", "2026-01-10", "2026-01-12").data.daily;
    expect(narrow).toEqual(wide.slice(9, 12));
    expect(successBody("777", "2026-01-01", "2026-01-31").data.daily).toEqual(wide);
  });

  it("chains each delta to the previous day's count", () => {
    const body = successBody("4242", "2026-02-01", "2026-02-10").data;
    const before = successBody("4242", "2026-01-31", "2026-01-31").data.daily[0]!;
    const counts = [before, ...body.daily].map((d) => Number(d.fans_cnt));
    body.delta.forEach((d, i) => expect(Number(d.fans_cnt)).toBe(counts[i + 1]! - counts[i]!));
  });

  it("differs between KOLs", () => {
    expect(successBody("1", "2026-01-01", "2026-01-01").data.daily).not.toEqual(successBody("2", "2026-01-01", "2026-01-01").data.daily);
  });
});
