/**
 * The upstream data's fast guard (upstream/schema.ts) against zod's schema: on any value, the same
 * verdict and the same output, so the fast path changes nothing but the time it takes.
 */
import { describe, expect, it, inject } from "vitest";
import fc from "fast-check";
import { parseUpstreamData, upstreamDataSchema } from "../../src/upstream/schema.ts";
import { successBody } from "../../tools/emulator/series.ts";

const date = fc.oneof(
  fc.date({ min: new Date("2018-01-01"), max: new Date("2027-12-31"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom("2026-02-30", "2026-13-01", "20260301", "", "2026-3-1"),
);
const count = fc.oneof(
  fc.integer({ min: -1_000_000, max: 100_000_000 }).map(String),
  fc.integer(),
  fc.constantFrom("9007199254740993", "1.5", "1e3", " 12", "", "-", 1.5, Number.NaN, null, true),
);
const numeric = fc.oneof(fc.double({ noNaN: false }), fc.constantFrom("12.5", "-3", "1.", ".5", "x", null, Infinity, -Infinity));
const point = fc.record(
  { date, fans_cnt: count, extra: fc.option(fc.string(), { nil: undefined }) },
  { requiredKeys: ["date", "fans_cnt"] },
);
const series = fc.oneof(fc.array(point, { maxLength: 8 }), fc.constantFrom(null, "x", [1]));
const data = fc.record(
  {
    daily: series,
    delta: series,
    fans_growth: count,
    fans_growth_rate: numeric,
    fans_growth_v2: fc.oneof(fc.record({ value: count }), fc.constant(null)),
    fans_growth_rate_v2: fc.oneof(fc.record({ value: numeric }), fc.constant(7)),
    description: fc.oneof(fc.string(), fc.constant(3)),
    fans_advice: fc.string(),
    other: fc.anything(),
  },
  { requiredKeys: [] },
);

const verdict = (value: unknown) => {
  const fast = parseUpstreamData(value);
  return fast.success ? { ok: true, data: fast.data } : { ok: false };
};
const zods = (value: unknown) => {
  const parsed = upstreamDataSchema.safeParse(value);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false };
};

describe("the upstream data's fast guard", () => {
  it("gives zod's verdict and output on generated values, accepted and refused alike", () => {
    const seen = { accepted: 0, refused: 0 };
    // Well-formed series, so the optional fields' own rules decide (a series refused first would hide them).
    const goodPoint = fc.record({ date: fc.constantFrom("2026-03-01", "2026-03-02", "2026-03-03"), fans_cnt: fc.integer().map(String) });
    const valid = fc.record(
      {
        daily: fc.uniqueArray(goodPoint, { selector: (p) => p.date, maxLength: 3 }),
        delta: fc.constant([]),
        fans_growth: count,
        fans_growth_rate: numeric,
        fans_growth_rate_v2: fc.record({ value: numeric }),
      },
      { requiredKeys: ["daily", "delta"] },
    );
    fc.assert(
      fc.property(fc.oneof(data, valid), (value) => {
        const fast = verdict(value);
        expect(fast).toEqual(zods(value));
        seen[fast.ok ? "accepted" : "refused"]++;
      }),
      { numRuns: inject("fuzzRuns") * 10 },
    );
    // Both verdicts were exercised, not only the easy one.
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it("gives zod's output on a real 365-day answer", () => {
    const body = successBody("6838432048", "2025-03-01", "2026-02-28") as { data: unknown };
    expect(verdict(body.data)).toEqual(zods(body.data));
    expect(verdict(body.data).ok).toBe(true);
  });
});
