/**
 * @module The gateway and the emulator in local workerd through Miniflare's API, from the very
 * bundles `wrangler deploy` would upload: what is measured is what ships, with no dev proxy.
 *
 * As on Cloudflare, the Durable Objects do not run in the isolates that serve requests: a third
 * copy of the bundle (`objects`) hosts them, and each gateway copy (`gateway`, `gateway-2`, ...)
 * is its own isolate with its own memory tier, bound to the same objects and KV.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { convertV4MiniflareOptions, Miniflare, type V4WorkerOptions } from "miniflare";
import { generateKey, newKeyRecord, recordWrites } from "../../src/auth/keys.ts";
import type { Toy } from "./toys.ts";

export const GATEWAY_ORIGIN = "http://gateway.bench";
/** The origin of the n-th gateway isolate (0-based); the first is GATEWAY_ORIGIN. */
export const gatewayOrigin = (n: number) => (n === 0 ? GATEWAY_ORIGIN : `http://gateway-${n + 1}.bench`);
export const EMULATOR_ORIGIN = "http://emulator.bench";
const COMPATIBILITY_DATE = "2026-11-01";

export interface Bundle {
  path: string;
  bytes: number;
  gzipBytes: number;
}

/** Builds into `.wrangler/` (ignored by git): workerd resolves modules below the working directory.
 * `entry` replaces the configuration's `main` (the latency model's wrapped gateway); `minify: false`
 * keeps the functions' names (a CPU profile's). */
export function buildBundle(name: string, config: string, entry?: string, { minify = true } = {}): Bundle {
  const outdir = resolve(".wrangler", "bench-build", name);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  execFileSync(
    process.execPath,
    [
      "node_modules/wrangler/bin/wrangler.js",
      "deploy",
      ...(entry ? [entry] : []),
      "--dry-run",
      "--config",
      config,
      "--outdir",
      outdir,
      ...(minify ? [] : ["--no-minify"]),
    ],
    {
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      stdio: "pipe",
    },
  );
  const file = readdirSync(outdir).find((entry) => entry.endsWith(".js"));
  if (!file) throw new Error(`wrangler produced no bundle for ${config}`);
  const path = join(outdir, file);
  const source = readFileSync(path);
  return { path, bytes: source.length, gzipBytes: gzipSync(source).length };
}

export interface RuntimeOptions {
  gateway: Bundle;
  emulator: Bundle;
  emulatorLatencyMs: number;
  /** The gateway's variables; the toys get LATENCY_MODEL from them too, so a changed model moves both sides. */
  vars?: Record<string, string>;
  /** Listen on a loopback port (for a load driver in another process); otherwise dispatchFetch only. */
  listen?: boolean;
  /** Local KV storage to open (wrangler's layout: `<dir>/v3/kv`), e.g. where `npm run key` wrote. */
  persistTo?: string;
  /** Requests per minute for each tier; by default high enough never to interfere with a measurement. */
  limits?: { standard: number; bulk: number };
  /** Keep the gateway's error-level log lines to itself (scenarios that expect 503s). */
  quiet?: boolean;
  /** Gateway isolates (default 1). */
  isolates?: number;
  /** Baseline Workers beside the gateway (toys.ts), with the same KV and outbound route. */
  toys?: Toy[];
}

const DURABLE_OBJECTS = {
  KEY_LEDGER: "KeyLedger",
  DELIVERY_BOOK: "DeliveryBook",
  KOL_COORDINATOR: "KolCoordinator",
  ACCOUNT_LEDGER: "AccountLedger",
  ROSTER_BOOK: "RosterBook",
} as const;
const OBJECTS_WORKER = "objects";
/** Webhook callbacks go here (and are not delivered: the bench runs no consumer). */
export const CALLBACK_HOST = "hooks.bench";

/** wrangler.toml's KV bindings have no id: local storage is keyed by the binding's name. */
const CACHE_NAMESPACE_ID = "CACHE";
const KEYS_NAMESPACE_ID = "KEYS";

/** Requests to GATEWAY_ORIGIN reach the gateway, to EMULATOR_ORIGIN the emulator directly; the
 * gateway's own upstream fetches are routed to the emulator as its outbound service. */
export async function startRuntime(options: RuntimeOptions): Promise<Miniflare> {
  // Miniflare 5 takes a new option shape; the v4 shape, converted, stays close to wrangler.toml.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      // The gateway logs one line per request; thousands of them would bury the results.
      host: "127.0.0.1",
      port: options.listen ? 0 : undefined,
      resourcePersistencePath: options.persistTo ? join(options.persistTo, "v3") : undefined,
      handleStructuredLogs(log) {
        if (log.level === "error" && !options.quiet) process.stderr.write(`${log.message}\n`);
      },
      workers: [
        ...Array.from({ length: options.isolates ?? 1 }, (_, n) => ({
          ...gatewayWorker(options),
          name: n === 0 ? "gateway" : `gateway-${n + 1}`,
          routes: [`${new URL(gatewayOrigin(n)).host}/*`],
          durableObjects: Object.fromEntries(
            Object.entries(DURABLE_OBJECTS).map(([binding, className]) => [binding, { className, scriptName: OBJECTS_WORKER }]),
          ),
        })),
        {
          ...gatewayWorker(options),
          name: OBJECTS_WORKER,
          durableObjects: Object.fromEntries(
            Object.entries(DURABLE_OBJECTS).map(([binding, className]) => [binding, { className, useSQLite: true }]),
          ),
        },
        ...(options.toys ?? []).flatMap((toy) => toyWorkers(toy, options.vars?.LATENCY_MODEL)),
        {
          name: "emulator",
          modules: true,
          scriptPath: options.emulator.path,
          compatibilityDate: COMPATIBILITY_DATE,
          routes: ["emulator.bench/*", "api.justoneapi.com/*"],
          bindings: { EMULATOR_LATENCY_MS: String(options.emulatorLatencyMs) },
        },
      ],
    }),
  );
  await mf.ready;
  return mf;
}

/** Writes a client key into the runtime's KEYS namespace, as `npm run key -- create` would. */
export async function seedClientKey(mf: Miniflare, name: string): Promise<string> {
  const key = generateKey();
  const record = await newKeyRecord(key, { name, tier: "bulk", permissions: ["refresh"] }, new Date());
  // Miniflare types its KV as the Workers type, which Node-side code does not load: this much is used.
  const keys = (await mf.getKVNamespace("KEYS", "gateway")) as unknown as {
    put(name: string, value: string, options: { metadata: object }): Promise<void>;
  };
  for (const write of recordWrites(record)) await keys.put(write.name, write.value, { metadata: write.metadata });
  return key;
}

/** A toy's Worker and, when it has Durable Objects, the Worker they run in (as the gateway's objects do), under the gateway's latency model. */
function toyWorkers(toy: Toy, latencyModel: string | undefined): V4WorkerOptions[] {
  const worker = {
    modules: true,
    scriptPath: toy.path,
    compatibilityDate: COMPATIBILITY_DATE,
    kvNamespaces: { CACHE: CACHE_NAMESPACE_ID },
    outboundService: "emulator",
    bindings: latencyModel === undefined ? {} : ({ LATENCY_MODEL: latencyModel } as Record<string, string>),
  };
  const objects = Object.entries(toy.objects ?? {});
  if (objects.length === 0) return [{ ...worker, name: toy.name, routes: [`${toy.host}/*`] }];
  const objectsWorker = `${toy.name}-objects`;
  return [
    {
      ...worker,
      name: toy.name,
      routes: [`${toy.host}/*`],
      durableObjects: Object.fromEntries(objects.map(([binding, className]) => [binding, { className, scriptName: objectsWorker }])),
    },
    {
      ...worker,
      name: objectsWorker,
      durableObjects: Object.fromEntries(objects.map(([binding, className]) => [binding, { className, useSQLite: true }])),
    },
  ];
}

/** What every copy of the gateway bundle shares: the code, KV, limits, queue, variables and outbound route. */
function gatewayWorker(options: RuntimeOptions) {
  return {
    modules: true,
    scriptPath: options.gateway.path,
    compatibilityDate: COMPATIBILITY_DATE,
    kvNamespaces: { CACHE: CACHE_NAMESPACE_ID, KEYS: KEYS_NAMESPACE_ID },
    queueProducers: { DELIVERIES: "xingtu-edge-deliveries" },
    ratelimits: {
      RATE_LIMIT_STANDARD: { namespace_id: "1001", simple: { limit: options.limits?.standard ?? 1_000_000_000, period: 60 as const } },
      RATE_LIMIT_BULK: { namespace_id: "1002", simple: { limit: options.limits?.bulk ?? 1_000_000_000, period: 60 as const } },
      RATE_LIMIT_AUTH_FAILURES: { namespace_id: "1003", simple: { limit: 1_000_000_000, period: 60 as const } },
    },
    bindings: {
      JUSTONEAPI_TOKEN: "bench-upstream-token",
      UPSTREAM_BASE_URL: "https://api.justoneapi.com",
      WEBHOOK_SIGNING_SECRET: "bench-signing-secret-not-for-production",
      CALLBACK_HOSTS: CALLBACK_HOST,
      // The bench measures speed and calls, not the spending bounds: lifted, as an operator would.
      UPSTREAM_DAILY_BUDGET: "0",
      KEY_DAILY_UPSTREAM_CALLS: "0",
      ...options.vars,
    },
    outboundService: "emulator",
  };
}
