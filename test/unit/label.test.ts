/**
 * A creator's label (src/schemas/label.ts): any name a person reads, in any script and with emoji,
 * and nothing that hides what it says.
 */
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { labelSchema } from "../../src/schemas/label.ts";

const accepted = (value: string) => z.safeParse(labelSchema, value).success;

describe("a creator's label", () => {
  it("keeps the joiners that shape a name: an emoji's ZWJ sequence and a Persian word's ZWNJ", () => {
    expect(z.parse(labelSchema, " 👩‍💻小王 ")).toBe("👩‍💻小王");
    expect(accepted("🏳️‍🌈彩虹")).toBe(true);
    expect(accepted("می‌خواهم")).toBe(true);
  });

  it.each([
    ["a right-to-left override", "abc\u202Edef"],
    ["a zero-width space", "李\u200B佳琦"],
    ["a line separator inside", "李佳\u2028琦"],
    ["a paragraph separator inside", "李佳\u2029琦"],
    ["a tab", "tab\there"],
    ["a private-use character", "李\uE000"],
  ])("refuses %s", (_, value) => {
    expect(accepted(value)).toBe(false);
  });

  it.each([
    ["Hangul fillers", "\u3164\u3164"],
    ["a halfwidth Hangul filler", "李\uFFA0"],
    ["Hangul choseong and jungseong fillers", "\u115F\u1160"],
    ["a combining grapheme joiner", "李\u034F佳"],
    ["a blank Braille pattern", "\u2800"],
  ])("refuses %s, which show nothing", (_, value) => {
    expect(accepted(value)).toBe(false);
  });

  it("refuses a name of joiners or spaces alone, which shows nothing", () => {
    expect(accepted("\u200D")).toBe(false);
    expect(accepted("\u200C\u200D")).toBe(false);
    expect(accepted("   ")).toBe(false);
    expect(accepted("")).toBe(false);
  });

  it("takes a name of punctuation or symbols alone, which shows", () => {
    expect(accepted("🔥")).toBe(true);
    expect(accepted("……")).toBe(true);
  });
});
