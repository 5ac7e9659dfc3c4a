/**
 * The installable client (packages/client) against a test gateway: its calls, its errors, and its
 * hand-written types held equal to the gateway's own schemas, so they cannot drift.
 * (test/node/client-package.test.ts packs and installs it as a user would.)
 */
import { env } from "cloudflare:workers";
import { describe, expect, expectTypeOf, it } from "vitest";
import type * as z from "zod";
import * as published from "../../packages/client/src/index.ts";
import {
  createGatewayClient,
  DEFAULT_TIMEOUT_MS,
  GatewayError,
  GatewayTimeoutError,
  GatewayUnreachableError,
} from "../../packages/client/src/index.ts";
import { configSchema } from "../../src/config/config.ts";
import type { Trend } from "../../src/schemas/trend.ts";
import type { RosterBody, RosterList, RosterSummaryTrends, RosterTrends } from "../../src/schemas/roster-answers.ts";
import type { watchSchemas, WatchTestAnswer } from "../../src/schemas/watches.ts";
import type { WatchView } from "../../src/schemas/roster-answers.ts";
import type { ShareLink, ShareLinkList } from "../../src/schemas/share-links.ts";
import type { KeyView } from "../../src/schemas/keys.ts";
import type { Problem } from "../../src/problem.ts";
import type { KeyInfo, Usage } from "../../src/schemas/operations.ts";
import type { Quote } from "../../src/schemas/quote.ts";
import type { deliveryAcceptedSchema, DeliveryStatus } from "../../src/schemas/deliveries.ts";
import { makeGateway, uniqueKol } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";

async function clientOf(gateway: ReturnType<typeof makeGateway>) {
  const { key } = await createTestKey(env.KEYS);
  return createGatewayClient("https://gateway.test/", key, {
    fetch: (input, init) => {
      const url = new URL(input);
      return gateway.request(`${url.pathname}${url.search}`, { ...init, as: undefined });
    },
  });
}

describe("the installable client", () => {
  // Type-level: `tsc` (npm test's typecheck) fails on any difference (seen when /v1/usage gained
  // inFlightCalls before the client did); vitest itself runs nothing here.
  it("has the gateway's own types (checked by the typecheck)", () => {
    expectTypeOf<published.Trend>().toEqualTypeOf<Trend>();
    expectTypeOf<published.Problem>().toEqualTypeOf<Problem>();
    expectTypeOf<published.Usage>().toEqualTypeOf<Usage>();
    expectTypeOf<published.KeyInfo>().toEqualTypeOf<KeyInfo>();
    expectTypeOf<published.Quote>().toEqualTypeOf<Quote>();
    expectTypeOf<published.DeliveryStatus>().toEqualTypeOf<DeliveryStatus>();
    expectTypeOf<published.DeliveryAccepted>().toEqualTypeOf<z.infer<typeof deliveryAcceptedSchema>>();
    expectTypeOf<published.RosterTrends>().toEqualTypeOf<RosterTrends>();
    expectTypeOf<published.RosterSummaryTrends>().toEqualTypeOf<RosterSummaryTrends>();
    expectTypeOf<published.Roster>().toEqualTypeOf<RosterBody>();
    expectTypeOf<published.RosterList>().toEqualTypeOf<RosterList>();
    expectTypeOf<published.WatchView>().toEqualTypeOf<WatchView>();
    expectTypeOf<published.ShareLink>().toEqualTypeOf<ShareLink>();
    expectTypeOf<published.KeyView>().toEqualTypeOf<KeyView>();
    expectTypeOf<published.WatchTest>().toEqualTypeOf<WatchTestAnswer>();
    expectTypeOf<published.ShareLinkList>().toEqualTypeOf<ShareLinkList>();
    expectTypeOf<published.Watch>().toEqualTypeOf<z.input<ReturnType<typeof watchSchemas>["body"]>>();
  });

  it("keeps a roster and compares its creators", async () => {
    const gateway = makeGateway();
    const client = await clientOf(gateway);
    const kolIds = [uniqueKol(), uniqueKol()];
    expect((await client.putRoster("team", kolIds)).kolIds).toEqual(kolIds);
    expect((await client.rosters()).rosters.map((roster) => roster.name)).toEqual(["team"]);
    const range = { startDate: "2026-03-01", endDate: "2026-03-05" };
    const compared = await client.rosterDailyFans("team", range);
    expect(compared.data).toMatchObject({ roster: "team", complete: true, answered: 2 });
    expect(compared.upstreamCalls).toBe(2);
    expect((await client.rosterDailyFansCsv("team", range)).data.split("\r\n")[0]).toBe("kolId,date,fans,delta,label");
    expect((await client.compareDailyFans(kolIds, range)).upstreamCalls).toBe(0);
    expect((await client.removeFromRoster("team", kolIds[0]!)).kolIds).toEqual([kolIds[1]]);
    const watched = await client.putWatch("team", {
      rules: [{ kind: "anomaly" }],
      targets: [{ type: "slack", url: "https://hooks.slack.com/services/T/B/x" }],
    });
    expect(watched.targets).toEqual([{ type: "slack", url: "https://hooks.slack.com" }]);
    expect((await client.watch("team")).rules).toEqual([{ kind: "anomaly" }]);
    await client.deleteWatch("team");
    expect((await client.renameRoster("team", "团队")).name).toBe("团队");
    await expect(client.renameRoster("team", "other")).rejects.toMatchObject({ status: 404 });
    await client.deleteRoster("团队");
    await expect(client.roster("团队")).rejects.toMatchObject({ status: 404, problem: { type: "/problems/roster-not-found" } });
  });

  it("answers the trend with where it came from and what it cost", async () => {
    const gateway = makeGateway();
    const client = await clientOf(gateway);
    const kolId = uniqueKol();
    const first = await client.dailyFans(kolId, { startDate: "2026-03-01", endDate: "2026-03-05" });
    expect(first.data.kolId).toBe(kolId);
    expect(first.data.series).toHaveLength(5);
    expect(first).toMatchObject({ upstreamCalls: 1, upstreamBilled: 1 });
    const again = await client.dailyFans(kolId, { startDate: "2026-03-01", endDate: "2026-03-05" });
    expect(again.upstreamCalls).toBe(0);
    expect(again.cacheStatus).toMatch(/; hit;/);
    const csv = await client.dailyFansCsv(kolId, { startDate: "2026-03-01", endDate: "2026-03-05" });
    expect(csv.data.split("\r\n")[0]).toBe("date,fans,delta");
  });

  it("names creators with labels, and asks for a rolling range with days, in queries and bodies", async () => {
    const gateway = makeGateway();
    const client = await clientOf(gateway);
    const [a, b] = [uniqueKol(), uniqueKol()];
    expect((await client.putRoster("named", [a], { [a]: "小王" })).labels).toEqual({ [a]: "小王" });
    expect((await client.addToRoster("named", [b], { [b]: "Bo" })).labels).toEqual({ [a]: "小王", [b]: "Bo" });
    const rolling = await client.rosterDailyFans("named", { days: 7 });
    expect([rolling.data.startDate, rolling.data.endDate]).toEqual(["2026-03-03", "2026-03-09"]);
    expect(rolling.data.members.map((member) => member.label)).toEqual(["小王", "Bo"]);
    const wide = await client.rosterDailyFansCsv("named", { days: 7 }, { wide: true, lang: "zh-CN" });
    expect(wide.data.split("\r\n")[0]).toBe(`日期,小王,Bo`);
    expect((await client.dailyFansCsv(a, { days: 7 }, { lang: "zh-CN" })).data.split("\r\n")[0]).toBe("日期,粉丝数,日增");
    const summary = await client.rosterSummary("named", { days: 7 });
    expect(summary.data.members.every((member) => member.ok && !("series" in member))).toBe(true);
    expect((await client.dailyFans(a, { days: 7 })).data.startDate).toBe("2026-03-03");
    expect((await client.compareDailyFans([a, b], { days: 7 })).upstreamCalls).toBe(0);
    expect((await client.quoteCompareDailyFans([a, b], { days: 7 })).calls).toBe(0);
  });

  it("makes, lists and revokes a share link", async () => {
    const gateway = makeGateway();
    const client = await clientOf(gateway);
    const kolId = uniqueKol();
    const link = await client.createShareLink({ kolId, days: 7, note: "周报" });
    expect(link).toMatchObject({ resource: { kolId }, range: { days: 7 }, status: "active" });
    expect((await client.shareLinks()).links.map((each) => each.id)).toEqual([link.id]);
    expect(await client.shareLink(link.id)).toEqual(link);
    await client.revokeShareLink(link.id);
    expect((await client.shareLinks()).links[0]!.status).toBe("revoked");
  });

  it("throws the gateway's problem, naming the field and the rule", async () => {
    const client = await clientOf(makeGateway());
    let error: unknown;
    try {
      await client.dailyFans("42", { startDate: "2026-03-05", endDate: "2026-03-01" });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).problem).toMatchObject({
      status: 400,
      errors: [expect.objectContaining({ field: "startDate", rule: "date_order" })],
    });
  });

  it("reads the key, its usage, and a delivery it requested", async () => {
    const client = await clientOf(
      makeGateway({
        env: {
          CALLBACK_HOSTS: "receiver.test",
          WEBHOOK_SIGNING_SECRET: "test-webhook-master-secret-0123456789",
          DELIVERIES: { send: async () => undefined },
        },
      }),
    );
    expect((await client.key()).tier).toBe("bulk");
    expect((await client.usage()).day).toBe("2026-03-10");
    const accepted = await client.requestDelivery(uniqueKol(), {
      startDate: "2026-03-01",
      endDate: "2026-03-05",
      callbackUrl: "https://receiver.test/hook",
    });
    expect((await client.delivery(accepted.deliveryId)).status).toBe("queued");
  });

  it("buys a range again only when asked, with Xingtu-Refresh, and says what the gateway did", async () => {
    const gateway = makeGateway();
    const client = await clientOf(gateway);
    const kolId = uniqueKol();
    const range = { startDate: "2026-03-01", endDate: "2026-03-05" };
    await client.dailyFans(kolId, range);
    const refreshed = await client.dailyFans(kolId, { ...range, refresh: "settled" });
    expect(refreshed).toMatchObject({ upstreamCalls: 1, refresh: "done" });
    expect((await client.dailyFans(kolId, range)).refresh).toBeNull();
  });
});

describe("the installable client's failures", () => {
  const problem = (status: number, type: string, retryAfter?: string) =>
    new Response(
      JSON.stringify({ type: `/problems/${type}`, title: type, status, detail: `${type} detail`, instance: "/x", requestId: "r" }),
      {
        status,
        headers: { "Content-Type": "application/problem+json", ...(retryAfter === undefined ? {} : { "Retry-After": retryAfter }) },
      },
    );

  /** A client whose fetch answers from `answers` in turn, counting the attempts. */
  function scripted(answers: (() => Promise<Response>)[], options: { timeoutMs?: number; maxRetryDelayMs?: number } = {}) {
    let attempts = 0;
    const client = createGatewayClient("https://gateway.test", "xte_key", {
      ...options,
      fetch: () => answers[Math.min(attempts++, answers.length - 1)]!(),
    });
    return { client, attempts: () => attempts };
  }

  async function failureOf(call: Promise<unknown>): Promise<GatewayError> {
    try {
      await call;
    } catch (error) {
      return error as GatewayError;
    }
    throw new Error("the call did not fail");
  }

  const range = { startDate: "2026-03-01", endDate: "2026-03-05" };

  it("waits longer by default than the gateway may take for all of a request's upstream calls", () => {
    const gatewayWorstCase = configSchema.parse({}).UPSTREAM_RETRY_BUDGET_MS;
    expect(DEFAULT_TIMEOUT_MS).toBeGreaterThan(gatewayWorstCase);
  });

  it("gives up after timeoutMs with a timeout error carrying its problem, and never retries it", async () => {
    const hanging = (): Promise<Response> => new Promise(() => undefined);
    const { client, attempts } = scripted([hanging], { timeoutMs: 20 });
    const error = await failureOf(client.dailyFans("42", range));
    expect(error).toBeInstanceOf(GatewayTimeoutError);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.problem).toMatchObject({ type: "urn:xingtu-edge:client:timeout", status: 0 });
    expect(error.message).toContain("within 20 ms");
    expect(attempts()).toBe(1);
  });

  it("reports an unreachable gateway as its own error with the cause, not a bare TypeError, and never retries it", async () => {
    const { client, attempts } = scripted([() => Promise.reject(new TypeError("fetch failed"))]);
    const error = await failureOf(client.usage());
    expect(error).toBeInstanceOf(GatewayUnreachableError);
    expect(error.problem).toMatchObject({ type: "urn:xingtu-edge:client:unreachable", status: 0 });
    expect(error.message).toBe("https://gateway.test could not be reached (fetch failed).");
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(attempts()).toBe(1);
  });

  it("retries a 429 or 503 that says when, and only as often as allowed", async () => {
    const ok = () => Promise.resolve(Response.json({ key: "k" }));
    const retried = scripted([
      () => Promise.resolve(problem(503, "ledger-unavailable", "0")),
      () => Promise.resolve(problem(429, "rate-limited", "0")),
      ok,
    ]);
    expect(await retried.client.key()).toEqual({ key: "k" });
    expect(retried.attempts()).toBe(3);
    const exhausted = scripted([() => Promise.resolve(problem(503, "upstream-unavailable", "0"))]);
    expect((await failureOf(exhausted.client.key())).problem.type).toBe("/problems/upstream-unavailable");
    expect(exhausted.attempts()).toBe(3);
  });

  it("never retries what may have spent money, nor waits for a day's limit", async () => {
    for (const [answer, type] of [
      [problem(504, "upstream-timeout", "60"), "/problems/upstream-timeout"],
      [problem(502, "upstream-unreachable"), "/problems/upstream-unreachable"],
      [problem(429, "key-spend-limit", "36000"), "/problems/key-spend-limit"],
      [problem(503, "spend-guard-open"), "/problems/spend-guard-open"],
    ] as const) {
      const { client, attempts } = scripted([() => Promise.resolve(answer)]);
      expect((await failureOf(client.dailyFans("42", range))).problem.type).toBe(type);
      expect(attempts()).toBe(1);
    }
  });

  it("says the gateway's refusal once, in its detail", async () => {
    const gateway = makeGateway();
    const client = createGatewayClient("https://gateway.test", "xte_not-a-key", {
      fetch: (input, init) => gateway.request(new URL(input).pathname, { ...init, as: undefined }),
    });
    const error = await failureOf(client.key());
    expect(error.status).toBe(401);
    expect(error.message).toBe(error.problem.detail);
    expect(error.message.split(error.problem.title)).toHaveLength(2);
  });

  it("turns an error answer that is not a problem (a proxy's page) into one", async () => {
    const { client } = scripted([
      () => Promise.resolve(new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" })),
    ]);
    const error = await failureOf(client.key());
    expect(error.problem).toMatchObject({ type: "urn:xingtu-edge:client:http", status: 502, title: "HTTP 502 Bad Gateway" });
  });
});
