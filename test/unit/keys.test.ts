/**
 * Client keys and their records (src/auth/keys.ts): the key's format, what a new record holds, what
 * KV lists for it, and which stored records a lookup trusts. A record that is malformed or does
 * not belong to the key or name asked for is no key at all.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { generateKey, newKeyRecord, recordKvName, recordOfKey, recordOfName, recordWrites, type KeyRecord } from "../../src/auth/keys.ts";

const CREATED = new Date("2026-03-01T00:00:00Z");

const recordFor = (key: string, name: string) => newKeyRecord(key, { name, tier: "bulk", permissions: [] }, CREATED);

/** A KEYS namespace as plain values, filled the way `npm run key -- create` fills KV; counts reads. */
function store(values: Record<string, unknown> = {}) {
  const entries = new Map(Object.entries(values));
  const reads: string[] = [];
  return {
    entries,
    reads,
    add(record: KeyRecord) {
      for (const write of recordWrites(record)) entries.set(write.name, JSON.parse(write.value));
    },
    read: async (name: string) => {
      reads.push(name);
      return entries.get(name) ?? null;
    },
  };
}

describe("a generated key", () => {
  it("is xte_ and 43 URL-safe base64 characters: all 256 bits, and nothing a URL or header must escape", () => {
    // 32 keys: a key without '+' or '/' in its plain base64 is likely (about one in four), 32 in a row is not.
    for (let i = 0; i < 32; i++) {
      const key = generateKey();
      expect(key).toMatch(/^xte_[A-Za-z0-9_-]{43}$/);
      expect(encodeURIComponent(key)).toBe(key);
    }
  });
});

describe("a new key's record", () => {
  it("is enabled: a key works as soon as it is made", async () => {
    expect((await recordFor(generateKey(), "fresh")).disabled).toBe(false);
  });

  it("takes a name of 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit", async () => {
    await expect(recordFor(generateKey(), "a".repeat(64))).resolves.toMatchObject({ name: "a".repeat(64) });
    // The name is a log field, a header value (X-Key-Name) and the name of the key's Durable Objects.
    await expect(recordFor(generateKey(), "a".repeat(65))).rejects.toThrow();
    await expect(recordFor(generateKey(), "-leading-dash")).rejects.toThrow();
  });

  it("is listed by KV with what `npm run key -- list` and the watch run show, and no hash or secret", async () => {
    const record = await recordFor(generateKey(), `listed-${crypto.randomUUID().slice(0, 8)}`);
    for (const write of recordWrites(record)) await env.KEYS.put(write.name, write.value, { metadata: write.metadata });
    const listed = await env.KEYS.list({ prefix: recordKvName(record.hash) });
    expect(listed.keys.map((entry) => entry.metadata)).toEqual([
      {
        name: record.name,
        tier: "bulk",
        permissions: [],
        created: CREATED.toISOString(),
        disabled: false,
        dailyUpstreamCalls: 0,
        rotating: false,
      },
    ]);
  });
});

describe("looking up a presented key", () => {
  it("treats a stored value that is not an object as no key, rather than failing", async () => {
    const key = generateKey();
    const hash = (await recordFor(key, "corrupt")).hash;
    for (const value of ["corrupt", 42]) {
      const { read } = store({ [recordKvName(hash)]: value });
      expect(await recordOfKey(read, key, new Map())).toBeNull();
    }
  });

  it("changes nothing it remembers when a remembered key is presented again: the first remembered is still forgotten first", async () => {
    const keys = Array.from({ length: 257 }, () => generateKey());
    const { add, read } = store();
    for (const [i, key] of keys.entries()) add(await recordFor(key, `k${i}`));
    const hashes = new Map<string, string>();
    for (const key of keys.slice(0, 256)) await recordOfKey(read, key, hashes);
    // A hit on the first key costs no write to the isolate's memory, so it keeps its place.
    await recordOfKey(read, keys[0]!, hashes);
    await recordOfKey(read, keys[256]!, hashes);
    expect(hashes.has(keys[0]!)).toBe(false);
    expect(hashes.has(keys[1]!)).toBe(true);
  });
});

describe("looking up a named key (signed requests)", () => {
  it("finds each key by its own name when several exist", async () => {
    const { add, read } = store();
    add(await recordFor(generateKey(), "alice"));
    add(await recordFor(generateKey(), "bob"));
    expect((await recordOfName(read, "alice"))?.name).toBe("alice");
    expect((await recordOfName(read, "bob"))?.name).toBe("bob");
  });

  it("does not trust a name index that points at another key's record", async () => {
    const { add, entries, read } = store();
    const bob = await recordFor(generateKey(), "bob");
    add(bob);
    entries.set("name:alice", bob.hash);
    expect(await recordOfName(read, "alice")).toBeNull();
  });

  it("treats a name whose record is gone as no key, rather than failing", async () => {
    const { add, entries, read } = store();
    const alice = await recordFor(generateKey(), "alice");
    add(alice);
    entries.delete(recordKvName(alice.hash));
    expect(await recordOfName(read, "alice")).toBeNull();
  });

  it("refuses an unknown name after one read: anyone may send any name", async () => {
    const { read, reads } = store();
    expect(await recordOfName(read, "nobody")).toBeNull();
    expect(reads).toHaveLength(1);
  });

  it("refuses a record whose hash is not exactly 64 hex digits", async () => {
    const alice = await recordFor(generateKey(), "alice");
    for (const hash of [`${alice.hash}0`, `x${alice.hash}`]) {
      const { add, entries, read } = store();
      add(alice);
      entries.set(recordKvName(alice.hash), { ...alice, hash });
      expect(await recordOfName(read, "alice")).toBeNull();
    }
  });
});
