/**
 * @module The cache's conversation with clients: `Cache-Status` (RFC 9211), `Age` and a
 * `Cache-Control` that lets downstream caches keep the answer as long as we do.
 */
import type { LookupResult } from "../trend-lookup";

export const CACHE_NAME = "xingtu-edge";

export function cacheStatus(result: LookupResult, storeReadFailed: boolean): string {
  const remaining = Math.max(0, result.ttlSeconds - result.ageSeconds);
  switch (result.outcome) {
    case "hit":
      return `${CACHE_NAME}; hit; ttl=${remaining}`;
    case "refresh":
      return `${CACHE_NAME}; fwd=request; stored; ttl=${remaining}`;
    case "miss":
      return `${CACHE_NAME}; fwd=miss; stored; ttl=${remaining}` + (storeReadFailed ? '; detail="store-unavailable"' : "");
  }
}

export interface CacheHeaders extends Record<string, string> {
  "Cache-Status": string;
  Age: string;
  "Cache-Control": string;
}

export function cacheHeaders(result: LookupResult, storeReadFailed: boolean): CacheHeaders {
  return {
    "Cache-Status": cacheStatus(result, storeReadFailed),
    Age: String(result.ageSeconds),
    // max-age is the whole freshness lifetime; downstream caches subtract Age themselves.
    "Cache-Control": `public, max-age=${result.ttlSeconds}`,
  };
}

/** `Cache-Control: no-cache` (or `max-age=0`) from the client asks for a fresh upstream answer. */
export function wantsRefresh(cacheControl: string | undefined): boolean {
  if (!cacheControl) return false;
  return cacheControl
    .toLowerCase()
    .split(",")
    .map((directive) => directive.trim())
    .some((directive) => directive === "no-cache" || directive === "max-age=0");
}
