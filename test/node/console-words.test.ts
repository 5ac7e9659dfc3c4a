/** The console's words that depend on a number (packages/console/src/i18n.ts). */
import { describe, expect, it } from "vitest";
import { WORDS } from "../../packages/console/src/i18n.ts";

describe("the console's words for a count of creators", () => {
  it("are singular for one creator in English, and the same words for any count in Chinese", () => {
    expect([1, 2, 0].map((count) => WORDS.en.creatorCount(count))).toEqual(["1 creator", "2 creators", "0 creators"]);
    expect([1, 2].map((count) => WORDS["zh-CN"].creatorCount(count))).toEqual(["1 位达人", "2 位达人"]);
  });
});
