/**
 * The installable client (packages/client) against a test gateway: its calls, its errors, and its
 * hand-written types held equal to the gateway's own schemas, so they cannot drift.
 * (test/node/client-package.test.ts packs and installs it as a user would.)
 */
import { env } from "cloudflare:workers";
import { describe, expect, expectTypeOf, it } from "vitest";
import type * as z from "zod";
import * as published from "../../packages/client/src/index.ts";
import { createGatewayClient, GatewayError } from "../../packages/client/src/index.ts";
import type { Trend } from "../../src/schemas/trend.ts";
import type { RosterBody, RosterList, RosterTrends } from "../../src/schemas/roster-answers.ts";
import type { watchSchemas } from "../../src/schemas/watches.ts";
import type { WatchView } from "../../src/schemas/roster-answers.ts";
import type { Problem } from "../../src/problem.ts";
import type { KeyInfo, Usage } from "../../src/schemas/operations.ts";
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
  it("has the gateway's own types", () => {
    expectTypeOf<published.Trend>().toEqualTypeOf<Trend>();
    expectTypeOf<published.Problem>().toEqualTypeOf<Problem>();
    expectTypeOf<published.Usage>().toEqualTypeOf<Usage>();
    expectTypeOf<published.KeyInfo>().toEqualTypeOf<KeyInfo>();
    expectTypeOf<published.DeliveryStatus>().toEqualTypeOf<DeliveryStatus>();
    expectTypeOf<published.DeliveryAccepted>().toEqualTypeOf<z.infer<typeof deliveryAcceptedSchema>>();
    expectTypeOf<published.RosterTrends>().toEqualTypeOf<RosterTrends>();
    expectTypeOf<published.Roster>().toEqualTypeOf<RosterBody>();
    expectTypeOf<published.RosterList>().toEqualTypeOf<RosterList>();
    expectTypeOf<published.WatchView>().toEqualTypeOf<WatchView>();
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
    expect((await client.rosterDailyFansCsv("team", range)).data.split("\r\n")[0]).toBe("kolId,date,fans,delta");
    expect((await client.compareDailyFans(kolIds, range)).upstreamCalls).toBe(0);
    expect((await client.removeFromRoster("team", kolIds[0]!)).kolIds).toEqual([kolIds[1]]);
    const watched = await client.putWatch("team", {
      rules: [{ kind: "anomaly" }],
      targets: [{ type: "slack", url: "https://hooks.slack.com/services/T/B/x" }],
    });
    expect(watched.targets).toEqual([{ type: "slack", url: "https://hooks.slack.com" }]);
    expect((await client.watch("team")).rules).toEqual([{ kind: "anomaly" }]);
    await client.deleteWatch("team");
    await client.deleteRoster("team");
    await expect(client.roster("team")).rejects.toMatchObject({ status: 404, problem: { type: "/problems/roster-not-found" } });
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
});
