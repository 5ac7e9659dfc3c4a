/** A watch's rules over a roster's answer: the alerts they raise carry their numbers and the creator's label. */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/alerts/rules.ts";
import type { RosterTrends } from "../../src/schemas/roster-answers.ts";

const DAY = "2026-03-09";

/** A roster answer of creators who each had a spike of 80,000 on `DAY`. */
const trends = (kolIds: string[]) =>
  ({
    members: kolIds.map((kolId) => ({
      kolId,
      ok: true,
      series: [{ date: DAY, fans: 1_080_000, delta: 80_000 }],
      anomalies: [{ date: DAY, delta: 80_000, score: 41.2, kind: "spike" }],
    })),
  }) as unknown as RosterTrends;

describe("a watch's alerts", () => {
  it("carry the label of each creator the roster labels, and none for the others", () => {
    const alerts = evaluate(trends(["111", "222"]), [{ kind: "anomaly" }], DAY, { "222": "小杨哥" });
    expect(alerts).toEqual([
      { kolId: "111", rule: "anomaly", date: DAY, kind: "spike", delta: 80_000, score: 41.2 },
      { kolId: "222", label: "小杨哥", rule: "anomaly", date: DAY, kind: "spike", delta: 80_000, score: 41.2 },
    ]);
  });
});
