/**
 * @module What the data routes share: a client's lookup of one range with the cache headers of
 * its answer (the daily-fans routes and the synchronous webhook target).
 */
import type { Context } from "hono";
import { cacheHeaders } from "../lookup/cache-status.ts";
import { countedLookup, keyUsage } from "../ledger/usage.ts";
import type { UpstreamQuery } from "../upstream/request.ts";
import type { GatewayEnv } from "./env.ts";
import { REFRESH_HEADER, refreshHeader, type RefreshMode } from "../lookup/refresh.ts";

/**
 * Looks the range up for the calling client and returns the cache headers of the answer. A
 * refresh is asked only with `Xingtu-Refresh` (lookup/refresh.ts), honoured only for a key with
 * the refresh permission, and the answer's `Xingtu-Refresh` says what became of it. The caller
 * records `headers["Cache-Status"]` for the log line.
 */
export async function lookupWithHeaders(c: Context<GatewayEnv>, query: UpstreamQuery, mode: RefreshMode | null) {
  const lookup = c.get("lookup");
  const client = c.get("client");
  // The key's ledger admits its misses' upstream calls and counts what the request cost.
  const usage = keyUsage(c.env, lookup.runtime, lookup.config, client, lookup.defer);
  const asked = mode && client.canRefresh ? { asked: { mode, by: client.name } } : {};
  const result = await countedLookup(lookup, usage, query, asked);
  const headers: Record<string, string> = cacheHeaders(result, lookup.trace.storeReadFailed, client.anonymous);
  if (mode && !client.canRefresh) headers[REFRESH_HEADER] = refreshHeader("refused");
  else if (result.refreshed) headers[REFRESH_HEADER] = refreshHeader(result.refreshed);
  return { result, headers, cacheStatus: headers["Cache-Status"]! };
}

/**
 * A HEAD of a data route (a link checker, a chat app unfurling a link, a proxy) learns that the
 * route answers, once the key and the parameters are checked; it never looks anything up, so it
 * never buys data no client asked for.
 */
export const headOnly = (c: Context<GatewayEnv>) => c.body(null, 200, { "Cache-Control": "no-store" });
