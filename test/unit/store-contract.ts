/**
 * The store contract, run against every tier (memory, KV, memory over KV), so that they behave
 * alike is proven rather than hoped.
 */
import { describe, expect, it } from "vitest";
import type { Store } from "../../src/cache/types.ts";

export function runStoreContract(name: string, makeStore: () => Store): void {
  describe(`${name} store contract`, () => {
    const key = () => `contract:${crypto.randomUUID()}`;

    it("reads an absent key as null", async () => {
      expect(await makeStore().get(key())).toEqual({ ok: true, value: null });
    });

    it("reads back what was written, as JSON", async () => {
      const store = makeStore();
      const k = key();
      const value = { storedAt: 1, days: { "2026-03-01": ["123", "-4", 5, true] }, list: [1, "two", null] };
      expect(await store.put(k, value, 3600)).toBe(true);
      expect(await store.get(k)).toEqual({ ok: true, value });
    });

    it("replaces a value on a second write", async () => {
      const store = makeStore();
      const k = key();
      await store.put(k, { n: 1 }, 3600);
      await store.put(k, { n: 2 }, 3600);
      expect(await store.get(k)).toEqual({ ok: true, value: { n: 2 } });
    });

    it("forgets a deleted key", async () => {
      const store = makeStore();
      const k = key();
      await store.put(k, 7, 3600);
      expect(await store.delete(k)).toBe(true);
      expect(await store.get(k)).toEqual({ ok: true, value: null });
    });

    it("keeps keys apart", async () => {
      const store = makeStore();
      const [a, b] = [key(), key()];
      await store.put(a, "a", 3600);
      await store.put(b, "b", 3600);
      expect(await store.get(a)).toEqual({ ok: true, value: "a" });
      expect(await store.get(b)).toEqual({ ok: true, value: "b" });
    });
  });
}
