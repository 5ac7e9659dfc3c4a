import { MAX_BODY_BYTES } from "../../src/middleware/hardening.ts";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { makeGateway, trendPath, uniqueKol, wrapNamespace, FIXED_NOW } from "../support/gateway.ts";
import { createTestKey, type TestKey } from "../support/keys.ts";
import { failingKv, KV_WRITE_RATE_ERROR } from "../support/kv.ts";
import { Webhook } from "standardwebhooks";
import { signingSecrets } from "../../src/webhooks/signature.ts";
import { deliveryBookOf } from "../../src/webhooks/deliveries.ts";
import { DeliveryBook } from "../../src/webhooks/delivery-book.ts";
import type { Fault } from "../../tools/emulator/emulator.ts";
import type { Bindings } from "../../src/bindings.ts";
import { runInDurableObject } from "cloudflare:test";

const MASTER = "test-webhook-master-secret-0123456789";
const WEBHOOK = "/v1/webhooks/daily-fans";
const RANGE = { startDate: "2026-03-01", endDate: "2026-03-05" };
const NOW_S = Math.floor(FIXED_NOW / 1000);

interface Received {
  request: Request;
  body: string;
}

function setup(options: { receiverStatus?: number[]; env?: Record<string, unknown>; faults?: Fault[] } = {}) {
  const received: Received[] = [];
  const sent: unknown[] = [];
  const statuses = [...(options.receiverStatus ?? [])];
  const gateway = makeGateway({
    env: {
      WEBHOOK_SIGNING_SECRET: MASTER,
      CALLBACK_HOSTS: "receiver.test,*.hooks.example",
      DELIVERIES: { send: async (message: unknown) => void sent.push(message) },
      ...options.env,
    },
    receiver: async (request) => {
      received.push({ request, body: await request.text() });
      const status = statuses.shift() ?? 200;
      return new Response(
        null,
        status >= 300 && status < 400 ? { status, headers: { Location: "https://elsewhere.example/" } } : { status },
      );
    },
  });
  gateway.emulator.queueFaults(...(options.faults ?? []));
  return { gateway, received, sent };
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json", ...headers },
});

/** The key's valid webhook secrets (current first), as `npm run key -- secret` prints them. */
const secretsOf = (client: TestKey) => signingSecrets(MASTER, client.record.name, client.record.webhookSecret);

/** A request signed by Standard Webhooks' reference library with the key's current secret (or `secret`). */
async function signed(client: TestKey, body: string, t = NOW_S, name = client.record.name, secret?: string) {
  const id = `msg_${crypto.randomUUID()}`;
  const signature = new Webhook(secret ?? (await secretsOf(client))[0]!).sign(id, new Date(t * 1000), body);
  return {
    method: "POST",
    body,
    as: null,
    headers: {
      "Content-Type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(t),
      "webhook-signature": signature,
      "X-Key-Name": name,
    },
  };
}

/** Verifies a callback with the reference library, at the gateway's clock (the library reads the global one). */
function verifyCallback(secret: string, callback: Received): unknown {
  vi.useFakeTimers({ now: FIXED_NOW, toFake: ["Date"] });
  try {
    return new Webhook(secret).verify(callback.body, Object.fromEntries(callback.request.headers));
  } finally {
    vi.useRealTimers();
  }
}

describe("the webhook target, synchronously", () => {
  it("answers like the GET route, through the same cache", async () => {
    const { gateway } = setup();
    const kolId = uniqueKol();
    const posted = await gateway.request(WEBHOOK, json({ kolId, ...RANGE }));
    expect(posted.status).toBe(200);
    const got = await gateway.request(trendPath(kolId, RANGE.startDate, RANGE.endDate));
    expect(got.headers.get("Cache-Status")).toMatch(/; hit;/);
    expect(await posted.json()).toEqual(await got.json());
  });

  it("validates the body with the GET route's rules, rejecting extra fields", async () => {
    const { gateway } = setup();
    const response = await gateway.request(WEBHOOK, json({ kolId: "x1", startDate: "2026-02-30", endDate: RANGE.endDate, extra: true }));
    expect(response.status).toBe(400);
    const problem = await response.json<{ errors: { field: string; in: string; rule: string }[] }>();
    expect(problem.errors.map((e) => `${e.in}:${e.field}:${e.rule}`).sort()).toEqual([
      "body:extra:unknown_parameter",
      "body:kolId:kol_id_format",
      "body:startDate:calendar_date",
    ]);
  });

  it("refuses a compressed body with 415", async () => {
    const { gateway } = setup();
    const response = await gateway.request(WEBHOOK, json({ kolId: "1", ...RANGE }, { "Content-Encoding": "gzip" }));
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ detail: expect.stringContaining("uncompressed") });
  });

  it("refuses query parameters, which the webhook target never reads", async () => {
    const { gateway } = setup();
    const response = await gateway.request(`${WEBHOOK}?kolId=1`, json({ kolId: "1", ...RANGE }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ field: "kolId", in: "query", rule: "unknown_parameter" }] });
  });

  it("says what is wrong with a list or an unknown word in a body field", async () => {
    const { gateway } = setup();
    const response = await gateway.request(WEBHOOK, json({ kolId: ["1", "2"], ...RANGE, acceptCache: "maybe" }));
    const problem = await response.json<{ errors: { field: string; rule: string; message: string }[] }>();
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "kolId", rule: "type", message: "must be a single value, not a list" }),
        expect.objectContaining({ field: "acceptCache", message: expect.stringContaining("must be true or false") }),
      ]),
    );
  });

  it("requires a JSON content type", async () => {
    const { gateway } = setup();
    const response = await gateway.request(WEBHOOK, {
      method: "POST",
      body: JSON.stringify({ kolId: "1", ...RANGE }),
      headers: { "Content-Type": "text/plain" },
    });
    expect(response.status).toBe(415);
  });

  it("rejects malformed JSON and bodies that are not objects", async () => {
    const { gateway } = setup();
    for (const body of ['{"kolId":', "[1,2]", '"text"']) {
      const response = await gateway.request(WEBHOOK, { method: "POST", body, headers: { "Content-Type": "application/json" } });
      expect(response.status, body).toBe(400);
    }
    const broken = await gateway.request(WEBHOOK, { method: "POST", body: '{"kolId":', headers: { "Content-Type": "application/json" } });
    expect(await broken.json()).toMatchObject({
      type: "/problems/invalid-request",
      errors: [{ field: "body", in: "body", rule: "json", message: "is not valid JSON" }],
    });
    const list = await gateway.request(WEBHOOK, { method: "POST", body: "[1,2]", headers: { "Content-Type": "application/json" } });
    expect(await list.json()).toMatchObject({ errors: [{ field: "body", in: "body", rule: "type", message: "must be a JSON object" }] });
  });

  it("bounds the body size", async () => {
    const { gateway } = setup();
    expect((await gateway.request(WEBHOOK, json({ kolId: "1", ...RANGE, pad: "x".repeat(MAX_BODY_BYTES) }))).status).toBe(413);
  });

  it("answers GET with 405 and Allow: POST", async () => {
    const { gateway } = setup();
    const response = await gateway.request(WEBHOOK);
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("POST, OPTIONS");
  });
});

describe("signed requests", () => {
  it("are accepted with a valid signature and no key", async () => {
    const { gateway } = setup();
    const client = await createTestKey(env.KEYS);
    const response = await gateway.request(WEBHOOK, await signed(client, JSON.stringify({ kolId: uniqueKol(), ...RANGE })));
    expect(response.status).toBe(200);
    expect(gateway.logs.at(-1)).toMatchObject({ client: client.record.name });
  });

  it("are refused when the body was changed after signing", async () => {
    const { gateway } = setup();
    const client = await createTestKey(env.KEYS);
    const init = await signed(client, JSON.stringify({ kolId: "1", ...RANGE }));
    const response = await gateway.request(WEBHOOK, { ...init, body: JSON.stringify({ kolId: "2", ...RANGE }) });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ detail: expect.stringContaining("no signature matches the body") });
  });

  it("are accepted within Standard Webhooks' five-minute tolerance either way, and refused outside it", async () => {
    const { gateway } = setup();
    const client = await createTestKey(env.KEYS);
    const body = () => JSON.stringify({ kolId: uniqueKol(), ...RANGE });
    expect((await gateway.request(WEBHOOK, await signed(client, body(), NOW_S - 301))).status).toBe(401);
    expect((await gateway.request(WEBHOOK, await signed(client, body(), NOW_S - 299))).status).toBe(200);
    expect((await gateway.request(WEBHOOK, await signed(client, body(), NOW_S + 299))).status).toBe(200);
    expect((await gateway.request(WEBHOOK, await signed(client, body(), NOW_S + 301))).status).toBe(401);
  });

  it("refuse a replay for as long as its signature is valid, five minutes either way", async () => {
    const { gateway } = setup();
    const client = await createTestKey(env.KEYS);
    // Signed 299 s ahead of the clock: still valid until the clock is 599 s later.
    const init = await signed(client, JSON.stringify({ kolId: uniqueKol(), ...RANGE }), NOW_S + 299);
    expect((await gateway.request(WEBHOOK, init)).status).toBe(200);
    gateway.clock.now += 598_000;
    const replay = await gateway.request(WEBHOOK, init);
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ type: "/problems/webhook-replayed" });
  });

  it("accept each webhook-id once: a replayed request is 409", async () => {
    const { gateway } = setup();
    const client = await createTestKey(env.KEYS);
    const init = await signed(client, JSON.stringify({ kolId: uniqueKol(), ...RANGE }));
    expect((await gateway.request(WEBHOOK, init)).status).toBe(200);
    const replay = await gateway.request(WEBHOOK, init);
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ type: "/problems/webhook-replayed" });
  });

  it("accept both secrets while one is rotated, and only the new one after", async () => {
    const { gateway } = setup();
    const rotating = await createTestKey(env.KEYS, { webhookSecret: { current: 2, previous: 1 } });
    const [current, previous] = await secretsOf(rotating);
    const body = () => JSON.stringify({ kolId: uniqueKol(), ...RANGE });
    expect((await gateway.request(WEBHOOK, await signed(rotating, body(), NOW_S, undefined, current))).status).toBe(200);
    expect((await gateway.request(WEBHOOK, await signed(rotating, body(), NOW_S, undefined, previous))).status).toBe(200);
    const rotated = await createTestKey(env.KEYS, { webhookSecret: { current: 2, previous: null } });
    const [old] = await signingSecrets(MASTER, rotated.record.name, { current: 1, previous: null });
    expect((await gateway.request(WEBHOOK, await signed(rotated, body(), NOW_S, undefined, old))).status).toBe(401);
  });

  it("cannot read a delivery's status: that needs the key", async () => {
    const { gateway } = setup();
    const client = await createTestKey(env.KEYS);
    const init = await signed(client, "");
    const response = await gateway.request("/v1/webhooks/deliveries/any", { method: "GET", headers: init.headers, as: null });
    expect(response.status).toBe(401);
  });

  it("are refused for a revoked key or an unnamed one", async () => {
    const { gateway } = setup();
    const revoked = await createTestKey(env.KEYS, { disabled: true });
    expect((await gateway.request(WEBHOOK, await signed(revoked, JSON.stringify({ kolId: "1", ...RANGE })))).status).toBe(401);
    const init = await signed(revoked, JSON.stringify({ kolId: "1", ...RANGE }));
    const unnamed = new Headers(init.headers);
    unnamed.delete("X-Key-Name");
    expect((await gateway.request(WEBHOOK, { ...init, headers: unnamed })).status).toBe(401);
  });

  it("are refused when signed with another key's secret", async () => {
    const { gateway } = setup();
    const alice = await createTestKey(env.KEYS);
    const bob = await createTestKey(env.KEYS);
    const body = JSON.stringify({ kolId: "1", ...RANGE });
    const asBob = await signed(bob, body);
    const response = await gateway.request(WEBHOOK, { ...asBob, headers: { ...asBob.headers, "X-Key-Name": alice.record.name } });
    expect(response.status).toBe(401);
  });
});

describe("asynchronous deliveries", () => {
  it("give up on a receiver that does not answer within CALLBACK_TIMEOUT_MS, without holding up the others", async () => {
    const delivered: string[] = [];
    const sent: unknown[] = [];
    const gateway = makeGateway({
      env: {
        WEBHOOK_SIGNING_SECRET: MASTER,
        CALLBACK_HOSTS: "receiver.test,*.hooks.example",
        CALLBACK_TIMEOUT_MS: "50",
        DELIVERIES: { send: async (message: unknown) => void sent.push(message) },
      },
      receiver: (request) =>
        new URL(request.url).hostname === "slow.hooks.example"
          ? // Hangs until the gateway gives up on it.
            new Promise((_resolve, reject) => request.signal.addEventListener("abort", () => reject(new Error("aborted"))))
          : (delivered.push(request.url), Promise.resolve(new Response(null, { status: 204 }))),
    });
    const client = await createTestKey(env.KEYS);
    for (const callbackUrl of ["https://slow.hooks.example/hook", "https://receiver.test/hook"]) {
      await gateway.request(WEBHOOK, { ...json({ kolId: uniqueKol(), ...RANGE, callbackUrl }), as: client.key });
    }
    const result = await gateway.runQueue(sent.map((body) => ({ body })));
    expect(result.explicitAcks).toEqual(["message-1"]);
    expect(result.retryMessages.map((retry) => retry.msgId)).toEqual(["message-0"]);
    expect(delivered).toEqual(["https://receiver.test/hook"]);
    const slowId = (sent[0] as { deliveryId: string }).deliveryId;
    const status = await (await gateway.request(`/v1/webhooks/deliveries/${slowId}`, { as: client.key })).json();
    expect(status).toMatchObject({ status: "queued", lastError: "the callback did not answer within 50 ms" });
  });

  it("answer 202 at once, then POST the signed answer to the callback", async () => {
    const { gateway, received, sent } = setup();
    const client = await createTestKey(env.KEYS);
    const kolId = uniqueKol();
    const accepted = await gateway.request(WEBHOOK, {
      ...json({ kolId, ...RANGE, callbackUrl: "https://receiver.test/hook", requestId: "r-1" }),
      as: client.key,
    });
    expect(accepted.status).toBe(202);
    const { deliveryId, status, statusUrl } = await accepted.json<{ deliveryId: string; status: string; statusUrl: string }>();
    expect(status).toBe("queued");
    expect(accepted.headers.get("Location")).toBe(statusUrl);
    expect(gateway.upstreamFetches).toBe(0);

    const result = await gateway.runQueue(sent.map((body) => ({ body })));
    expect(result.explicitAcks).toEqual(["message-0"]);
    expect(received).toHaveLength(1);
    const callback = received[0]!;
    expect(callback.request.headers.get("webhook-id")).toBe(deliveryId);
    const [secret] = await secretsOf(client);
    const payload = verifyCallback(secret!, callback) as { data: { series: unknown[] } };
    expect(payload).toMatchObject({ deliveryId, requestId: "r-1", status: "ok", data: { kolId, ...RANGE } });
    expect(payload.data.series).toHaveLength(5);

    const lookup = await gateway.request(statusUrl, { as: client.key });
    expect(await lookup.json()).toMatchObject({ id: deliveryId, status: "delivered", attempts: 1, lastError: null });
  });

  it("sign callbacks with both secrets while one is rotated, so receivers with either verify them", async () => {
    const { gateway, received, sent } = setup();
    const client = await createTestKey(env.KEYS, { webhookSecret: { current: 2, previous: 1 } });
    await gateway.request(WEBHOOK, {
      ...json({ kolId: uniqueKol(), ...RANGE, callbackUrl: "https://receiver.test/hook" }),
      as: client.key,
    });
    await gateway.runQueue(sent.map((body) => ({ body })));
    const [current, previous] = await secretsOf(client);
    expect(received[0]!.request.headers.get("webhook-signature")!.split(" ")).toHaveLength(2);
    for (const secret of [current!, previous!]) expect(verifyCallback(secret, received[0]!)).toMatchObject({ status: "ok" });
  });

  it("retry a failing callback with growing delays, then mark it failed for the dead-letter queue", async () => {
    const { gateway, sent } = setup({ receiverStatus: [500, 503, 500] });
    const client = await createTestKey(env.KEYS);
    const accepted = await gateway.request(WEBHOOK, {
      ...json({ kolId: uniqueKol(), ...RANGE, callbackUrl: "https://receiver.test/hook" }),
      as: client.key,
    });
    const { statusUrl } = await accepted.json<{ statusUrl: string }>();
    const first = await gateway.runQueue([{ body: sent[0], attempts: 1 }]);
    const second = await gateway.runQueue([{ body: sent[0], attempts: 2 }]);
    expect(first.retryMessages).toEqual([{ msgId: "message-0" }]);
    expect([...first.delays, ...second.delays]).toEqual([10, 20]);
    expect(await (await gateway.request(statusUrl, { as: client.key })).json()).toMatchObject({
      status: "queued",
      attempts: 2,
      lastError: "the callback answered HTTP 503",
    });
    await gateway.runQueue([{ body: sent[0], attempts: 6 }]);
    expect(await (await gateway.request(statusUrl, { as: client.key })).json()).toMatchObject({
      status: "failed",
      attempts: 6,
      lastError: "the callback answered HTTP 500",
    });
  });

  it("never follow a redirect", async () => {
    const { gateway, received, sent } = setup({ receiverStatus: [302] });
    const client = await createTestKey(env.KEYS);
    await gateway.request(WEBHOOK, {
      ...json({ kolId: uniqueKol(), ...RANGE, callbackUrl: "https://receiver.test/hook" }),
      as: client.key,
    });
    const result = await gateway.runQueue([{ body: sent[0] }]);
    expect(result.retryMessages).toHaveLength(1);
    expect(received).toHaveLength(1);
  });

  it("are idempotent: the same requestId yields one delivery", async () => {
    const { gateway, sent } = setup();
    const client = await createTestKey(env.KEYS);
    const body = { kolId: uniqueKol(), ...RANGE, callbackUrl: "https://receiver.test/hook", requestId: "same-request" };
    const first = await (await gateway.request(WEBHOOK, { ...json(body), as: client.key })).json<{ deliveryId: string }>();
    const second = await (await gateway.request(WEBHOOK, { ...json(body), as: client.key })).json<{ deliveryId: string }>();
    expect(second.deliveryId).toBe(first.deliveryId);
    expect(sent).toHaveLength(1);
  });

  it("are idempotent under concurrency: 20 identical POSTs at once make one delivery", async () => {
    const { gateway, sent } = setup();
    const client = await createTestKey(env.KEYS);
    const body = { kolId: uniqueKol(), ...RANGE, callbackUrl: "https://receiver.test/hook", requestId: "burst-1" };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        gateway.request(WEBHOOK, { ...json(body), as: client.key }).then((r) => r.json<{ deliveryId: string }>()),
      ),
    );
    expect(new Set(answers.map((answer) => answer.deliveryId)).size).toBe(1);
    expect(sent).toHaveLength(1);
  });

  it("answer 409 when a requestId is reused for a different request", async () => {
    const { gateway, sent } = setup();
    const client = await createTestKey(env.KEYS);
    const body = { kolId: uniqueKol(), ...RANGE, callbackUrl: "https://receiver.test/hook", requestId: "order-7" };
    expect((await gateway.request(WEBHOOK, { ...json(body), as: client.key })).status).toBe(202);
    const reused = await gateway.request(WEBHOOK, { ...json({ ...body, endDate: "2026-03-06" }), as: client.key });
    expect(reused.status).toBe(409);
    expect(await reused.json()).toMatchObject({ type: "/problems/request-id-conflict" });
    expect(sent).toHaveLength(1);
  });

  it("keep their records out of the cache, so a cache that cannot write loses none", async () => {
    const { gateway } = setup({ env: { CACHE: failingKv("put", KV_WRITE_RATE_ERROR) } });
    const client = await createTestKey(env.KEYS);
    const accepted = await gateway.request(WEBHOOK, {
      ...json({ kolId: uniqueKol(), ...RANGE, callbackUrl: "https://receiver.test/hook" }),
      as: client.key,
    });
    const { statusUrl } = await accepted.json<{ statusUrl: string }>();
    expect(await (await gateway.request(statusUrl, { as: client.key })).json()).toMatchObject({ status: "queued" });
  });

  it("show their status only to the key that created them", async () => {
    const { gateway } = setup();
    const owner = await createTestKey(env.KEYS);
    const other = await createTestKey(env.KEYS);
    const { statusUrl } = await (
      await gateway.request(WEBHOOK, {
        ...json({ kolId: uniqueKol(), ...RANGE, callbackUrl: "https://receiver.test/hook" }),
        as: owner.key,
      })
    ).json<{ statusUrl: string }>();
    expect((await gateway.request(statusUrl, { as: owner.key })).status).toBe(200);
    const refused = await gateway.request(statusUrl, { as: other.key });
    expect(refused.status).toBe(404);
    expect(await (await gateway.request("/v1/webhooks/deliveries/no-such-id", { as: other.key })).json()).toMatchObject({
      detail: (await refused.json<{ detail: string }>()).detail,
    });
  });

  it("deliver an upstream failure as a problem in the payload", async () => {
    const { gateway, received, sent } = setup();
    const client = await createTestKey(env.KEYS);
    await gateway.request(WEBHOOK, { ...json({ kolId: "999600", ...RANGE, callbackUrl: "https://receiver.test/hook" }), as: client.key });
    await gateway.runQueue([{ body: sent[0] }]);
    expect(JSON.parse(received[0]!.body)).toMatchObject({
      status: "error",
      error: { type: "/problems/upstream-permission-denied", status: 502 },
    });
  });
});

describe("a delivery's data, fetched once", () => {
  const CALLBACK = "https://receiver.test/hook";
  /** A consumer's 15 minutes and a minute for clocks: a claim this old was abandoned (consumer.ts). */
  const CLAIM_ABANDONED_MS = 16 * 60 * 1000;

  /** Queues a delivery for `kolId` with `client` (by default a fresh key); its message, id and status URL. */
  async function queued(context: ReturnType<typeof setup>, kolId: string, client?: TestKey) {
    client ??= await createTestKey(env.KEYS);
    const accepted = await context.gateway.request(WEBHOOK, { ...json({ kolId, ...RANGE, callbackUrl: CALLBACK }), as: client.key });
    const { deliveryId, statusUrl } = await accepted.json<{ deliveryId: string; statusUrl: string }>();
    return { client, deliveryId, statusUrl, body: context.sent.at(-1) };
  }

  const upstreamRequestsFor = (gateway: ReturnType<typeof makeGateway>, kolId: string) =>
    gateway.emulator.requests.filter((request) => request.kolId === kolId);

  const outcomes: { name: string; faults?: Fault[]; env?: Record<string, unknown>; payload: object }[] = [
    { name: "a trend", payload: { status: "ok", upstreamCalls: 1, upstreamBilled: 1 } },
    {
      name: "an upstream timeout",
      faults: [{ kind: "slow", delayMs: 5_000 }],
      env: { UPSTREAM_TIMEOUT_MS: "50" },
      payload: { status: "error", error: { type: "/problems/upstream-timeout" }, upstreamCalls: 1 },
    },
    {
      name: "an upstream HTTP 503",
      faults: [{ kind: "http", status: 503 }],
      payload: { status: "error", error: { type: "/problems/upstream-http-error" }, upstreamCalls: 1 },
    },
    {
      name: "a billed answer that cannot be read",
      faults: [{ kind: "wrong-shape" }],
      payload: { status: "error", error: { type: "/problems/upstream-invalid-response" }, upstreamCalls: 1, upstreamBilled: 1 },
    },
  ];
  for (const outcome of outcomes) {
    it(`send ${outcome.name} six times to a failing receiver after one upstream call, in the same bytes`, async () => {
      const kolId = uniqueKol();
      const context = setup({
        receiverStatus: Array<number>(6).fill(500),
        env: outcome.env,
        faults: (outcome.faults ?? []).map((fault) => ({ ...fault, kolId })),
      });
      const { gateway, received } = context;
      const { client, deliveryId, statusUrl, body } = await queued(context, kolId);
      for (let attempts = 1; attempts <= 6; attempts++) {
        expect((await gateway.runQueue([{ body, attempts }])).retryMessages, `attempt ${attempts}`).toHaveLength(1);
      }
      expect(upstreamRequestsFor(gateway, kolId)).toHaveLength(1);
      expect(gateway.upstreamFetches).toBe(1);
      expect(received).toHaveLength(6);
      expect(new Set(received.map((callback) => callback.body)).size).toBe(1);
      expect(received.map((callback) => callback.request.headers.get("webhook-id"))).toEqual(Array(6).fill(deliveryId));
      const [secret] = await secretsOf(client);
      for (const callback of received) expect(verifyCallback(secret!, callback)).toMatchObject({ deliveryId, ...outcome.payload });
      expect(await (await gateway.request(statusUrl, { as: client.key })).json()).toMatchObject({ status: "failed", attempts: 6 });
    });
  }

  it("never look up again after an attempt that claimed the data and stored nothing; it waits, then says so", async () => {
    const context = setup();
    const { gateway, received } = context;
    const kolId = uniqueKol();
    const { client, deliveryId, statusUrl, body } = await queued(context, kolId);
    // The first attempt's claim, as if its Worker then died in the lookup.
    const book = deliveryBookOf(env.DELIVERY_BOOK, client.record.name);
    expect(await book.claim(deliveryId, gateway.clock.now)).toEqual({ kind: "claimed" });

    // The claimer may still be fetching: nothing is sent until its claim is surely abandoned.
    const waiting = await gateway.runQueue([{ body, attempts: 2 }]);
    expect(waiting.retryMessages).toHaveLength(1);
    expect(waiting.delays).toEqual([CLAIM_ABANDONED_MS / 1000]);
    expect(received).toHaveLength(0);

    gateway.clock.now += CLAIM_ABANDONED_MS;
    expect((await gateway.runQueue([{ body, attempts: 3 }])).explicitAcks).toEqual(["message-0"]);
    expect(upstreamRequestsFor(gateway, kolId)).toHaveLength(0);
    expect(gateway.upstreamFetches).toBe(0);
    expect(JSON.parse(received[0]!.body)).toMatchObject({
      deliveryId,
      status: "error",
      error: { type: "/problems/internal-error", detail: expect.stringContaining("interrupted") },
      upstreamCalls: 0,
      upstreamBilled: 0,
    });
    expect(await (await gateway.request(statusUrl, { as: client.key })).json()).toMatchObject({ status: "delivered", attempts: 3 });
  });

  it("never look up again when the book failed to store the body the lookup made", async () => {
    let failed = false;
    // Delivery books whose first store fails, as when the Worker dies between the lookup and the store.
    const books = wrapNamespace(env.DELIVERY_BOOK, {
      get: (id) => {
        const stub = env.DELIVERY_BOOK.get(id);
        return new Proxy(stub, {
          get: (target, name) =>
            name === "keepPayload" && !failed
              ? ((failed = true), () => Promise.reject(new Error("the Worker died")))
              : Reflect.get(target, name),
        });
      },
    });
    const context = setup({ receiverStatus: [500], env: { DELIVERY_BOOK: books } });
    const { gateway, received } = context;
    const kolId = uniqueKol();
    const { body } = await queued(context, kolId);
    await expect(gateway.runQueue([{ body, attempts: 1 }])).rejects.toThrow("the Worker died");
    expect(upstreamRequestsFor(gateway, kolId)).toHaveLength(1);
    expect(received).toHaveLength(0);

    gateway.clock.now += CLAIM_ABANDONED_MS;
    await gateway.runQueue([{ body, attempts: 2 }]);
    await gateway.runQueue([{ body, attempts: 3 }]);
    expect(upstreamRequestsFor(gateway, kolId)).toHaveLength(1);
    expect(received).toHaveLength(2);
    expect(received[1]!.body).toBe(received[0]!.body);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ status: "error", error: { type: "/problems/internal-error" } });
  });

  it("on the last attempt, send that the data was interrupted rather than wait", async () => {
    const context = setup();
    const { gateway, received } = context;
    const { client, deliveryId, body } = await queued(context, uniqueKol());
    await deliveryBookOf(env.DELIVERY_BOOK, client.record.name).claim(deliveryId, gateway.clock.now);
    expect((await gateway.runQueue([{ body, attempts: 6 }])).explicitAcks).toEqual(["message-0"]);
    expect(gateway.upstreamFetches).toBe(0);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ status: "error", error: { type: "/problems/internal-error" } });
  });

  it("keep the body as long as the delivery, and drop a message whose delivery is gone", async () => {
    const context = setup();
    const { gateway, received } = context;
    const kolId = uniqueKol();
    const { client, deliveryId, body } = await queued(context, kolId);
    await gateway.runQueue([{ body }]);
    expect(gateway.upstreamFetches).toBe(1);
    const book = deliveryBookOf(env.DELIVERY_BOOK, client.record.name);
    expect(await book.claim(deliveryId, gateway.clock.now)).toEqual({ kind: "resolved", body: received[0]!.body });
    // A day later, the next delivery of the key clears the first, body and all.
    gateway.clock.now += 24 * 3600 * 1000 + 1;
    await queued(context, uniqueKol(), client);
    expect(await book.read(deliveryId)).toBeNull();
    expect(await book.claim(deliveryId, gateway.clock.now)).toEqual({ kind: "missing" });
    const result = await gateway.runQueue([{ body, attempts: 2 }]);
    expect(result.explicitAcks).toEqual(["message-0"]);
    expect(received).toHaveLength(1);
    expect(gateway.upstreamFetches).toBe(1);
    expect(gateway.logs).toContainEqual(
      expect.objectContaining({ msg: "dropped a delivery whose record is gone from its book", deliveryId }),
    );
  });

  it("add the body's columns to a book made before them", async () => {
    const stub = env.DELIVERY_BOOK.get(env.DELIVERY_BOOK.idFromName(`old-book-${crypto.randomUUID()}`));
    await runInDurableObject(stub, (_instance: DeliveryBook, state) => {
      state.storage.sql.exec("DROP TABLE deliveries");
      // The table as the first version of the book made it.
      state.storage.sql.exec(`CREATE TABLE deliveries (
        id TEXT PRIMARY KEY, owner TEXT NOT NULL, request_id TEXT UNIQUE, request_hash TEXT, status TEXT NOT NULL,
        attempts INTEGER NOT NULL, last_error TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, created_ms INTEGER NOT NULL)`);
      state.storage.sql.exec("INSERT INTO deliveries VALUES ('d-1', 'owner', NULL, NULL, 'queued', 1, NULL, 'then', 'then', ?)", FIXED_NOW);
      const book = new DeliveryBook(state, env as Bindings);
      expect(book.claim("d-1", FIXED_NOW)).toEqual({ kind: "claimed" });
      expect(book.keepPayload("d-1", '{"status":"ok"}')).toBe('{"status":"ok"}');
      expect(book.claim("d-1", FIXED_NOW)).toEqual({ kind: "resolved", body: '{"status":"ok"}' });
      expect(book.read("d-1")).toMatchObject({ id: "d-1", status: "queued" });
    });
  });
});

describe("anonymous callers under PUBLIC_ACCESS", () => {
  it("get synchronous answers but no asynchronous deliveries", async () => {
    const { gateway, sent } = setup({ env: { PUBLIC_ACCESS: "true" } });
    expect((await gateway.request(WEBHOOK, { ...json({ kolId: uniqueKol(), ...RANGE }), as: null })).status).toBe(200);
    const queued = await gateway.request(WEBHOOK, {
      ...json({ kolId: uniqueKol(), ...RANGE, callbackUrl: "https://receiver.test/hook", requestId: "order-1" }),
      as: null,
    });
    expect(queued.status).toBe(401);
    expect(await queued.json()).toMatchObject({ type: "/problems/unauthorized", detail: expect.stringContaining("needs a client key") });
    expect(sent).toHaveLength(0);
  });

  it("cannot read deliveries", async () => {
    const { gateway } = setup({ env: { PUBLIC_ACCESS: "true" } });
    expect((await gateway.request("/v1/webhooks/deliveries/any-id", { as: null })).status).toBe(401);
  });
});

describe("callback URLs", () => {
  // Each refusal for its own reason: where another rule would also refuse the URL, the settings
  // allow what that rule checks, so only the rule under test stands in the way.
  const HOSTS = "receiver.test,*.hooks.example";
  const refused: Record<string, { url: string; reason: string; env?: Record<string, string> }> = {
    "plain http": { url: "http://receiver.test/hook", reason: "must use https" },
    "an IPv4 literal, even one listed in CALLBACK_HOSTS": {
      url: "https://10.0.0.1/hook",
      reason: "must name a host, not an IP address",
      env: { CALLBACK_HOSTS: `${HOSTS},10.0.0.1` },
    },
    "an IPv6 literal": { url: "https://[::1]/hook", reason: "must name a host, not an IP address" },
    credentials: { url: "https://user:pass@receiver.test/hook", reason: "must not carry credentials" },
    "a host not on the list": { url: "https://evil.example/hook", reason: "must be on a host listed in CALLBACK_HOSTS" },
    "a look-alike host": { url: "https://receiver.test.evil.example/hook", reason: "must be on a host listed in CALLBACK_HOSTS" },
    "the bare wildcard domain": { url: "https://hooks.example/hook", reason: "must be on a host listed in CALLBACK_HOSTS" },
    "local http without the local setting, even on a listed port": {
      url: "http://127.0.0.1:9999/hook",
      reason: "must use https",
      env: { CALLBACK_PORTS: "9999" },
    },
    "loopback over https without the local setting, even listed and on a listed port": {
      url: "https://127.0.0.1:9999/hook",
      reason: "must name a host, not an IP address",
      env: { CALLBACK_HOSTS: `${HOSTS},127.0.0.1`, CALLBACK_PORTS: "9999" },
    },
    "not a URL": { url: "receiver.test/hook", reason: "is not a URL" },
    "an allowed host on another port": {
      url: "https://receiver.test:6379/hook",
      reason: "must use port 443 unless its port is listed in CALLBACK_PORTS",
    },
  };
  for (const [name, { url, reason, env: settings }] of Object.entries(refused)) {
    it(`refuses ${name}, saying why`, async () => {
      const { gateway, sent } = setup({ env: settings });
      const response = await gateway.request(WEBHOOK, json({ kolId: "1", ...RANGE, callbackUrl: url }));
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        errors: [{ field: "callbackUrl", rule: "callback_url", message: reason }],
      });
      expect(sent).toHaveLength(0);
    });
  }

  it("refuses a local port not listed, such as the emulator's control routes", async () => {
    const { gateway, sent } = setup({ env: { ALLOW_LOCAL_CALLBACKS: "true", CALLBACK_PORTS: "9999" } });
    const response = await gateway.request(WEBHOOK, json({ kolId: "1", ...RANGE, callbackUrl: "http://127.0.0.1:8788/__emulator/reset" }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errors: [expect.objectContaining({ field: "callbackUrl", message: "must use a port listed in CALLBACK_PORTS" })],
    });
    expect(sent).toHaveLength(0);
  });

  it("accepts a subdomain of a wildcard entry", async () => {
    const { gateway } = setup();
    expect((await gateway.request(WEBHOOK, json({ kolId: "1", ...RANGE, callbackUrl: "https://a.hooks.example/x" }))).status).toBe(202);
  });

  it("accepts http://127.0.0.1 on a listed port when local callbacks are allowed", async () => {
    const { gateway } = setup({ env: { ALLOW_LOCAL_CALLBACKS: "true", CALLBACK_PORTS: "9999" } });
    expect((await gateway.request(WEBHOOK, json({ kolId: "1", ...RANGE, callbackUrl: "http://127.0.0.1:9999/hook" }))).status).toBe(202);
  });

  it("accepts an allowed host on a listed port", async () => {
    const { gateway } = setup({ env: { CALLBACK_PORTS: "8443" } });
    expect((await gateway.request(WEBHOOK, json({ kolId: "1", ...RANGE, callbackUrl: "https://receiver.test:8443/hook" }))).status).toBe(
      202,
    );
  });
});
