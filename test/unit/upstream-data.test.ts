/**
 * The upstream data's fast guard (upstream/schema.ts) against zod's schema: on any value, the same
 * verdict and the same output, so the fast path changes nothing but the time it takes.
 */
import { afterEach, describe, expect, it, inject, vi } from "vitest";
import fc from "fast-check";
import { parseUpstreamData, upstreamDataSchema } from "../../src/upstream/schema.ts";
import { successBody } from "../../tools/emulator/series.ts";

const date = fc.oneof(
  fc.date({ min: new Date("2018-01-01"), max: new Date("2027-12-31"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom("2026-02-30", "2026-13-01", "20260301", "", "2026-3-1"),
  // Dates that are not text at all, as a careless JSON encoder might send them.
  fc.constantFrom<unknown>(null, 20260301, ["2026-03-01"]),
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
const series = fc.oneof(fc.array(point, { maxLength: 8 }), fc.constantFrom(null, "x", [1], [null]));
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

// Well-formed series, so the optional fields' own rules decide (a series refused first would hide them).
const goodPoint = fc.record({ date: fc.constantFrom("2026-03-01", "2026-03-02", "2026-03-03"), fans_cnt: fc.integer().map(String) });
const valid = fc.record(
  {
    daily: fc.uniqueArray(goodPoint, { selector: (p) => p.date, maxLength: 3 }),
    delta: fc.uniqueArray(goodPoint, { selector: (p) => p.date, maxLength: 3 }),
    fans_growth: count,
    fans_growth_rate: numeric,
    fans_growth_v2: fc.oneof(fc.record({ value: count }), fc.constant(null)),
    fans_growth_rate_v2: fc.record({ value: numeric }),
    description: fc.oneof(fc.string(), fc.constant(3)),
  },
  { requiredKeys: ["daily", "delta"] },
);

const verdict = (value: unknown) => {
  const fast = parseUpstreamData(value);
  return fast.success ? { ok: true, data: fast.data } : { ok: false };
};
const zods = (value: unknown) => {
  const parsed = upstreamDataSchema.safeParse(value);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false };
};

afterEach(() => vi.restoreAllMocks());

/** The messages of zod's issues for a refused value (none for an accepted one). */
const refusal = (value: unknown) => {
  const read = parseUpstreamData(value);
  return read.success ? [] : read.error.issues.map((issue) => issue.message);
};

describe("the upstream data's fast guard", () => {
  it("gives zod's verdict and output on generated values, accepted and refused alike", () => {
    const seen = { accepted: 0, refused: 0 };
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

  it("reads every answer zod accepts by itself, to the last field: zod runs only to explain a refusal", () => {
    // zod's parse is most of a miss's CPU on Workers (schema.ts): a well-formed answer must not pay for it.
    const zodParse = vi.spyOn(upstreamDataSchema, "safeParse");
    fc.assert(
      fc.property(fc.oneof(data, valid), (value) => {
        zodParse.mockClear();
        const read = parseUpstreamData(value);
        const consulted = zodParse.mock.calls.length;
        const zod = upstreamDataSchema.safeParse(value);
        expect(read.success).toBe(zod.success);
        if (zod.success) {
          expect(consulted).toBe(0);
          // The same keys too: a field the answer lacks stays absent, as zod leaves it.
          expect(read.success && read.data).toStrictEqual(zod.data);
        }
      }),
      { numRuns: inject("fuzzRuns") * 10 },
    );
  });

  it("refuses a series that lists a date twice", () => {
    const point = { date: "2026-03-01", fans_cnt: "1" };
    expect(parseUpstreamData({ daily: [point, { ...point }], delta: [] }).success).toBe(false);
  });
});

describe("zod's explanation of a refusal", () => {
  // What the operator's log would show (errorFields: the error's message) if days stored as read
  // ever failed to read back (coordination/resolve.ts throws the refusal).
  it("says a date appears twice", () => {
    const point = { date: "2026-03-01", fans_cnt: "1" };
    expect(refusal({ daily: [], delta: [point, point] })).toEqual(["a date appears twice"]);
  });

  it("says a count exceeds the safe integer range rather than rounding it", () => {
    expect(refusal({ daily: [{ date: "2026-03-01", fans_cnt: "9007199254740993" }], delta: [] })).toEqual([
      "count exceeds the safe integer range",
    ]);
  });

  it("says a date is not a calendar date", () => {
    expect(refusal({ daily: [{ date: "2026-02-30", fans_cnt: "1" }], delta: [] })).toEqual(["not a calendar date"]);
  });
});
