/**
 * Spending within its bounds: every call that may have been billed counts against the key's limit
 * and `/v1/usage`, every attempt (retries included) is admitted by the account's budget before it
 * is made, and the guard says "stopped" as soon as the budget is reached. Counts are the
 * emulator's own log.
 */
import { reset } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import { TEST_STANDARD_LIMIT } from "../support/constants.ts";
import { startInOneRateWindow } from "../support/rate-window.ts";

// The account ledger's breaker is per test gateway, but KV keys are shared in a file.
afterEach(() => reset());

const RANGE = ["2026-03-01", "2026-03-05"] as const;

interface UsageBody {
  upstreamCalls: number;
  inFlightCalls: number;
  billedCalls: number;
  uncertainCalls: number;
  remainingUpstreamCalls: number | null;
  gateway: { upstreamCalls: string; budgetRemaining: number | null };
}

async function usageOf(gateway: ReturnType<typeof makeGateway>, key?: string): Promise<UsageBody> {
  return (await gateway.request("/v1/usage", key ? { as: key } : {})).json<UsageBody>();
}

describe("a key's limit counts calls that may have been billed", () => {
  it("stops a key at its limit when every call times out", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_TIMEOUT_MS: "50" } });
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 3 });
    gateway.emulator.queueFaults({ kind: "slow", delayMs: 500, times: 8 });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status);
    expect(statuses).toEqual([504, 504, 504, 429, 429, 429, 429, 429]);
    expect(gateway.emulator.requests).toHaveLength(3);
    expect(await usageOf(gateway, key)).toMatchObject({ upstreamCalls: 3, billedCalls: 0, uncertainCalls: 3, remainingUpstreamCalls: 0 });
  });

  it("counts a code-0 answer too large to read as billed", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 2 });
    gateway.emulator.queueFaults({ kind: "huge", times: 5 });
    const responses = [];
    for (let i = 0; i < 5; i++) responses.push(await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key }));
    expect(responses.map((response) => response.status)).toEqual([502, 502, 429, 429, 429]);
    expect(responses[0]!.headers.get("Xingtu-Upstream-Billed")).toBe("1");
    expect(gateway.emulator.requests).toHaveLength(2);
    expect(await usageOf(gateway, key)).toMatchObject({ billedCalls: 2, uncertainCalls: 0, remainingUpstreamCalls: 0 });
  });
});

describe("the account's daily budget admits every attempt", () => {
  it("is never passed by retries of concurrent misses, and the guard closes when it is reached", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "2" } });
    // Each miss would get 301 (unbilled, retried) twice, then data: 6 calls without a per-attempt admission.
    gateway.emulator.queueFaults({ kind: "code", code: 301, times: 4 });
    const statuses = await Promise.all(
      [uniqueKol(), uniqueKol()].map((kolId) => gateway.request(trendPath(kolId, ...RANGE)).then((response) => response.status)),
    );
    expect(statuses).toEqual([503, 503]);
    expect(gateway.emulator.requests).toHaveLength(2);
    expect((await usageOf(gateway)).gateway).toMatchObject({ upstreamCalls: "stopped", budgetRemaining: 0 });
  });

  it("says stopped once the budget is used up, before any call is refused", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "2" } });
    for (let i = 0; i < 2; i++) expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
    expect((await usageOf(gateway)).gateway).toMatchObject({ upstreamCalls: "stopped", budgetRemaining: 0 });
    expect(gateway.emulator.requests).toHaveLength(2);
  });

  it("refuses a retry the budget has no room for", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_DAILY_BUDGET: "2" } });
    gateway.emulator.queueFaults({ kind: "code", code: 301, times: 2 });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    // The first attempt and one retry fit; the third attempt, which would have brought the data, does not.
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ type: "/problems/spend-guard-open" });
    expect(response.headers.get("Xingtu-Upstream-Calls")).toBe("2");
    expect(gateway.emulator.requests).toHaveLength(2);
  });
});

describe("a fresh deployment's defaults", () => {
  const kols = (n: number) => Array.from({ length: n }, () => uniqueKol());
  const put = (kolIds: string[]) => ({
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ kolIds }),
  });
  const DAYS = "?startDate=2026-03-01&endDate=2026-03-05";

  interface Trends {
    complete: boolean;
    answered: number;
    failed: number;
    members: { ok: boolean; problem?: { type: string; detail: string } }[];
  }

  it("stop a cold 500-creator roster at the key's default daily calls, with a clear problem for the rest", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { tier: "bulk" });
    await gateway.request("/v1/rosters/everyone", { ...put(kols(500)), as: key });
    const response = await gateway.request(`/v1/rosters/everyone/daily-fans${DAYS}`, { as: key });
    expect(response.status).toBe(200);
    expect(gateway.emulator.requests).toHaveLength(300);
    const trends = await response.json<Trends>();
    expect(trends).toMatchObject({ complete: false, answered: 300, failed: 200 });
    const refused = trends.members.filter((member) => !member.ok);
    expect(new Set(refused.map((member) => member.problem!.type))).toEqual(new Set(["/problems/key-spend-limit"]));
    expect(refused[0]!.problem!.detail).toContain("300 upstream calls for today");
  }, 120_000);

  it("weigh each upstream call a request causes against its rate limit", async () => {
    await startInOneRateWindow();
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { tier: "standard" });
    const response = await gateway.request("/v1/kols/daily-fans", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ kolIds: kols(20), startDate: "2026-03-01", endDate: "2026-03-05" }),
      as: key,
    });
    expect(response.status).toBe(200);
    // The request itself and then one per call: the tier's window holds TEST_STANDARD_LIMIT in all.
    expect(gateway.emulator.requests).toHaveLength(TEST_STANDARD_LIMIT - 1);
    const trends = await response.json<Trends>();
    expect(trends).toMatchObject({ complete: false, answered: TEST_STANDARD_LIMIT - 1 });
    expect(trends.members.filter((member) => !member.ok).every((member) => member.problem!.type === "/problems/rate-limited")).toBe(true);
  });
});

describe("/v1/usage while a call is under way", () => {
  it("counts the call in flight against what remains, as the key's ledger does", async () => {
    const { key } = await createTestKey(env.KEYS, { dailyUpstreamCalls: 3 });
    let during: UsageBody | undefined;
    // The usage is read from inside the upstream call: admitted, not yet recorded.
    const gateway: ReturnType<typeof makeGateway> = makeGateway({
      fetch: async (request) => {
        during = await usageOf(gateway, key);
        return gateway.emulator.fetch(request);
      },
    });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(200);
    expect(during).toMatchObject({ upstreamCalls: 0, inFlightCalls: 1, remainingUpstreamCalls: 2 });
    expect(await usageOf(gateway, key)).toMatchObject({ upstreamCalls: 1, inFlightCalls: 0, remainingUpstreamCalls: 2 });
  });
});
