/**
 * @module The store contract: JSON values under string keys, read and written by the cache.
 *
 * Two tiers implement it (KV and an in-isolate memory LRU) and a third composes them; one
 * contract suite runs against each (test/unit/store-contract.ts). The cache is an optimisation,
 * never a dependency: a failing read or write is reported as an outcome, never thrown, so a
 * request goes on to the upstream instead of failing. Values carry their own timestamps:
 * freshness is decided by the gateway's clock, `keepSeconds` only bounds how long a tier holds on.
 */

export type StoreRead = { ok: true; value: unknown } | { ok: false };

export interface ReadOptions {
  /** How long an edge location may serve this read from its own cache (KV `cacheTtl`). */
  edgeCacheSeconds?: number;
}

export interface Store {
  /** `value` is null when the key is absent or expired. */
  get(key: string, options?: ReadOptions): Promise<StoreRead>;
  /** Resolves false when the write failed. */
  put(key: string, value: unknown, keepSeconds: number): Promise<boolean>;
  delete(key: string): Promise<boolean>;
}

/** KV refuses an `expirationTtl` below this, so no stored value may be asked to live shorter. */
export const KV_MINIMUM_TTL_SECONDS = 60;
