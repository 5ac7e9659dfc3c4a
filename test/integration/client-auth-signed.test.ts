/**
 * How the webhook target refuses signed requests (src/auth/client-auth.ts): what each refusal tells
 * the sender, which refusals count as failed authentication attempts, and what happens when the
 * key's delivery book (which accepts each webhook-id once) cannot be reached. The signing itself is
 * tested in test/integration/webhooks.test.ts.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { FIXED_NOW, makeGateway, uniqueKol, type GatewayOptions } from "../support/gateway.ts";
import { createTestKey, type TestKey } from "../support/keys.ts";
import { TEST_AUTH_FAILURE_LIMIT, TEST_SIGNING_SECRET } from "../support/constants.ts";
import { startInOneRateWindow } from "../support/rate-window.ts";
import { signingSecrets } from "../../src/webhooks/signature.ts";

const WEBHOOK = "/v1/webhooks/daily-fans";
const NOW_S = Math.floor(FIXED_NOW / 1000);
const body = () => JSON.stringify({ kolId: uniqueKol(), startDate: "2026-03-01", endDate: "2026-03-05" });

/** A caller's address, unique to the test: the failure limiter's counts outlive a test. */
const newAddress = () => `2001:db8::${[...crypto.getRandomValues(new Uint16Array(3))].map((part) => part.toString(16)).join(":")}`;

/** A request signed with the key's current webhook secret, as a sender following Standard Webhooks makes it. */
async function signed(client: TestKey, options: { name?: string | null; address?: string; payload?: string } = {}) {
  const payload = options.payload ?? body();
  const id = `msg_${crypto.randomUUID()}`;
  const [secret] = await signingSecrets(TEST_SIGNING_SECRET, client.record.name, client.record.webhookSecret);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(NOW_S),
    "webhook-signature": new Webhook(secret!).sign(id, new Date(NOW_S * 1000), payload),
  };
  const name = options.name === undefined ? client.record.name : options.name;
  if (name !== null) headers["X-Key-Name"] = name;
  if (options.address) headers["CF-Connecting-IP"] = options.address;
  return { id, init: { method: "POST", body: payload, as: null, headers } };
}

const gatewayWith = (env: GatewayOptions["env"] = {}) => makeGateway({ env });

describe("a refused signed request", () => {
  // A signature is a credential: whatever is wrong with it, the challenge says the credential is
  // invalid, as for a wrong key, so a sender's library knows not to retry unchanged.
  it.each([
    ["names no key", async (client: TestKey) => (await signed(client, { name: null })).init],
    ["names a key that does not exist", async (client: TestKey) => (await signed(client, { name: `${client.record.name}-gone` })).init],
    ["names a revoked key", async () => (await signed(await createTestKey(env.KEYS, { disabled: true }))).init],
    ["has a signature that does not match its body", async (client: TestKey) => ({ ...(await signed(client)).init, body: body() })],
  ])("is challenged with error=invalid_token when it %s", async (_reason, request) => {
    const client = await createTestKey(env.KEYS);
    const response = await gatewayWith().request(WEBHOOK, await request(client));
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="xingtu-edge", error="invalid_token"');
  });

  it("tells a sender that named no key to name it in X-Key-Name", async () => {
    const client = await createTestKey(env.KEYS);
    const response = await gatewayWith().request(WEBHOOK, (await signed(client, { name: null })).init);
    expect((await response.json<{ detail: string }>()).detail).toContain("X-Key-Name");
  });

  it("counts as a failed authentication attempt, so one address cannot try signatures without end", async () => {
    await startInOneRateWindow();
    const gateway = gatewayWith();
    const client = await createTestKey(env.KEYS);
    const address = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i <= TEST_AUTH_FAILURE_LIMIT; i++) {
      const { init } = await signed(client, { address });
      statuses.push((await gateway.request(WEBHOOK, { ...init, body: body() })).status);
    }
    expect(statuses).toEqual([...Array(TEST_AUTH_FAILURE_LIMIT).fill(401), 429]);
  });

  it("is still refused under PUBLIC_ACCESS: a signature is checked, never taken for an anonymous caller", async () => {
    const client = await createTestKey(env.KEYS);
    const { init } = await signed(client);
    const response = await gatewayWith({ PUBLIC_ACCESS: "true" }).request(WEBHOOK, { ...init, body: body() });
    expect(response.status).toBe(401);
  });
});

describe("a replayed signed request", () => {
  it("is told which webhook-id was already accepted", async () => {
    const gateway = gatewayWith();
    const { id, init } = await signed(await createTestKey(env.KEYS));
    await gateway.request(WEBHOOK, init);
    const replay = await gateway.request(WEBHOOK, init);
    expect(replay.status).toBe(409);
    expect((await replay.json<{ detail: string }>()).detail).toContain(id);
  });

  it("is not a failed authentication attempt: its signature is good, so replays never lock the address out", async () => {
    const gateway = gatewayWith();
    const address = newAddress();
    const { init } = await signed(await createTestKey(env.KEYS), { address });
    expect((await gateway.request(WEBHOOK, init)).status).toBe(200);
    const replays: number[] = [];
    for (let i = 0; i <= TEST_AUTH_FAILURE_LIMIT; i++) replays.push((await gateway.request(WEBHOOK, init)).status);
    expect(replays).toEqual(Array(TEST_AUTH_FAILURE_LIMIT + 1).fill(409));
  });
});

describe("a signed request whose webhook-id cannot be checked", () => {
  it("is answered 503 ledger-unavailable with Retry-After when the key's delivery book cannot be reached", async () => {
    const unreachable = {
      idFromName: (name: string) => env.DELIVERY_BOOK.idFromName(name),
      get: () => ({
        claimMessageId: async () => {
          throw new Error("Durable Object reset because its code was updated");
        },
      }),
    };
    const response = await gatewayWith({ DELIVERY_BOOK: unreachable }).request(WEBHOOK, (await signed(await createTestKey(env.KEYS))).init);
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("30");
    // The webhook-id may or may not have been claimed: only a new signature is sure to be accepted.
    expect(await response.json()).toMatchObject({ type: "/problems/ledger-unavailable", detail: expect.stringContaining("new signature") });
  });

  it("is answered 503 gateway-misconfigured, naming the binding, when the delivery books are not bound", async () => {
    const response = await gatewayWith({ DELIVERY_BOOK: undefined }).request(WEBHOOK, (await signed(await createTestKey(env.KEYS))).init);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      type: "/problems/gateway-misconfigured",
      detail: expect.stringContaining("DELIVERY_BOOK"),
    });
  });
});
