import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runStoreContract } from "./store-contract.ts";
import { kvStore } from "../../src/cache/kv-store.ts";
import { memoryStore } from "../../src/cache/memory-store.ts";
import { tieredStore } from "../../src/cache/tiered-store.ts";

const clock = { now: 0 };
const now = () => clock.now;

runStoreContract("memory", () => memoryStore({ maxBytes: 1_000_000, now }));
runStoreContract("KV", () => kvStore(env.CACHE));
runStoreContract("memory over KV", () => tieredStore(memoryStore({ maxBytes: 1_000_000, now }), kvStore(env.CACHE), 60));

describe("the memory tier", () => {
  const value = (size: number) => "x".repeat(size - 2); // JSON adds the two quotes.

  it("never holds more bytes than its bound, dropping the least recently used", async () => {
    const store = memoryStore({ maxBytes: 300, now });
    await store.put("a", value(100), 60);
    await store.put("b", value(100), 60);
    await store.put("c", value(100), 60);
    await store.get("a");
    await store.put("d", value(100), 60);
    expect(store.bytes).toBeLessThanOrEqual(300);
    expect(await store.get("b")).toEqual({ ok: true, value: null });
    expect(await store.get("a")).toEqual({ ok: true, value: value(100) });
    expect(await store.get("d")).toEqual({ ok: true, value: value(100) });
  });

  it("does not hold a value larger than its whole bound", async () => {
    const store = memoryStore({ maxBytes: 50, now });
    await store.put("big", value(51), 60);
    expect(store.size).toBe(0);
    expect(await store.get("big")).toEqual({ ok: true, value: null });
  });

  it("accounts an overwritten value once", async () => {
    const store = memoryStore({ maxBytes: 1000, now });
    await store.put("a", value(100), 60);
    await store.put("a", value(40), 60);
    expect(store.bytes).toBe(40);
  });

  it("expires values lazily, on the next read", async () => {
    const store = memoryStore({ maxBytes: 1000, now });
    clock.now = 0;
    await store.put("a", 1, 10);
    clock.now = 9_999;
    expect(await store.get("a")).toEqual({ ok: true, value: 1 });
    clock.now = 10_000;
    expect(await store.get("a")).toEqual({ ok: true, value: null });
    expect(store.size).toBe(0);
  });

  it("answers from memory without reading KV once a value was read", async () => {
    let kvReads = 0;
    const kv = kvStore(env.CACHE);
    const counting = { ...kv, get: (k: string) => (kvReads++, kv.get(k)) };
    const tiered = tieredStore(memoryStore({ maxBytes: 1000, now }), counting, 60);
    await kv.put("promoted", { n: 1 }, 3600);
    await tiered.get("promoted");
    await tiered.get("promoted");
    expect(kvReads).toBe(1);
  });
});
