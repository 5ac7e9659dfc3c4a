/**
 * @module The one path from a validated request to upstream data: cache first, then one
 * coalesced upstream call whose validated answer is stored in the background.
 *
 * Both public routes (normalized and drop-in) go through here, so they share entries and
 * savings. Freshness is judged on the gateway's clock; storage failures only cost a miss.
 */
import type { Config } from "./config";
import { cacheKey, ttlPolicy } from "./cache/policy";
import type { CacheEntry, TrendStore } from "./cache/store";
import type { SingleFlight } from "./cache/single-flight";
import { fetchUpstream, type UpstreamDeps, type UpstreamQuery, type UpstreamTrace } from "./upstream-client";
import { upstreamDataSchema, type UpstreamSuccess } from "./schemas/upstream";

export interface LookupContext {
  config: Config;
  token: string;
  store: TrendStore;
  singleFlight: SingleFlight;
  deps: UpstreamDeps;
  trace: LookupTrace;
  /** Background work that must not delay the response (`ctx.waitUntil`). */
  defer: (work: Promise<unknown>) => void;
  /** A log line about this request that is only known after its response (a failed write). */
  warn: (message: string) => void;
}

export interface LookupTrace {
  upstream: UpstreamTrace;
  coalesced: boolean;
  storeReadFailed: boolean;
}

export type CacheOutcome = "hit" | "miss" | "refresh";

export interface LookupResult {
  success: UpstreamSuccess;
  outcome: CacheOutcome;
  ageSeconds: number;
  ttlSeconds: number;
}

function fromEntry(entry: CacheEntry): UpstreamSuccess | null {
  const data = upstreamDataSchema.safeParse(entry.body.data);
  return data.success ? { raw: entry.body, data: data.data } : null;
}

async function readFresh(context: LookupContext, key: string): Promise<LookupResult | null> {
  const read = await context.store.get(key);
  if (!read.ok) {
    context.trace.storeReadFailed = true;
    return null;
  }
  const entry = read.entry;
  if (!entry) return null;
  const ageMs = context.deps.now() - entry.storedAt;
  if (ageMs < 0 || ageMs >= entry.ttlSeconds * 1000) return null;
  const success = fromEntry(entry);
  if (!success) return null;
  return { success, outcome: "hit", ageSeconds: Math.floor(ageMs / 1000), ttlSeconds: entry.ttlSeconds };
}

export async function lookupTrend(context: LookupContext, query: UpstreamQuery, refresh: boolean): Promise<LookupResult> {
  const key = cacheKey(query);
  if (!refresh) {
    const hit = await readFresh(context, key);
    if (hit) return hit;
  }
  const flight = context.singleFlight(key, () =>
    fetchUpstream(context.config, context.token, query, context.deps, context.trace.upstream).then((success) => {
      const now = context.deps.now();
      const { settled, ttlSeconds } = ttlPolicy(query.endDate, now, context.config);
      const entry: CacheEntry = { storedAt: now, ttlSeconds, settled, body: success.raw };
      context.defer(
        context.store.put(key, entry).then((written) => {
          if (!written) context.warn("cache write failed; the next request will call the upstream again");
        }),
      );
      return { success, ttlSeconds };
    }),
  );
  context.trace.coalesced = !flight.leader;
  const { success, ttlSeconds } = await flight.promise;
  return { success, outcome: refresh ? "refresh" : "miss", ageSeconds: 0, ttlSeconds };
}
