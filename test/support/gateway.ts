/**
 * A gateway app wired to an in-process emulator, a controllable clock and a captured log, run
 * through `app.request` with a real execution context so background KV writes can be awaited.
 */
import { runWatches } from "../../src/alerts/watch-run.ts";
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { createApp } from "../../src/app.ts";
import { createSpendGuard } from "../../src/ledger/spend-guard.ts";
import { requireReady } from "../../src/config/readiness.ts";
import type { KolCoordinator } from "../../src/coordination/kol-coordinator.ts";
import type { Runtime } from "../../src/runtime.ts";
import { createEmulator, type EmulatorOptions } from "../../tools/emulator/emulator.ts";
import type { LogFields } from "../../src/log.ts";
import type { Bindings } from "../../src/bindings.ts";
import { platformRuntime } from "../../src/runtime.ts";
import { scheduledHandler, warmWatchList } from "../../src/lookup/warm.ts";
import { queueHandler } from "../../src/webhooks/consumer.ts";
import { createTestKey, type TestKey } from "./keys.ts";

/** 2026-03-10 12:00 in Shanghai: the sample's range (to 2026-03-08) is settled by then. */
export const FIXED_NOW = Date.parse("2026-03-10T04:00:00Z");

export interface GatewayOptions {
  now?: number;
  env?: Partial<Record<keyof Bindings | string, unknown>>;
  emulator?: EmulatorOptions;
  /** Replace the upstream fetch entirely (for faults the emulator cannot express). */
  fetch?: (request: Request) => Promise<Response>;
  /** Share another test gateway's account ledger (its `account`), as every isolate of a deployment does. */
  account?: string;
  /** Answers the gateway's requests to any host but the upstream's (webhook callbacks). */
  receiver?: (request: Request) => Promise<Response>;
}

const UPSTREAM_HOSTS = new Set(["api.justoneapi.com", "47.117.133.51"]);

export interface RequestOptions extends RequestInit {
  /** Send no client key (or a specific one) instead of the gateway's own test key. */
  as?: string | null;
}

export function makeGateway(options: GatewayOptions = {}) {
  const logs: LogFields[] = [];
  const sleeps: number[] = [];
  const clock = { now: options.now ?? FIXED_NOW };
  // The emulator's "today" (its history depth) is the test's clock.
  const emulator = createEmulator({ now: () => clock.now, ...options.emulator });
  let upstreamFetches = 0;
  const upstream = options.fetch ?? emulator.fetch;
  // The platform's timers and ids; the upstream, the clock, sleeping and the log are the test's.
  const runtime = platformRuntime({
    fetch: (request) => {
      if (!UPSTREAM_HOSTS.has(new URL(request.url).hostname)) {
        return options.receiver ? options.receiver(request) : Promise.resolve(new Response("no receiver", { status: 404 }));
      }
      upstreamFetches++;
      return upstream(request);
    },
    now: () => clock.now,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.now += ms;
    },
    random: () => 0.5,
    log: (fields) => logs.push(fields),
  });
  const isolate = runtime.isolate;
  const app = createApp(runtime);
  // Test gateways ask the upstream for exactly the missing days (UPSTREAM_FETCH_DAYS=1), as the
  // suite's tests of windows, faults and odd answers expect; a test of wide calls sets its own
  // (undefined: the configuration's default, as deployed; test/integration/wide-calls.test.ts).
  const exactCalls: GatewayOptions["env"] = { UPSTREAM_FETCH_DAYS: "1" };
  const testEnv = Object.assign({}, env, exactCalls, options.env) as Bindings;
  // This gateway's own account ledger (the budget and breaker of one test: other objects than the
  // production name gives), and coordinators that
  // work with its clock, upstream and log.
  const account = options.account ?? `gateway-${crypto.randomUUID()}`;
  if (!options.env || !("ACCOUNT_LEDGER" in options.env))
    testEnv.ACCOUNT_LEDGER = wrapNamespace(env.ACCOUNT_LEDGER, { rename: (name) => `${name}:${account}` });
  if (!options.env || !("KOL_COORDINATOR" in options.env))
    testEnv.KOL_COORDINATOR = adopting(env.KOL_COORDINATOR, { env: testEnv, runtime });
  let client: Promise<TestKey> | undefined;

  /** Sends a request with the gateway's test client key (bulk tier, refresh allowed) unless told otherwise. */
  async function request(path: string, init: RequestOptions = {}): Promise<Response> {
    const { as, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (as === undefined && !headers.has("Authorization")) {
      client ??= createTestKey(env.KEYS);
      headers.set("Authorization", `Bearer ${(await client).key}`);
    } else if (typeof as === "string") {
      headers.set("Authorization", `Bearer ${as}`);
    }
    const ctx = createExecutionContext();
    const response = await app.request(path, { ...rest, headers }, testEnv, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }

  /** Closes the spend guard, as `npm run guard -- clear` does (through the guard, with the gateway's budget). */
  async function clearGuard(): Promise<boolean> {
    const { config } = requireReady(testEnv);
    return createSpendGuard(
      testEnv.ACCOUNT_LEDGER,
      config,
      () => clock.now,
      () => undefined,
    ).clear();
  }

  /** Runs the warm-list Cron Trigger once, at the gateway's clock, and waits for its writes. */
  async function runScheduled() {
    const ctx = createExecutionContext();
    const report = await warmWatchList(testEnv, runtime, (work) => ctx.waitUntil(work));
    await waitOnExecutionContext(ctx);
    return report;
  }

  /** Runs the hourly Cron Trigger's handler (warm list, then the watches in their hours) at the gateway's clock. */
  async function runCron() {
    const ctx = createExecutionContext();
    await scheduledHandler(runtime)({ scheduledTime: clock.now, cron: "7 * * * *", noRetry: () => undefined }, testEnv, ctx);
    await waitOnExecutionContext(ctx);
  }

  /** Runs the daily watch run once, at the gateway's clock, and waits for its writes. */
  async function runWatchesNow() {
    const ctx = createExecutionContext();
    const report = await runWatches(testEnv, runtime, (work) => ctx.waitUntil(work));
    await waitOnExecutionContext(ctx);
    return report;
  }

  /** Runs the delivery queue's consumer on these messages, as the runtime would. */
  async function runQueue(messages: { body: unknown; attempts?: number }[]) {
    const batch = createMessageBatch(
      "xingtu-edge-deliveries",
      messages.map((message, i) => ({
        id: `message-${i}`,
        timestamp: new Date(clock.now),
        attempts: message.attempts ?? 1,
        body: message.body,
      })),
    );
    // The runtime's result does not report retry delays; record them on the way.
    const delays: (number | undefined)[] = [];
    for (const message of batch.messages) {
      const retry = message.retry.bind(message);
      message.retry = (options) => {
        delays.push(options?.delaySeconds);
        retry(options);
      };
    }
    const ctx = createExecutionContext();
    await queueHandler(runtime)(batch, testEnv, ctx);
    return { ...(await getQueueResult(batch, ctx)), delays };
  }

  return {
    app,
    account,
    isolate,
    clearGuard,
    runScheduled,
    runWatchesNow,
    runCron,
    runQueue,
    emulator,
    logs,
    sleeps,
    clock,
    env: testEnv,
    request,
    get upstreamFetches() {
      return upstreamFetches;
    },
  };
}

export const trendPath = (kolId: string, startDate: string, endDate: string, extra = "") =>
  `/v1/kols/${kolId}/daily-fans?startDate=${startDate}&endDate=${endDate}${extra}`;

export const dropInPath = (kolId: string, startDate: string, endDate: string, extra = "") =>
  `/api/douyin-xingtu/get-kol-daily-fans/v1?kolId=${kolId}&startDate=${startDate}&endDate=${endDate}${extra}`;

/** A KOL id unique to the calling test, since KV storage is shared within a test file. */
export function uniqueKol(): string {
  const digits = crypto.getRandomValues(new Uint32Array(2)).join("");
  return `1${digits}`.slice(0, 20);
}

/** A namespace in front of `namespace`: names pass through `rename`, objects through `get` (by default, as they are). */
export function wrapNamespace<T extends Rpc.DurableObjectBranded | undefined>(
  namespace: DurableObjectNamespace<T>,
  through: { rename?: (name: string) => string; get?: (id: DurableObjectId) => DurableObjectStub<T> },
): DurableObjectNamespace<T> {
  const rename = through.rename ?? ((name) => name);
  return Object.assign(Object.create(namespace) as DurableObjectNamespace<T>, {
    idFromName: (name: string) => namespace.idFromName(rename(name)),
    get: through.get ?? ((id: DurableObjectId) => namespace.get(id)),
  });
}

/**
 * KOL coordinators that take the test gateway's bindings, clock, upstream and log before each
 * call (the objects run in this test's isolate, so they reach them through RPC), but keep what an
 * object keeps for itself (its refreshes, its coalescing), as on Cloudflare.
 */
function adopting(
  namespace: DurableObjectNamespace<KolCoordinator>,
  deps: { env: Bindings; runtime: Runtime },
): DurableObjectNamespace<KolCoordinator> {
  const get = (id: DurableObjectId) => {
    const stub = namespace.get(id);
    const adopt = () =>
      runInDurableObject(stub, (instance: KolCoordinator) => {
        instance.deps = { env: deps.env, runtime: { ...deps.runtime, isolate: instance.deps.runtime.isolate } };
      });
    return {
      resolve: async (...args: Parameters<KolCoordinator["resolve"]>) => (await adopt(), stub.resolve(...args)),
      revalidate: async (...args: Parameters<KolCoordinator["revalidate"]>) => (await adopt(), stub.revalidate(...args)),
      quote: async (...args: Parameters<KolCoordinator["quote"]>) => (await adopt(), stub.quote(...args)),
    } as unknown as DurableObjectStub<KolCoordinator>;
  };
  return wrapNamespace(namespace, { get });
}

/** A Durable Object namespace whose every call fails, as one that cannot be reached does. */
export const unreachableNamespace = () =>
  ({
    idFromName: (name: string) => name,
    get: () => new Proxy({}, { get: () => () => Promise.reject(new Error("Durable Object unreachable")) }),
  }) as unknown as DurableObjectNamespace;
