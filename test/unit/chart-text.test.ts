/**
 * Names cut to fit a chart (src/render/chart.ts): never inside what a reader sees as one character
 * (an emoji's ZWJ sequence, a letter with its marks), and an emoji as wide as a CJK character.
 */
import { describe, expect, it } from "vitest";
import { fitted, fittedHeading } from "../../src/render/chart.ts";

const CODER = "👩‍💻";

describe("a name cut to fit a chart", () => {
  it("keeps a legend entry's emoji whole, each as wide as a CJK character", () => {
    // 16 half-widths: eight emoji of two each, then the ellipsis.
    expect(fitted(CODER.repeat(9))).toBe(`${CODER.repeat(8)}…`);
    expect(fitted(CODER.repeat(8))).toBe(CODER.repeat(8));
  });

  it("keeps a letter with its combining mark whole", () => {
    const accented = "e\u0301";
    expect(fitted(accented.repeat(17))).toBe(`${accented.repeat(16)}…`);
  });

  it("cuts a heading's name between emoji, never inside one", () => {
    const heading = fittedHeading(
      (name) => `Douyin followers of ${name} (KOL 6838432048), 2026-01-01 to 2026-03-31`,
      CODER.repeat(13),
      400,
    );
    const name = /of (.*)… \(KOL/u.exec(heading)?.[1];
    expect(name).toBeDefined();
    expect(name!.length).toBeGreaterThan(0);
    expect(name).toBe(CODER.repeat(name!.length / CODER.length));
  });
});
