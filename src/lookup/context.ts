/**
 * @module Builds the context every lookup needs (configuration, tiered store, spend guard,
 * coalescing) for a request or a scheduled run, from what lives as long as the isolate.
 */
import type { Config } from "../config.ts";
import { loadConfig } from "../config.ts";
import { ProblemError } from "../problem.ts";
import { kvStore, type Store } from "../cache/store.ts";
import { memoryStore } from "../cache/memory-store.ts";
import { tieredStore } from "../cache/tiered-store.ts";
import { createSingleFlight, type SingleFlight } from "../cache/single-flight.ts";
import { createSpendGuard } from "./spend-guard.ts";
import type { LookupContext, LookupTrace } from "./lookup.ts";
import type { Bindings, GatewayDeps } from "../bindings.ts";

/** What one isolate keeps between requests: the coalescing map and the memory tier. */
export interface IsolateState {
  singleFlight: SingleFlight;
  memory?: Store;
}

export function createIsolateState(): IsolateState {
  return { singleFlight: createSingleFlight() };
}

function misconfigured(detail: string): ProblemError {
  return new ProblemError("gateway-misconfigured", { detail });
}

/** The validated configuration and token, or a problem naming what the operator must set. */
export function requireConfigured(env: Bindings): { config: Config; token: string } {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    throw misconfigured(
      `The gateway's configuration is invalid: ${loaded.problems.join("; ")}. Operator: fix these variables in wrangler.toml.`,
    );
  }
  const token = loaded.config.JUSTONEAPI_TOKEN;
  if (!token) throw misconfigured("The secret JUSTONEAPI_TOKEN is not set. Operator: run `wrangler secret put JUSTONEAPI_TOKEN`.");
  for (const binding of ["CACHE", "KEYS"] as const) {
    if (!env[binding]) {
      throw misconfigured(
        `The KV namespace binding ${binding} is missing. Operator: create it (\`wrangler kv namespace create ${binding}\`) and put its id in wrangler.toml.`,
      );
    }
  }
  return { config: loaded.config, token };
}

/** Background work for `ctx.waitUntil`: it never delays the answer, and its failure is its own. */
export function deferTo(ctx: Pick<ExecutionContext, "waitUntil">): (work: Promise<unknown>) => void {
  return (work) => ctx.waitUntil(work.catch(() => undefined));
}

export interface ContextParts {
  env: Bindings;
  deps: GatewayDeps;
  isolate: IsolateState;
  trace: LookupTrace;
  defer: (work: Promise<unknown>) => void;
  warn: (message: string) => void;
}

export function createLookupContext(parts: ContextParts): LookupContext {
  const { config, token } = requireConfigured(parts.env);
  parts.isolate.memory ??= memoryStore({ maxBytes: config.MEMORY_CACHE_BYTES, now: parts.deps.now });
  const store = timedReads(tieredStore(parts.isolate.memory, kvStore(parts.env.CACHE), config.MEMORY_CACHE_SECONDS), parts.trace);
  return {
    config,
    token,
    store,
    singleFlight: parts.isolate.singleFlight,
    guard: createSpendGuard(store, config, parts.deps.now, parts.defer),
    deps: parts.deps,
    trace: parts.trace,
    defer: parts.defer,
    warn: parts.warn,
  };
}

export function newTrace(): LookupTrace {
  return { upstream: { attempts: 0, elapsedMs: 0 }, coalesced: false, storeReadFailed: false, reusedDays: 0, storeMs: 0 };
}

/** Adds the time spent reading the cache to the trace (Server-Timing, logs). */
function timedReads(store: Store, trace: LookupTrace): Store {
  return {
    ...store,
    async get(key, options) {
      const started = Date.now();
      try {
        return await store.get(key, options);
      } finally {
        trace.storeMs += Date.now() - started;
      }
    },
  };
}
