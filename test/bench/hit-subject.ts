/**
 * @module What the hit-CPU benchmark times, bundled by esbuild so Node can run the gateway's own
 * app in-process: a request through every middleware to a cache hit from the isolate's memory,
 * and `/healthz` beside it. The platform's bindings are in-memory stand-ins; a hit touches none of
 * them but the rate limiter (once per grant). The first request is a miss, resolved the way an
 * isolate does when its KOL's coordinator cannot be reached, against the emulator.
 */
import { createApp } from "../../src/app.ts";
import { platformRuntime } from "../../src/runtime.ts";
import { newKeyRecord, recordWrites } from "../../src/auth/keys.ts";
import { createEmulator } from "../../tools/emulator/emulator.ts";

/** A KV namespace in memory, as much of one as the gateway uses. */
function memoryKv() {
  const values = new Map<string, string>();
  return {
    async get(key: string, options?: { type?: string }) {
      const value = values.get(key);
      return value === undefined ? null : options?.type === "json" ? JSON.parse(value) : value;
    },
    async put(key: string, value: string) {
      values.set(key, value);
    },
    async delete(key: string) {
      values.delete(key);
    },
    async list() {
      return { keys: [...values.keys()].map((name) => ({ name })), list_complete: true };
    },
  };
}

const unreachable = () => {
  throw new Error("no Durable Object here");
};
const namespace = (stub: object) => ({ idFromName: (name: string) => name, get: () => stub });

export async function hitSubject() {
  const emulator = createEmulator();
  const KEYS = memoryKv();
  const key = "xe_bench-hit-subject-key";
  const record = await newKeyRecord(key, { name: "bench", tier: "bulk", permissions: [] }, new Date());
  for (const write of recordWrites(record)) await KEYS.put(write.name, write.value);
  const env = {
    JUSTONEAPI_TOKEN: "bench-token",
    WEBHOOK_SIGNING_SECRET: "bench-signing-secret-0123456789",
    KEYS,
    CACHE: memoryKv(),
    RATE_LIMIT_STANDARD: { limit: async () => ({ success: true }) },
    RATE_LIMIT_BULK: { limit: async () => ({ success: true }) },
    RATE_LIMIT_AUTH_FAILURES: { limit: async () => ({ success: true }) },
    USAGE: { writeDataPoint: () => undefined },
    KOL_COORDINATOR: namespace({ resolve: unreachable, revalidate: unreachable }),
    ACCOUNT_LEDGER: namespace({
      admit: async () => ({ ok: true, reservation: 1, failover: null }),
      record: async () => undefined,
      day: async (day: string) => ({ day, calls: 1, billed: 1, reserved: 0, breaker: null, failover: null }),
    }),
    // Every key has a daily limit now (KEY_DAILY_UPSTREAM_CALLS): the one miss is admitted by its ledger.
    KEY_LEDGER: namespace({ admit: async () => ({ ok: true, reservation: 1 }), record: async () => undefined }),
  };
  const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} };
  // The log line is built as the platform's is; only writing it out is left to the platform.
  const runtime = platformRuntime({ fetch: (request) => emulator.fetch(request), log: (entry) => void JSON.stringify(entry) });
  const app = createApp(runtime);
  const headers = { Authorization: `Bearer ${key}` };
  const hitUrl = "https://gateway.bench/v1/kols/1001/daily-fans?startDate=2026-01-01&endDate=2026-03-31";
  const send = async (url: string) => {
    const response = await app.fetch(new Request(url, { headers }), env as never, ctx as never);
    await response.arrayBuffer();
    return response;
  };
  const first = await send(hitUrl);
  if (first.status !== 200) throw new Error(`the first request answered ${first.status}`);
  return {
    hit: () => send(hitUrl),
    healthz: () => send("https://gateway.bench/healthz"),
  };
}
