/** Numbers written by hand (src/render/numbers.ts), held to what `Intl.NumberFormat` writes. */
import { describe, expect, inject, it } from "vitest";
import fc from "fast-check";
import { signed, signedPercent, thousands } from "../../src/render/numbers.ts";

const numRuns = inject("fuzzRuns") * 10;
const intl = new Intl.NumberFormat("en-US");
const intlPercent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 2, signDisplay: "always" });

describe("numbers for people", () => {
  it("groups thousands as Intl does, for counts and for ticks with up to three decimals", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (value) => thousands(value) === intl.format(value)),
      { numRuns },
    );
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (thousandths) => thousands(thousandths / 1000) === intl.format(thousandths / 1000)),
      { numRuns },
    );
  });

  it("signs changes and percentages as Intl does with signDisplay always", () => {
    expect([signed(1062), signed(-23_000), signed(0)]).toEqual(["+1,062", "-23,000", "+0"]);
    fc.assert(
      fc.property(
        fc.integer({ min: -1e7, max: 1e7 }),
        (basisPoints) => signedPercent(basisPoints / 10_000) === intlPercent.format(basisPoints / 10_000),
      ),
      { numRuns },
    );
  });
});
