/**
 * An isolate remembers the hash of each valid key it is shown (auth/keys.ts), so a cache hit does
 * not hash the key again; the record itself is still read every time, and validated again only
 * when the store hands back another object.
 */
import { describe, expect, it } from "vitest";
import { generateKey, newKeyRecord, recordKvName, recordOfKey, type KeyRecord } from "../../src/auth/keys.ts";

async function keysOf(count: number) {
  const records = new Map<string, KeyRecord>();
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = generateKey();
    const record = await newKeyRecord(key, { name: `k${i}`, tier: "bulk", permissions: [] }, new Date(0));
    records.set(recordKvName(record.hash), record);
    keys.push(key);
  }
  const reads: string[] = [];
  const read = async (name: string) => {
    reads.push(name);
    return records.get(name) ?? null;
  };
  return { keys, records, read, reads };
}

describe("remembered key hashes", () => {
  it("remembers the hash of a key that matched a record, and not of one that did not", async () => {
    const { keys, read } = await keysOf(1);
    const hashes = new Map<string, string>();
    expect((await recordOfKey(read, keys[0]!, hashes))?.name).toBe("k0");
    expect(await recordOfKey(read, "xe_not-a-key", hashes)).toBeNull();
    expect([...hashes.keys()]).toEqual([keys[0]]);
  });

  it("still reads the record each time, so a disabled key is refused as soon as its record says so", async () => {
    const { keys, records, read, reads } = await keysOf(1);
    const hashes = new Map<string, string>();
    const first = (await recordOfKey(read, keys[0]!, hashes))!;
    records.set(recordKvName(first.hash), { ...first, disabled: true });
    expect((await recordOfKey(read, keys[0]!, hashes))?.disabled).toBe(true);
    expect(reads).toHaveLength(2);
  });

  it("validates a stored record once for as long as the store hands back the same object", async () => {
    const { keys, read } = await keysOf(1);
    const hashes = new Map<string, string>();
    const first = await recordOfKey(read, keys[0]!, hashes);
    expect(await recordOfKey(read, keys[0]!, hashes)).toBe(first);
    const stored = { ...first!, tier: "nonsense" };
    expect(await recordOfKey(async () => stored, keys[0]!, hashes)).toBeNull();
  });

  it("forgets the first remembered once it holds 256", async () => {
    const { keys, read } = await keysOf(257);
    const hashes = new Map<string, string>();
    for (const key of keys) await recordOfKey(read, key, hashes);
    expect(hashes.size).toBe(256);
    expect(hashes.has(keys[0]!)).toBe(false);
    expect(hashes.has(keys[256]!)).toBe(true);
  });
});
