/**
 * @module The production latency model (issue "A miss costs the upstream's time and one hop"): how
 * long each platform call takes on Cloudflare, as adjustable assumptions, and a wrapper that makes
 * a Worker's bindings take that long in local workerd, where every hop is about a millisecond.
 * The same wrapper is put around the gateway (its isolates and its Durable Objects) and the toys,
 * so the two sides of every comparison pay the same for the same call.
 *
 * Every number is an assumption, with where it comes from; change them with the bench's
 * LATENCY_MODEL (JSON, any of the fields) to see how a figure moves.
 */
export interface LatencyModel {
  /** A KV read served from the location's cache (a hot key). */
  kvReadMs: number;
  /** A KV write (to the central store; nothing in the gateway waits for one on a hit). */
  kvWriteMs: number;
  /** A round trip to a KOL's coordinator: placed where its first request came from, so near. */
  coordinatorRttMs: number;
  /** A round trip to a key's ledger (one per key, where the key was first used: a region away). */
  keyLedgerRttMs: number;
  /** A round trip to the account ledger: one object for the whole world, so often a continent away. */
  accountLedgerRttMs: number;
  /** Any other Durable Object (the roster and delivery books): as a key's ledger. */
  otherObjectRttMs: number;
  /** The upstream's answer time. */
  upstreamMs: number;
}

export const PRODUCTION_MODEL: LatencyModel = {
  // Cloudflare's KV documentation: hot reads are served from the location's cache, typically in
  // single-digit milliseconds; 10 ms leaves room for the cache's own lookup.
  kvReadMs: 10,
  // KV writes go to the central store (documented as eventually consistent, up to 60 s to be seen
  // elsewhere); their latency is tens of milliseconds.
  kvWriteMs: 50,
  // Durable Objects run in one location; a request from the same region costs a round trip of a
  // few to 20 ms (Cloudflare's Durable Objects documentation, "data location").
  coordinatorRttMs: 10,
  // One region to a neighbouring one: about 40 ms.
  keyLedgerRttMs: 40,
  // Asia to North America or Europe and back: 120 ms or more (public inter-region RTT tables).
  accountLedgerRttMs: 120,
  otherObjectRttMs: 40,
  // The figure for Just One API's Xingtu endpoints: about 1.5 s an answer.
  upstreamMs: 1500,
};

/** The model from a JSON object of overrides (the bench's LATENCY_MODEL), over the production one. */
export function modelOf(overrides: string | undefined): LatencyModel {
  return { ...PRODUCTION_MODEL, ...(overrides ? (JSON.parse(overrides) as Partial<LatencyModel>) : {}) };
}

const pause = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/** Round trips by Durable Object binding: which object lives where. */
const OBJECT_RTT: Record<string, keyof LatencyModel> = {
  KOL_COORDINATOR: "coordinatorRttMs",
  KEY_LEDGER: "keyLedgerRttMs",
  ACCOUNT_LEDGER: "accountLedgerRttMs",
  ROSTER_BOOK: "otherObjectRttMs",
  DELIVERY_BOOK: "otherObjectRttMs",
};
const KV_READS = new Set(["get", "getWithMetadata", "list"]);
const KV_WRITES = new Set(["put", "delete"]);
/** A stub's own properties, read without a round trip. */
const LOCAL_PROPERTIES = new Set(["id", "name", "then", "toJSON"]);

/**
 * An argument as the object receives it: a function in it (a callback, such as the caller's rate
 * limit charge a miss carries) is called back across the same distance, so it takes the round trip too.
 */
function slowArgument(value: unknown, rttMs: number): unknown {
  if (typeof value === "function") {
    return async (...args: unknown[]) => {
      await pause(rttMs / 2);
      try {
        return await (value as (...args: unknown[]) => unknown)(...args);
      } finally {
        await pause(rttMs / 2);
      }
    };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([name, field]) => [name, slowArgument(field, rttMs)]));
}

/** A stub whose every call takes the round trip: half on the way there, half on the way back. */
function slowStub(stub: object, rttMs: number): object {
  return new Proxy(stub, {
    get(target, property) {
      const value = (target as Record<string | symbol, unknown>)[property];
      if (typeof property !== "string" || LOCAL_PROPERTIES.has(property)) return value;
      return async (...args: unknown[]) => {
        await pause(rttMs / 2);
        try {
          // Reflect.apply: on an RPC stub, `.apply` would itself be a remote method's name.
          const slowed = args.map((arg) => slowArgument(arg, rttMs));
          return await Reflect.apply(value as (...args: unknown[]) => unknown, target, slowed);
        } finally {
          await pause(rttMs / 2);
        }
      };
    },
  });
}

function slowNamespace(namespace: object, rttMs: number): object {
  return new Proxy(namespace, {
    get(target, property) {
      const value = (target as Record<string | symbol, unknown>)[property];
      if (property === "get" || property === "getByName") {
        return (...args: unknown[]) => slowStub(Reflect.apply(value as (...args: unknown[]) => object, target, args), rttMs);
      }
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function slowKv(namespace: object, model: LatencyModel): object {
  return new Proxy(namespace, {
    get(target, property) {
      const value = (target as Record<string | symbol, unknown>)[property];
      if (typeof property !== "string" || typeof value !== "function") return value;
      const ms = KV_READS.has(property) ? model.kvReadMs : KV_WRITES.has(property) ? model.kvWriteMs : 0;
      return async (...args: unknown[]) => {
        await pause(ms);
        return Reflect.apply(value as (...args: unknown[]) => unknown, target, args);
      };
    },
  });
}

/** The Worker's env with each KV namespace and Durable Object namespace taking the model's time. */
export function modelled<E extends object>(env: E): E {
  const model = modelOf((env as { LATENCY_MODEL?: string }).LATENCY_MODEL);
  const wrapped: Record<string, unknown> = { ...(env as Record<string, unknown>) };
  for (const [name, binding] of Object.entries(env)) {
    if (name in OBJECT_RTT) wrapped[name] = slowNamespace(binding as object, model[OBJECT_RTT[name]!]);
    else if (name === "CACHE" || name === "KEYS") wrapped[name] = slowKv(binding as object, model);
  }
  return wrapped as E;
}
