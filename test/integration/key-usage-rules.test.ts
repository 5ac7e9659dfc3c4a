/**
 * A key's usage as its requests count it (src/ledger/usage.ts): which callers are counted, what
 * counts as a hit, when a miss's record reaches the key's ledger (so other isolates see it), what
 * a refused miss leaves behind, and the key's limit on webhook deliveries, which are made outside
 * any client request. What the key sees is `/v1/usage`; calls are the emulator's own log.
 */
import type { Usage } from "../../src/schemas/operations.ts";
import { TEST_STANDARD_LIMIT } from "../support/constants.ts";
import { startInOneRateWindow } from "../support/rate-window.ts";
import { reset } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol, wrapNamespace } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import type { KeyLedger } from "../../src/ledger/key-ledger.ts";

// The spend guard is per test gateway, but KV and the key ledgers are shared in a file.
afterEach(() => reset());

type Gateway = ReturnType<typeof makeGateway>;

const RANGE = ["2026-03-01", "2026-03-05"] as const;
const DAY_MS = 24 * 3600 * 1000;

async function usageOf(gateway: Gateway, key: string): Promise<Usage> {
  const response = await gateway.request("/v1/usage", { as: key });
  expect(response.status).toBe(200);
  return response.json<Usage>();
}

/** The key ledgers, but cut off (every call fails) while `cut.off` is true. */
function switchableLedgers() {
  const cut = { off: false };
  const failing = new Proxy({}, { get: () => () => Promise.reject(new Error("Durable Object unreachable")) });
  const ledgers = wrapNamespace(env.KEY_LEDGER as DurableObjectNamespace<KeyLedger>, {
    get: (id) => (cut.off ? (failing as DurableObjectStub<KeyLedger>) : env.KEY_LEDGER.get(id)),
  });
  return { ledgers, cut };
}

describe("which requests a key's usage counts", () => {
  it("serves anonymous callers under PUBLIC_ACCESS, who have no usage to count", async () => {
    const gateway = makeGateway({ env: { PUBLIC_ACCESS: "true" } });
    const miss = await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: null });
    expect(miss.status).toBe(200);
    expect(miss.headers.get("Xingtu-Upstream-Calls")).toBe("1");
  });

  it("serves a key's misses without a limit on a gateway that has no key ledger bound", async () => {
    const gateway = makeGateway({ env: { KEY_LEDGER: undefined } });
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 1 });
    // Nothing can admit or count the key's calls, so nothing refuses them.
    for (let i = 0; i < 2; i++) expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(200);
    expect(gateway.emulator.requests).toHaveLength(2);
  });

  it("counts a request that failed as a request, not as a hit", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS);
    gateway.emulator.queueFaults({ kind: "code", code: 500 });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(502);
    expect(await usageOf(gateway, key)).toMatchObject({ requests: 1, hits: 0, upstreamCalls: 1 });
  });

  it("counts a stale answer served while it is revalidated as a hit", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS);
    const path = trendPath(uniqueKol(), ...RANGE);
    await gateway.request(path, { as: key });
    // A week on (the settled answer's TTL) and a minute: within the stale-while-revalidate grace.
    gateway.clock.now += 7 * DAY_MS + 60_000;
    const stale = await gateway.request(path, { as: key });
    expect(stale.headers.get("Cache-Status")).toMatch(/stale-while-revalidate/);
    expect(await usageOf(gateway, key)).toMatchObject({ day: "2026-03-17", requests: 1, hits: 1 });
  });
});

describe("when a key's usage reaches its ledger", () => {
  it("a miss of a key without a limit is counted at once, as another isolate's /v1/usage shows", async () => {
    const gateway = makeGateway({ env: { KEY_DAILY_UPSTREAM_CALLS: "0" } });
    const { key } = await createTestKey(env.KEYS);
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    // Another isolate has no batch of this key's to send: it reads what the ledger holds.
    const other = makeGateway({ env: { KEY_DAILY_UPSTREAM_CALLS: "0" } });
    expect(await usageOf(other, key)).toMatchObject({ requests: 1, upstreamCalls: 1 });
  });

  it("hits counted before a /v1/usage that could not reach the ledger are in the next one", async () => {
    const { ledgers, cut } = switchableLedgers();
    const gateway = makeGateway({ env: { KEY_LEDGER: ledgers } });
    const { key } = await createTestKey(env.KEYS);
    const path = trendPath(uniqueKol(), ...RANGE);
    for (let i = 0; i < 3; i++) await gateway.request(path, { as: key });
    cut.off = true;
    const refused = await gateway.request("/v1/usage", { as: key });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ detail: expect.stringContaining("The key's ledger could not be reached") });
    cut.off = false;
    expect(await usageOf(gateway, key)).toMatchObject({ requests: 3, hits: 2, upstreamCalls: 1 });
  });

  it("a miss whose record could not reach the ledger is counted with the next one: a paid call is never left out", async () => {
    const { ledgers, cut } = switchableLedgers();
    // No daily limit, so the miss needs no admission from the ledger that is cut off.
    const gateway = makeGateway({ env: { KEY_LEDGER: ledgers, KEY_DAILY_UPSTREAM_CALLS: "0" } });
    const { key } = await createTestKey(env.KEYS);
    cut.off = true;
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(200);
    cut.off = false;
    // Without a daily limit, nothing is "left": the key's remaining calls are none to count.
    expect(await usageOf(gateway, key)).toMatchObject({ requests: 1, upstreamCalls: 1, billedCalls: 1, remainingUpstreamCalls: null });
  });

  it("a batch the ledger took before /v1/usage failed to read is not sent again", async () => {
    const reads = { fail: false };
    const ledgers = wrapNamespace(env.KEY_LEDGER as DurableObjectNamespace<KeyLedger>, {
      get: (id) => {
        const stub = env.KEY_LEDGER.get(id);
        return new Proxy(stub, {
          get: (target, name) =>
            name === "usageNow" && reads.fail ? () => Promise.reject(new Error("unreachable")) : Reflect.get(target, name),
        }) as DurableObjectStub<KeyLedger>;
      },
    });
    const gateway = makeGateway({ env: { KEY_LEDGER: ledgers } });
    const { key } = await createTestKey(env.KEYS);
    const path = trendPath(uniqueKol(), ...RANGE);
    for (let i = 0; i < 3; i++) await gateway.request(path, { as: key });
    reads.fail = true;
    expect((await gateway.request("/v1/usage", { as: key })).status).toBe(503);
    reads.fail = false;
    expect(await usageOf(gateway, key)).toMatchObject({ requests: 3, hits: 2, upstreamCalls: 1 });
  });

  it("a paid call of a day the ledger could not take is counted on its own day, after the day rolled over", async () => {
    const { ledgers, cut } = switchableLedgers();
    const gateway = makeGateway({ env: { KEY_LEDGER: ledgers, KEY_DAILY_UPSTREAM_CALLS: "0" } });
    const { key } = await createTestKey(env.KEYS);
    cut.off = true;
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    gateway.clock.now += 24 * 3600 * 1000;
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    cut.off = false;
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    const { history } = await usageOf(gateway, key);
    expect(history.slice(-2).map((day) => [day.day, day.upstreamCalls])).toEqual([
      ["2026-03-10", 1],
      ["2026-03-11", 2],
    ]);
    // A day without use is in the history as zeros.
    expect(history.at(-3)).toMatchObject({ day: "2026-03-09", upstreamCalls: 0, billedCalls: 0, uncertainCalls: 0 });
    // Sent once: the next record does not send the earlier day's batch again.
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    const after = (await usageOf(gateway, key)).history;
    expect(after.slice(-2).map((day) => [day.day, day.upstreamCalls])).toEqual([
      ["2026-03-10", 1],
      ["2026-03-11", 3],
    ]);
  });

  it("a miss's record refused while a later request's batch waits is added to that batch: counted once, sent with it, on the earlier one's time", async () => {
    // The key's ledger refuses records while `held` is set, once `release` is called.
    let release = () => {};
    let reached = () => {};
    const held = { on: false, reached: new Promise<void>((resolve) => (reached = resolve)) };
    const ledgers = wrapNamespace(env.KEY_LEDGER as DurableObjectNamespace<KeyLedger>, {
      get: (id) =>
        new Proxy(env.KEY_LEDGER.get(id), {
          get: (target, name) =>
            name === "record" && held.on
              ? () => {
                  reached();
                  return new Promise((_, reject) => (release = () => reject(new Error("unreachable"))));
                }
              : Reflect.get(target, name),
        }) as DurableObjectStub<KeyLedger>,
    });
    const gateway = makeGateway({ env: { KEY_LEDGER: ledgers, KEY_DAILY_UPSTREAM_CALLS: "0" } });
    const { key, record } = await createTestKey(env.KEYS);
    const cached = trendPath(uniqueKol(), ...RANGE);
    await gateway.request(cached, { as: key });
    const before = await env.KEY_LEDGER.get(env.KEY_LEDGER.idFromName(record.name)).usage("2026-03-10");

    held.on = true;
    const miss = gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    await held.reached;
    // Ten seconds later a hit starts the key's next batch, which waits in the isolate.
    gateway.clock.now += 10_000;
    expect((await gateway.request(cached, { as: key })).status).toBe(200);
    held.on = false;
    release();
    expect((await miss).status).toBe(200);

    // A minute after the miss (fifty seconds after the hit), the next hit finds the batch due.
    gateway.clock.now += 50_000;
    await gateway.request(cached, { as: key });
    const after = await env.KEY_LEDGER.get(env.KEY_LEDGER.idFromName(record.name)).usage("2026-03-10");
    expect({ requests: after.requests - before.requests, hits: after.hits - before.hits, calls: after.calls - before.calls }).toEqual({
      requests: 3,
      hits: 2,
      calls: 1,
    });
  });

  it("a /v1/usage whose history cannot be read says it is the key's ledger", async () => {
    const ledgers = wrapNamespace(env.KEY_LEDGER as DurableObjectNamespace<KeyLedger>, {
      get: (id) =>
        new Proxy(env.KEY_LEDGER.get(id), {
          get: (target, name) => (name === "history" ? () => Promise.reject(new Error("unreachable")) : Reflect.get(target, name)),
        }) as DurableObjectStub<KeyLedger>,
    });
    const gateway = makeGateway({ env: { KEY_LEDGER: ledgers } });
    const { key } = await createTestKey(env.KEYS);
    const response = await gateway.request("/v1/usage", { as: key });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ detail: expect.stringContaining("The key's ledger could not be reached") });
  });

  it("a /v1/usage that cannot reach the ledger says it is the key's ledger", async () => {
    const { ledgers, cut } = switchableLedgers();
    const gateway = makeGateway({ env: { KEY_LEDGER: ledgers } });
    const { key } = await createTestKey(env.KEYS);
    cut.off = true;
    const response = await gateway.request("/v1/usage", { as: key });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      type: "/problems/ledger-unavailable",
      detail: expect.stringContaining("The key's ledger could not be reached"),
    });
  });
});

describe("a key's admitted miss", () => {
  it("that cannot reach the key's ledger is refused, naming the key's ledger", async () => {
    const { ledgers, cut } = switchableLedgers();
    const gateway = makeGateway({ env: { KEY_LEDGER: ledgers } });
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 5 });
    cut.off = true;
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      type: "/problems/ledger-unavailable",
      detail: expect.stringContaining("The key's ledger could not be reached"),
    });
    expect(gateway.emulator.requests).toHaveLength(0);
  });

  it("that the spend guard then refuses gives its admission back: the key's next miss is admitted", async () => {
    const gateway = makeGateway();
    const opener = await createTestKey(env.KEYS);
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 1 });
    gateway.emulator.queueFaults({ kind: "code", code: 303 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: opener.key });
    // The key's ledger admits this miss; the account's breaker refuses it before any call.
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(503);
    await gateway.clearGuard();
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(200);
  });
});

describe("a webhook delivery's data, fetched for the key that asked", () => {
  const WEBHOOK = "/v1/webhooks/daily-fans";

  /** A gateway that queues deliveries for the test to run, and a receiver that keeps their payloads. */
  function deliveryGateway(options: { env?: Record<string, unknown> } = {}) {
    const sent: unknown[] = [];
    const payloads: { status: string; error?: { type: string }; upstreamCalls: number }[] = [];
    const gateway = makeGateway({
      env: {
        WEBHOOK_SIGNING_SECRET: "test-webhook-master-secret-0123456789",
        CALLBACK_HOSTS: "receiver.test",
        DELIVERIES: { send: async (message: unknown) => void sent.push(message) },
        ...options.env,
      },
      receiver: async (request) => {
        payloads.push(await request.json());
        return new Response(null, { status: 204 });
      },
    });
    const deliver = async (key: string) => {
      const accepted = await gateway.request(WEBHOOK, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ kolId: uniqueKol(), startDate: RANGE[0], endDate: RANGE[1], callbackUrl: "https://receiver.test/hook" }),
        as: key,
      });
      expect(accepted.status).toBe(202);
      await gateway.runQueue(sent.splice(0).map((body) => ({ body })));
      return payloads.at(-1)!;
    };
    return { gateway, deliver };
  }

  it("is admitted by the key's ledger and counted against its limit", async () => {
    const { gateway, deliver } = deliveryGateway();
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 2 });
    expect(await deliver(key)).toMatchObject({ status: "ok", upstreamCalls: 1 });
    expect(await usageOf(gateway, key)).toMatchObject({ upstreamCalls: 1, remainingUpstreamCalls: 1 });
  });

  it("is fetched and delivered on a gateway without a key ledger, where there is no usage to count", async () => {
    // A delivery has no client request to charge: without a ledger, nothing admits or counts it.
    const { deliver } = deliveryGateway({ env: { KEY_LEDGER: undefined } });
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 1 });
    expect(await deliver(key)).toMatchObject({ status: "ok", upstreamCalls: 1 });
  });

  it("is not fetched once the key's daily calls are used up", async () => {
    const { gateway, deliver } = deliveryGateway();
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 1 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    expect(await deliver(key)).toMatchObject({ status: "error", error: { type: "/problems/key-spend-limit" }, upstreamCalls: 0 });
    expect(gateway.emulator.requests).toHaveLength(1);
  });
});

describe("identical misses of two callers at once", () => {
  it("do not hand one caller's rate limit to the other: the other is answered", async () => {
    await startInOneRateWindow();
    const gateway = makeGateway({ emulator: { latencyMs: 20 } });
    const { key: spent } = await createTestKey(env.KEYS, { tier: "standard" });
    const { key: other } = await createTestKey(env.KEYS);
    // The standard tier's window, all but one request used: the miss is admitted, its upstream call is not.
    for (let i = 0; i < TEST_STANDARD_LIMIT - 1; i++) await gateway.request("/v1/key", { as: spent });
    const path = trendPath(uniqueKol(), ...RANGE);
    const [first, second] = await Promise.all([gateway.request(path, { as: spent }), gateway.request(path, { as: other })]);
    expect(first.status).toBe(429);
    expect(second.status).toBe(200);
    expect(gateway.emulator.requests).toHaveLength(1);
  });
});
