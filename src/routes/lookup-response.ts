/**
 * @module What the data routes share: a client's lookup of one range with the cache headers of
 * its answer (the daily-fans routes and the synchronous webhook target).
 */
import type { Context } from "hono";
import { cacheHeaders } from "../lookup/cache-status.ts";
import { countedLookup, keyUsage } from "../ledger/usage.ts";
import type { UpstreamQuery } from "../upstream/request.ts";
import type { GatewayEnv } from "./env.ts";

/**
 * Looks the range up for the calling client and returns the cache headers of the answer; a
 * forced refresh is honoured only for a key with the refresh permission, and says so otherwise.
 * The caller records `headers["Cache-Status"]` for the log line.
 */
export async function lookupWithHeaders(c: Context<GatewayEnv>, query: UpstreamQuery, askedRefresh: boolean) {
  const lookup = c.get("lookup");
  const client = c.get("client");
  // The key's ledger admits its misses' upstream calls and counts what the request cost.
  const usage = keyUsage(c.env, lookup.runtime, client, lookup.defer);
  const result = await countedLookup(lookup, usage, query, { refresh: askedRefresh && client.canRefresh });
  const headers: Record<string, string> = cacheHeaders(result, lookup.trace.storeReadFailed, client.anonymous);
  if (askedRefresh && !client.canRefresh) headers["Xingtu-Refresh"] = 'refused; reason="the key lacks the refresh permission"';
  return { result, headers, cacheStatus: headers["Cache-Status"]! };
}
