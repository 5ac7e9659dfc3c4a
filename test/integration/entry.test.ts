import { env, exports } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { bearer, createTestKey, type TestKey } from "../support/keys.ts";
import { RECEIVER_HOST, TEST_SIGNING_SECRET, TEST_UPSTREAM_TOKEN } from "../support/constants.ts";
import { Webhook } from "standardwebhooks";
import { signingSecrets } from "../../src/webhooks/signature.ts";
import { uniqueKol } from "../support/gateway.ts";

// The deployed entry, end to end: its upstream fetches leave workerd and reach the emulator
// that vitest.config.ts runs as Miniflare's outbound service.
const gateway = (path: string, init?: RequestInit) => exports.default.fetch(`https://gateway.test${path}`, init);

let client: TestKey;
beforeAll(async () => {
  client = await createTestKey(env.KEYS);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the deployed entry", () => {
  it("answers /healthz with the deployed bindings it was given, and never the token", async () => {
    const response = await gateway("/healthz");
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({
      status: "ok",
      checks: { config: "valid", token: "present", cache: "bound", keys: "bound", coordinators: "bound", accountLedger: "bound" },
      upstream: { endpoint: "author-daily-fans", active: "author-daily-fans" },
      spendGuard: { upstreamCalls: "allowed", budget: { limit: 2000 } },
    });
    expect(text).not.toContain(TEST_UPSTREAM_TOKEN);
  });

  it("serves a trend from the emulated upstream and then from KV", async () => {
    const path = `/v1/kols/${uniqueKol()}/daily-fans?startDate=2026-01-01&endDate=2026-01-10`;
    const first = await gateway(path, { headers: bearer(client.key) });
    expect(first.status).toBe(200);
    expect(first.headers.get("Cache-Status")).toMatch(/fwd=miss/);
    expect((await first.json<{ series: unknown[] }>()).series).toHaveLength(10);
    await vi.waitFor(async () => {
      const second = await gateway(path, { headers: bearer(client.key) });
      expect(second.headers.get("Cache-Status")).toMatch(/; hit;/);
    });
  });

  it("writes one JSON log line per request, naming the client but not its key nor the token", async () => {
    const lines: string[] = [];
    for (const method of ["log", "warn", "error"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    const response = await gateway(
      `/api/douyin-xingtu/get-kol-daily-fans/v1?kolId=999100&startDate=2026-01-01&endDate=2026-01-02&token=${client.key}`,
    );
    expect(response.status).toBe(502);
    const requestLines = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.msg === "request");
    expect(requestLines).toEqual([
      expect.objectContaining({
        status: 502,
        requestId: response.headers.get("X-Request-Id"),
        path: "/api/douyin-xingtu/get-kol-daily-fans/v1",
        client: client.record.name,
      }),
    ]);
    expect(lines.join("\n")).not.toContain(TEST_UPSTREAM_TOKEN);
    expect(lines.join("\n")).not.toContain(client.key);
    expect(await response.text()).not.toContain(TEST_UPSTREAM_TOKEN);
  });
});

describe("the deployed entry's webhook deliveries", () => {
  it("go through the local queue to the callback, signed", async () => {
    const kolId = uniqueKol();
    const accepted = await gateway("/v1/webhooks/daily-fans", {
      method: "POST",
      headers: { ...bearer(client.key), "Content-Type": "application/json" },
      body: JSON.stringify({ kolId, startDate: "2026-01-01", endDate: "2026-01-03", callbackUrl: `https://${RECEIVER_HOST}/hook` }),
    });
    expect(accepted.status).toBe(202);
    const { deliveryId } = await accepted.json<{ deliveryId: string }>();
    const delivered = await vi.waitFor(
      async () => {
        const all = await (await fetch(`https://${RECEIVER_HOST}/__received`)).json<{ headers: Record<string, string>; body: string }[]>();
        const mine = all.find((entry) => entry.headers["webhook-id"] === deliveryId);
        if (!mine) throw new Error("not delivered yet");
        return mine;
      },
      { timeout: 10_000, interval: 200 },
    );
    // The reference library verifies the callback as any receiver would (the entry runs on the real clock).
    const [secret] = await signingSecrets(TEST_SIGNING_SECRET, client.record.name, client.record.webhookSecret);
    expect(new Webhook(secret!).verify(delivered.body, delivered.headers)).toMatchObject({ deliveryId, status: "ok", data: { kolId } });
    const status = await gateway(`/v1/webhooks/deliveries/${deliveryId}`, { headers: bearer(client.key) });
    expect(await status.json()).toMatchObject({ status: "delivered" });
    // The local queue batches for up to a second before it delivers: the wait above may need more
    // than the default test time.
  }, 20_000);
});
