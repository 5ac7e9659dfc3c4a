/**
 * @module Client keys: their format, their hash, and the record stored for each in KV.
 *
 * A key is 256 random bits; only its SHA-256 hash is stored, so a leaked namespace reveals no
 * usable key. Shared by the Worker and the `npm run key` command (plain Web Crypto, no Node or
 * Workers APIs), so both agree on every byte.
 */
import * as z from "zod/mini";
import { base64, constantTimeEqual, hex } from "../bytes.ts";
import { remember } from "../cache/remember.ts";

export const KEY_PREFIX = "xte_";
export const TIERS = ["standard", "bulk"] as const;
/** `refresh`: may force a refresh; `operate`: may clear the spend guard. */
export const PERMISSIONS = ["refresh", "operate"] as const;

export const keyRecordSchema = z.object({
  name: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)),
  tier: z.enum(TIERS),
  permissions: z.array(z.enum(PERMISSIONS)),
  created: z.string(),
  disabled: z.boolean(),
  /** The generations of the key's webhook secret valid now (webhooks/signature.ts): the previous one during a rotation. */
  webhookSecret: z._default(z.object({ current: z.int().check(z.minimum(1)), previous: z.nullable(z.int().check(z.minimum(1))) }), {
    current: 1,
    previous: null,
  }),
  /** Billed upstream calls this key's misses may cause per Shanghai day; 0 (the default): no limit. */
  dailyUpstreamCalls: z._default(z.int().check(z.minimum(0)), 0),
  /** The key's SHA-256, hex: the record's KV name holds it too, kept here to compare in constant time. */
  hash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
});

export type KeyRecord = z.infer<typeof keyRecordSchema>;
export type Tier = KeyRecord["tier"];

export const recordKvName = (hash: string) => `key:${hash}`;
/** Name -> hash, for requests that name their key instead of presenting it (signed webhooks). */
export const nameKvName = (name: string) => `name:${name}`;
export const RECORD_PREFIX = "key:";

export function generateKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const encoded = base64(bytes);
  // Stryker disable next-line Regex: 32 bytes are 43 base64 characters and one "=", always the last, so /=+/ and /=$/ remove the same one
  return KEY_PREFIX + encoded.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function hashKey(key: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
}

/** The metadata KV lists alongside each record, so `list` needs no read per key. */
export function recordMetadata(record: KeyRecord) {
  const { name, tier, permissions, created, disabled, dailyUpstreamCalls } = record;
  return { name, tier, permissions, created, disabled, dailyUpstreamCalls, rotating: record.webhookSecret.previous !== null };
}

export type NewKey = Pick<KeyRecord, "name" | "tier" | "permissions"> & Partial<Pick<KeyRecord, "dailyUpstreamCalls">>;

/** The record of a new key, as `npm run key`, the tests and the benchmark all create it. */
export async function newKeyRecord(key: string, fields: NewKey, created: Date): Promise<KeyRecord> {
  return keyRecordSchema.parse({ ...fields, created: created.toISOString(), disabled: false, hash: await hashKey(key) });
}

export interface KvWrite {
  name: string;
  value: string;
  metadata: object;
}

/** What storing a record writes to KEYS: the record under its hash, and the name index. */
export function recordWrites(record: KeyRecord): KvWrite[] {
  return [
    { name: recordKvName(record.hash), value: JSON.stringify(record), metadata: recordMetadata(record) },
    { name: nameKvName(record.name), value: JSON.stringify(record.hash), metadata: {} },
  ];
}

/** Reads one KEYS value as parsed JSON (null when absent): the Worker through its store, the CLI through wrangler. */
export type KeysReader = (kvName: string) => Promise<unknown>;

/**
 * Key records as parsed before, by the stored object they were parsed from: the isolate's memory
 * tier hands back the same object until it reads KEYS again, so a hit need not validate it again.
 */
const parsedRecords = new WeakMap<object, KeyRecord | null>();

function parsedRecord(stored: unknown): KeyRecord | null {
  if (typeof stored !== "object" || stored === null) return null;
  let parsed = parsedRecords.get(stored);
  if (parsed === undefined) {
    const result = keyRecordSchema.safeParse(stored);
    parsed = result.success ? result.data : null;
    parsedRecords.set(stored, parsed);
  }
  return parsed;
}

/** Keys whose hash an isolate remembers; past this, the one remembered first is forgotten. */
const REMEMBERED_KEY_HASHES = 256;

/**
 * The record of a presented key, compared by hash in constant time. A valid key's hash is
 * remembered by the isolate (`hashes`): the same few keys arrive again and again, and hashing one
 * was about a tenth of a cache hit's CPU inside workerd (half of it in Node: bench
 * `hit.cpuMicros`). Only keys that matched a record are kept, and only in the isolate's memory
 * (never in a log, a store or a response); the record itself is still read each time, so a
 * revoked key stops working as soon as its record does.
 */
export async function recordOfKey(read: KeysReader, key: string, hashes: Map<string, string>): Promise<KeyRecord | null> {
  const known = hashes.get(key);
  const hash = known ?? (await hashKey(key));
  const record = parsedRecord(await read(recordKvName(hash)));
  if (!record || !constantTimeEqual(record.hash, hash)) return null;
  if (known === undefined) remember(hashes, key, hash, REMEMBERED_KEY_HASHES);
  return record;
}

/** The record of a named key, through the name index (signed requests name their key). */
export async function recordOfName(read: KeysReader, name: string): Promise<KeyRecord | null> {
  const hash = await read(nameKvName(name));
  if (typeof hash !== "string") return null;
  const record = parsedRecord(await read(recordKvName(hash)));
  return record?.name === name ? record : null;
}
