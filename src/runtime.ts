/**
 * @module The runtime: every clock, timer, id, randomness, outbound fetch and log sink the
 * gateway uses, and everything one isolate keeps between requests, in one injected object.
 *
 * The Worker's entry builds it from the platform (`platformRuntime`); tests, the benchmark and
 * the OpenAPI build pass their own parts, so no module calls `Date.now`, `setTimeout`,
 * `crypto.randomUUID` or the global `fetch` behind the gateway's back.
 */
import type { Clock } from "./calendar.ts";
import type { LogSink } from "./log.ts";
import type { Store } from "./cache/types.ts";
import { memoryStore } from "./cache/memory-store.ts";
import { createSingleFlight, type SingleFlight } from "./cache/single-flight.ts";
import { consoleSink } from "./log.ts";
import type { UsageBatch } from "./ledger/usage.ts";
import type { UpstreamEndpoint } from "./upstream/request.ts";
import type { Grants } from "./auth/allowance.ts";
import { emptyPool, type LeasePool } from "./ledger/leases.ts";
import type { CallStart } from "./ledger/account-ledger.ts";

/** How long an isolate trusts a key record it read; see auth/client-auth.ts. */
const KEY_MEMORY_BYTES = 256 * 1024;

export interface RuntimeParts {
  /** Outbound HTTP: the upstream and webhook callbacks. */
  fetch: (request: Request) => Promise<Response>;
  now: Clock;
  sleep: (ms: number) => Promise<void>;
  /** A signal that aborts after `ms` (per-attempt upstream timeouts); `cancel` releases its timer. */
  abortAfter: (ms: number) => { signal: AbortSignal; cancel: () => void };
  random: () => number;
  uuid: () => string;
  log: LogSink;
}

/** Calls go to the other upstream path until `until`: `from` answered that it is retired. */
export interface Failover {
  from: UpstreamEndpoint;
  to: UpstreamEndpoint;
  since: number;
  until: number;
}

/** What one isolate keeps between requests. */
export interface IsolateState {
  /** Coalesces concurrent identical upstream calls. */
  singleFlight: SingleFlight;
  /** The memory tier in front of KV, sized by the configuration on first use. */
  memory?: Store;
  /** Key records recently read from KEYS. */
  keyRecords: Store;
  /** The hashes of keys presented here (auth/keys.ts), by key: never leaves the isolate. */
  keyHashes: Map<string, string>;
  /** A KOL coordinator's background refreshes (stale-while-revalidate) by range: one at a time, backing off after failures. */
  refreshes: Map<string, { running: boolean; failures: number; notBefore: number }>;
  /** A gateway isolate's requests for those refreshes by range: until when it does not ask again. */
  refreshAsks: Map<string, number>;
  /** Roster lists this isolate read, by key and name, and until when it trusts them (routes/rosters.ts). */
  rosters: Map<string, { kolIds: string[]; labels: Record<string, string>; until: number }>;
  /** Rate-limit grants per key (or address) in the current window (see auth/allowance.ts). */
  allowances: Map<string, Grants>;
  /** Requests and hits counted per key name, not yet sent to its ledger (see ledger/usage.ts). */
  usage: Map<string, UsageBatch>;
  /** Batches a key's ledger could not take (of another day than the key's batch now), sent again with its next record. */
  unsentUsage: Map<string, UsageBatch[]>;
  /** A fail-over to the other upstream path, remembered until `until` (see upstream/client.ts); the
   * account ledger keeps it for every isolate and hands it over with each admission. */
  upstreamFailover?: Failover;
  /** Whether any client key exists, and until when that answer is trusted. */
  keysExist?: { value: boolean; until: number };
  /** Calls the account's ledger leased to this isolate (ledger/leases.ts). */
  accountLeases: LeasePool<CallStart>;
  /** Calls each key's ledger leased to this isolate, by key name (each with the limit it was leased under). */
  keyLeases: Map<string, LeasePool<number>>;
}

export interface Runtime extends RuntimeParts {
  isolate: IsolateState;
}

function createRuntime(parts: RuntimeParts): Runtime {
  return {
    ...parts,
    isolate: {
      singleFlight: createSingleFlight(),
      keyRecords: memoryStore({ maxBytes: KEY_MEMORY_BYTES, now: parts.now }),
      keyHashes: new Map(),
      refreshes: new Map(),
      refreshAsks: new Map(),
      allowances: new Map(),
      rosters: new Map(),
      usage: new Map(),
      unsentUsage: new Map(),
      accountLeases: emptyPool(),
      keyLeases: new Map(),
    },
  };
}

/** The platform's own clock, timers, ids and fetch, as the deployed Worker uses them. */
export function platformRuntime(overrides: Partial<RuntimeParts> = {}): Runtime {
  return createRuntime({
    fetch: (request) => fetch(request),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    abortAfter: (ms) => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), ms);
      return { signal: controller.signal, cancel: () => clearTimeout(timer) };
    },
    random: Math.random,
    uuid: () => crypto.randomUUID(),
    log: consoleSink,
    ...overrides,
  });
}
