/**
 * @module What every lookup needs, for a request, a scheduled run or a queued delivery: the
 * configuration, the tiered store, the spend guard, the KOLs' coordinators and the runtime, built from what lives as long
 * as the isolate (see runtime.ts).
 */
import type { Config } from "../config/config.ts";
import { requireReady } from "../config/readiness.ts";
import { kvStore } from "../cache/kv-store.ts";
import type { Store } from "../cache/types.ts";
import { memoryStore } from "../cache/memory-store.ts";
import { tieredStore } from "../cache/tiered-store.ts";
import { createSpendGuard, type SpendGuard } from "../ledger/spend-guard.ts";
import type { UpstreamTrace } from "../upstream/client.ts";
import type { Bindings } from "../bindings.ts";
import type { Runtime } from "../runtime.ts";
import type { KolCoordinator } from "../coordination/kol-coordinator.ts";
import type { CallerSpend } from "../ledger/usage.ts";

export interface LookupContext {
  config: Config;
  token: string;
  store: Store;
  guard: SpendGuard;
  /** One coordinator per KOL: where misses are resolved. */
  coordinators: DurableObjectNamespace<KolCoordinator>;
  runtime: Runtime;
  trace: LookupTrace;
  /** Background work that must not delay the response (`ctx.waitUntil`). */
  defer: (work: Promise<unknown>) => void;
  /** A log line about this request that is only known after its response (a failed write). */
  warn: (message: string) => void;
  /** The calling client's limits, which a foreground miss's call must meet (its rate limit's weight, its key's daily limit). */
  caller?: CallerSpend;
}

/** What one request's lookups cost, for the log line, Server-Timing and usage data. */
export interface LookupTrace {
  upstream: UpstreamTrace;
  coalesced: boolean;
  storeReadFailed: boolean;
  /** Days of the range served from stored days rather than this request's upstream answer. */
  reusedDays: number;
  /** Milliseconds spent reading the cache. */
  storeMs: number;
  /** Milliseconds spent waiting for KOL coordinators (their upstream calls included): with
   * `upstream.elapsedMs`, what a miss's hop to its coordinator costs (Server-Timing). */
  coordinatorMs: number;
}

export function newTrace(): LookupTrace {
  return {
    upstream: { attempts: 0, billed: 0, uncertain: 0, elapsedMs: 0 },
    coalesced: false,
    storeReadFailed: false,
    reusedDays: 0,
    storeMs: 0,
    coordinatorMs: 0,
  };
}

/** Background work for `ctx.waitUntil`: it never delays the answer, and its failure is its own. */
export function deferTo(ctx: Pick<ExecutionContext, "waitUntil">): (work: Promise<unknown>) => void {
  return (work) => ctx.waitUntil(work.catch(() => undefined));
}

export interface ContextParts {
  env: Bindings;
  runtime: Runtime;
  trace: LookupTrace;
  defer: (work: Promise<unknown>) => void;
  warn: (message: string) => void;
}

/** Throws the 503 `gateway-misconfigured` problem when the gateway is not ready to look anything up. */
export function createLookupContext(parts: ContextParts): LookupContext {
  const { config, token } = requireReady(parts.env);
  const { runtime, trace } = parts;
  runtime.isolate.memory ??= memoryStore({ maxBytes: config.MEMORY_CACHE_BYTES, now: runtime.now });
  const store = timedReads(tieredStore(runtime.isolate.memory, kvStore(parts.env.CACHE), config.MEMORY_CACHE_SECONDS), trace, runtime.now);
  return {
    config,
    token,
    store,
    guard: createSpendGuard(parts.env.ACCOUNT_LEDGER, config, runtime.now, parts.defer),
    coordinators: parts.env.KOL_COORDINATOR,
    runtime,
    trace,
    defer: parts.defer,
    warn: parts.warn,
  };
}

/** Adds the time spent reading the cache, and whether a read failed, to the trace (Cache-Status,
 * Server-Timing, logs): the one place that sees every read. */
function timedReads(store: Store, trace: LookupTrace, now: () => number): Store {
  return {
    ...store,
    async get(key, options) {
      const started = now();
      const read = await store.get(key, options);
      trace.storeMs += now() - started;
      if (!read.ok) trace.storeReadFailed = true;
      return read;
    },
  };
}
