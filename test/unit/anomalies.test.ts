/**
 * Anomalous days (src/rosters/anomalies.ts) on generated series with planted spikes and drops,
 * where recall and the false-alarm rate can be counted, and on the upstream's own sample.
 */
import { describe, expect, it } from "vitest";
import { anomaliesOf, MIN_DAYS_FOR_ANOMALIES } from "../../src/rosters/anomalies.ts";
import { normalize } from "../../src/lookup/normalize.ts";
import { parseUpstreamData } from "../../src/upstream/schema.ts";
import { datesOf } from "../../src/calendar.ts";
import type { TrendPoint } from "../../src/schemas/trend.ts";
import sample from "../fixtures/sample-response.json";

const THRESHOLD = 3.5;

/** A seeded generator (mulberry32), so every run plants the same anomalies. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Normal noise (Box-Muller). */
const gaussian = (next: () => number) => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());

interface Generated {
  series: TrendPoint[];
  planted: Map<string, "spike" | "drop">;
}

/** 90 days of a creator's daily change (a trend plus normal noise), with two to four planted days. */
function generate(seed: number): Generated {
  const next = random(seed);
  const trend = Math.round((next() - 0.3) * 2000);
  const sigma = 50 + next() * 500;
  const dates = datesOf("2026-01-01", "2026-03-31");
  const planted = new Map<string, "spike" | "drop">();
  const count = 2 + Math.floor(next() * 3);
  while (planted.size < count) planted.set(dates[Math.floor(next() * dates.length)]!, next() < 0.5 ? "spike" : "drop");
  let fans = 1_000_000;
  const series = dates.map((date) => {
    const kind = planted.get(date);
    // Bought or purged followers: 5 to 40 times the day-to-day noise, on top of the trend.
    const jump = kind ? (kind === "spike" ? 1 : -1) * sigma * (5 + next() * 35) : 0;
    const delta = Math.round(trend + sigma * gaussian(next) + jump);
    fans += delta;
    return { date, fans, delta };
  });
  return { series, planted };
}

describe("anomalous days", () => {
  it("finds planted spikes and drops with few false alarms (200 generated creators, 90 days each)", () => {
    let planted = 0;
    let found = 0;
    let quietDays = 0;
    let falseAlarms = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const generated = generate(seed);
      const flagged = new Map(anomaliesOf(generated.series, THRESHOLD).map((anomaly) => [anomaly.date, anomaly.kind]));
      for (const { date } of generated.series) {
        const kind = generated.planted.get(date);
        if (kind) {
          planted += 1;
          if (flagged.get(date) === kind) found += 1;
        } else {
          quietDays += 1;
          if (flagged.has(date)) falseAlarms += 1;
        }
      }
    }
    const recall = found / planted;
    const falseAlarmRate = falseAlarms / quietDays;
    console.log(
      `anomalies: recall ${(recall * 100).toFixed(1)} % of ${planted} planted, false alarms ${(falseAlarmRate * 100).toFixed(2)} % of ${quietDays} days`,
    );
    expect(recall).toBeGreaterThanOrEqual(0.97);
    expect(falseAlarmRate).toBeLessThanOrEqual(0.005);
  });

  it("raises no alarm on the upstream's own sample", () => {
    const data = parseUpstreamData(sample.data);
    if (!data.success) throw new Error("the sample no longer parses");
    const trend = normalize({ kolId: "6838432048", startDate: "2026-02-07", endDate: "2026-03-08" }, data.data);
    expect(trend.series.length).toBe(30);
    expect(anomaliesOf(trend.series, THRESHOLD)).toEqual([]);
  });

  it("labels a jump a spike and a fall a drop, with its score", () => {
    const series = datesOf("2026-01-01", "2026-01-20").map((date, i) => ({ date, fans: null, delta: 100 + (i % 3) * 10 }));
    series[5]!.delta = 80_000;
    series[6]!.delta = -23_000;
    const found = anomaliesOf(series, THRESHOLD);
    expect(found.map(({ date, kind }) => [date, kind])).toEqual([
      ["2026-01-06", "spike"],
      ["2026-01-07", "drop"],
    ]);
    expect(found[0]!.score).toBeGreaterThan(THRESHOLD);
    expect(found[1]!.score).toBeLessThan(-THRESHOLD);
  });

  it("flags nothing on too short a series, and skips days without a change", () => {
    const short = datesOf("2026-01-01", `2026-01-0${MIN_DAYS_FOR_ANOMALIES - 1}`).map((date) => ({ date, fans: null, delta: 1 }));
    short[0]!.delta = 1_000_000;
    expect(anomaliesOf(short, THRESHOLD)).toEqual([]);
    const gaps = datesOf("2026-01-01", "2026-01-10").map((date, i) => ({ date, fans: null, delta: i === 3 ? null : 5 }));
    expect(anomaliesOf(gaps, THRESHOLD)).toEqual([]);
  });
});
