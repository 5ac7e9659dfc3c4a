/**
 * @module The trend store: cache entries in Workers KV behind a tiny get/put contract.
 *
 * The cache is an optimisation, never a dependency: a KV read or write that throws is reported
 * to the caller as an outcome, so the request goes on to the upstream instead of failing.
 * Entries carry their own `storedAt` and TTL, because KV's expiry is lazy and eventually
 * consistent; freshness is decided by the gateway's clock, not by whether KV still has the key.
 */
import * as z from "zod";

const KV_MINIMUM_TTL_SECONDS = 60;

export const cacheEntrySchema = z.object({
  storedAt: z.number(),
  ttlSeconds: z.number().int().positive(),
  settled: z.boolean(),
  body: z.looseObject({ code: z.unknown(), data: z.unknown() }),
});

export type CacheEntry = z.infer<typeof cacheEntrySchema>;

export type StoreRead = { ok: true; entry: CacheEntry | null } | { ok: false };

export interface TrendStore {
  get(key: string): Promise<StoreRead>;
  /** `keepSeconds` is how long the store may keep the entry: its TTL plus any stale grace. */
  put(key: string, entry: CacheEntry, keepSeconds: number): Promise<boolean>;
}

export function kvStore(namespace: KVNamespace): TrendStore {
  return {
    async get(key) {
      let value: unknown;
      try {
        value = await namespace.get(key, "json");
      } catch {
        return { ok: false };
      }
      const parsed = cacheEntrySchema.safeParse(value);
      // A corrupt or foreign value is a miss, not an error: the next write replaces it.
      return { ok: true, entry: parsed.success ? parsed.data : null };
    },
    async put(key, entry, keepSeconds) {
      try {
        await namespace.put(key, JSON.stringify(entry), {
          expirationTtl: Math.max(KV_MINIMUM_TTL_SECONDS, keepSeconds),
        });
        return true;
      } catch {
        return false;
      }
    },
  };
}
