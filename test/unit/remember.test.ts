/** A Map an isolate bounds by entries (src/cache/remember.ts). */
import { describe, expect, it } from "vitest";
import { remember } from "../../src/cache/remember.ts";

describe("remember", () => {
  it("forgets the oldest entry once the map holds more than its bound", () => {
    const map = new Map<string, number>();
    for (const [i, key] of ["a", "b", "c"].entries()) remember(map, key, i, 2);
    expect([...map.keys()]).toEqual(["b", "c"]);
  });

  it("makes a key set again the newest, so it outlives the others", () => {
    const map = new Map([
      ["a", 1],
      ["b", 2],
    ]);
    remember(map, "a", 3, 2);
    remember(map, "c", 4, 2);
    expect([...map.entries()]).toEqual([
      ["a", 3],
      ["c", 4],
    ]);
  });
});
