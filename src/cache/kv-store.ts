/**
 * @module The KV tier of the store contract (see types.ts): JSON values in a Workers KV namespace.
 * KV's own limits shape it: a write lives at least a minute, an edge may cache a read for 30 s or more.
 */
import { KV_MINIMUM_TTL_SECONDS, type Store } from "./types.ts";

const KV_MINIMUM_CACHE_TTL_SECONDS = 30;

export function kvStore(namespace: KVNamespace): Store {
  return {
    async get(key, options) {
      try {
        const cacheTtl = options?.edgeCacheSeconds;
        const value = await namespace.get(key, {
          type: "json",
          ...(cacheTtl ? { cacheTtl: Math.max(KV_MINIMUM_CACHE_TTL_SECONDS, cacheTtl) } : {}),
        });
        return { ok: true, value };
      } catch {
        // Unreadable JSON lands here too: a corrupt value is a miss the next write replaces.
        return { ok: false };
      }
    },
    async put(key, value, keepSeconds) {
      try {
        await namespace.put(key, JSON.stringify(value), { expirationTtl: Math.max(KV_MINIMUM_TTL_SECONDS, Math.ceil(keepSeconds)) });
        return true;
      } catch {
        return false;
      }
    },
    async delete(key) {
      try {
        await namespace.delete(key);
        return true;
      } catch {
        return false;
      }
    },
  };
}
