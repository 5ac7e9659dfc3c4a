/**
 * @module The cache's conversation with clients: `Cache-Status` (RFC 9211), `Age` and a
 * `Cache-Control` that lets downstream caches keep the answer as long as we do.
 */
import type { LookupResult } from "./lookup.ts";

export const CACHE_NAME = "xingtu-edge";

export function cacheStatus(result: LookupResult, storeReadFailed: boolean): string {
  const remaining = result.ttlSeconds - result.ageSeconds;
  const details = [result.fromDays ? "assembled" : "", storeReadFailed ? "store-unavailable" : ""].filter(Boolean);
  const detail = (extra: string[] = []) => {
    const all = [...extra, ...details];
    return all.length > 0 ? `; detail="${all.join(" ")}"` : "";
  };
  switch (result.outcome) {
    case "hit":
      return `${CACHE_NAME}; hit; ttl=${remaining}${detail()}`;
    case "stale":
      return `${CACHE_NAME}; hit; ttl=${remaining}${detail(["stale-while-revalidate"])}`;
    case "refresh":
      return `${CACHE_NAME}; fwd=request; stored; ttl=${remaining}${detail()}`;
    case "miss":
      return `${CACHE_NAME}; fwd=miss; stored; ttl=${remaining}${detail()}`;
    case "fallback": {
      const fwd = result.refresh ? "request" : "stale";
      return `${CACHE_NAME}; fwd=${fwd}; fwd-status=${result.failure?.status ?? 502}; ttl=${remaining}${detail([result.failure?.problemType ?? "upstream-error"])}`;
    }
  }
}

export interface CacheHeaders extends Record<string, string> {
  "Cache-Status": string;
  Age: string;
  "Cache-Control": string;
}

/** `shared`: the answer may be kept by shared caches (no client key was needed to get it). */
export function cacheHeaders(result: LookupResult, storeReadFailed: boolean, shared: boolean): CacheHeaders {
  return {
    "Cache-Status": cacheStatus(result, storeReadFailed),
    Age: String(result.ageSeconds),
    // max-age is the whole freshness lifetime; downstream caches subtract Age themselves. An
    // answer served only because the upstream failed is not for keeping downstream.
    "Cache-Control":
      result.outcome === "fallback" || result.outcome === "stale"
        ? "no-store"
        : `${shared ? "public" : "private"}, max-age=${result.ttlSeconds}`,
  };
}
