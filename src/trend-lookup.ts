/**
 * @module The one path from a validated request to upstream data: cache first, then one
 * coalesced upstream call whose validated answer is stored in the background.
 *
 * Both public routes (normalized and drop-in) go through here, so they share entries and
 * savings. Freshness is judged on the gateway's clock; storage failures only cost a miss.
 * Entries outlive their TTL by STALE_IF_ERROR_SECONDS so that, when the upstream fails, a
 * stored answer is served instead of an error (RFC 5861's stale-if-error).
 */
import type { Config } from "./config";
import { cacheKey, ttlPolicy } from "./cache/policy";
import type { CacheEntry, TrendStore } from "./cache/store";
import type { SingleFlight } from "./cache/single-flight";
import { fetchUpstream, type UpstreamDeps, type UpstreamQuery, type UpstreamTrace } from "./upstream-client";
import { upstreamDataSchema, type UpstreamSuccess } from "./schemas/upstream";
import { ProblemError } from "./problem";

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

export type CacheOutcome = "hit" | "miss" | "refresh" | "fallback";

export interface LookupResult {
  success: UpstreamSuccess;
  outcome: CacheOutcome;
  ageSeconds: number;
  ttlSeconds: number;
  /** With outcome "fallback": the upstream failure a stored answer stood in for. */
  failure?: ProblemError;
  refresh: boolean;
}

interface StoredAnswer {
  success: UpstreamSuccess;
  entry: CacheEntry;
  ageMs: number;
}

async function readStored(context: LookupContext, key: string): Promise<StoredAnswer | null> {
  const read = await context.store.get(key);
  if (!read.ok) {
    context.trace.storeReadFailed = true;
    return null;
  }
  const entry = read.entry;
  if (!entry) return null;
  const ageMs = context.deps.now() - entry.storedAt;
  const usableForMs = (entry.ttlSeconds + context.config.STALE_IF_ERROR_SECONDS) * 1000;
  if (ageMs < 0 || ageMs >= usableForMs) return null;
  const data = upstreamDataSchema.safeParse(entry.body.data);
  return data.success ? { success: { raw: entry.body, data: data.data }, entry, ageMs } : null;
}

/** A stored answer may stand in for any upstream failure but the upstream rejecting the parameters. */
function canFallBack(error: unknown): error is ProblemError {
  return error instanceof ProblemError && error.problemType.startsWith("upstream-") && error.problemType !== "upstream-invalid-parameters";
}

export async function lookupTrend(context: LookupContext, query: UpstreamQuery, refresh: boolean): Promise<LookupResult> {
  const key = cacheKey(query);
  // A forced refresh reads too: the stored answer is its fallback if the upstream fails.
  const stored = await readStored(context, key);
  const seconds = (ms: number) => Math.floor(ms / 1000);
  if (stored && !refresh && stored.ageMs < stored.entry.ttlSeconds * 1000) {
    return { success: stored.success, outcome: "hit", ageSeconds: seconds(stored.ageMs), ttlSeconds: stored.entry.ttlSeconds, refresh };
  }
  const flight = context.singleFlight(key, () =>
    fetchUpstream(context.config, context.token, query, context.deps, context.trace.upstream).then((success) => {
      const now = context.deps.now();
      const { settled, ttlSeconds } = ttlPolicy(query.endDate, now, context.config);
      const entry: CacheEntry = { storedAt: now, ttlSeconds, settled, body: success.raw };
      context.defer(
        context.store.put(key, entry, ttlSeconds + context.config.STALE_IF_ERROR_SECONDS).then((written) => {
          if (!written) context.warn("cache write failed; the next request will call the upstream again");
        }),
      );
      return { success, ttlSeconds };
    }),
  );
  context.trace.coalesced = !flight.leader;
  try {
    const { success, ttlSeconds } = await flight.promise;
    return { success, outcome: refresh ? "refresh" : "miss", ageSeconds: 0, ttlSeconds, refresh };
  } catch (error) {
    if (!stored || !canFallBack(error)) throw error;
    return { success: stored.success, outcome: "fallback", ageSeconds: seconds(stored.ageMs), ttlSeconds: stored.entry.ttlSeconds, failure: error, refresh };
  }
}
