/**
 * @module `GET /v1/usage`: the calling key's own day (Asia/Shanghai): its data requests, hits,
 * the upstream calls its misses made and how many were billed, and its daily limit, from its
 * ledger (ledger/key-ledger.ts); and the gateway's state from the account's ledger (is the
 * upstream being called, what is left of the daily budget), so a key sees why a miss would be refused.
 */
import { Hono } from "hono/tiny";

import type { KeyInfo, Usage } from "../schemas/operations.ts";
import { addDays, shanghaiToday } from "../calendar.ts";
import { ProblemError } from "../problem.ts";
import { requireKeyLedger } from "../config/readiness.ts";
import { gatewayContext } from "../middleware/gateway-context.ts";
import { clientAuth } from "../auth/client-auth.ts";
import { remainingCalls, usageHistory, usageToday } from "../ledger/usage.ts";
import { amountOf, priceOf } from "../ledger/price.ts";
import { budgetLeft } from "../ledger/spend-guard.ts";
import type { GatewayEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";

export const USAGE_PATH = "/v1/usage";
export const KEY_PATH = "/v1/key";

/** Days of a key's usage `/v1/usage` lists, today included. */
const HISTORY_DAYS = 30;

/** Usage and identity are per key: an anonymous caller (PUBLIC_ACCESS) has neither. */
function requireNamedKey(client: { anonymous: boolean }, what: string): void {
  if (client.anonymous)
    throw new ProblemError("unauthorized", { detail: `${what} is kept per client key: send \`Authorization: Bearer <key>\`.` });
}

export function usageRoutes(runtime: Runtime) {
  return new Hono<GatewayEnv>()
    .get(KEY_PATH, gatewayContext(runtime), clientAuth(runtime), (c) => {
      const client = c.get("client");
      requireNamedKey(client, "A key's identity");
      const permissions: KeyInfo["permissions"] = [
        ...(client.canRefresh ? ["refresh" as const] : []),
        ...(client.canOperate ? ["operate" as const] : []),
      ];
      return c.json<KeyInfo>(
        {
          key: client.name,
          tier: client.tier,
          permissions,
          dailyUpstreamCalls: client.dailyUpstreamCalls > 0 ? client.dailyUpstreamCalls : null,
        },
        200,
        { "Cache-Control": "no-store" },
      );
    })
    .get(USAGE_PATH, gatewayContext(runtime), clientAuth(runtime), async (c) => {
      const client = c.get("client");
      requireNamedKey(client, "Usage");
      requireKeyLedger(c.env);
      const now = runtime.now();
      const [usage, guard] = await Promise.all([usageToday(c.env, runtime, client.name), c.get("lookup").guard.status()]);
      // After today's usage, which sent this isolate's batch first.
      const history = await usageHistory(c.env, runtime, client.name, HISTORY_DAYS);
      const limit = client.dailyUpstreamCalls > 0 ? client.dailyUpstreamCalls : null;
      const price = priceOf(c.get("lookup").config);
      const spent = (day: { billed: number; uncertain: number }) => day.billed + day.uncertain;
      return c.json<Usage>(
        {
          key: client.name,
          day: shanghaiToday(now),
          requests: usage.requests,
          hits: usage.hits,
          upstreamCalls: usage.calls,
          billedCalls: usage.billed,
          uncertainCalls: usage.uncertain,
          inFlightCalls: usage.inFlight,
          leasedCalls: usage.leased,
          dailyUpstreamCalls: limit,
          remainingUpstreamCalls: remainingCalls(limit, usage),
          resetsAt: new Date(Date.parse(`${addDays(shanghaiToday(now), 1)}T00:00:00+08:00`)).toISOString(),
          gateway: {
            upstreamCalls: guard.today.breaker ? "stopped" : "allowed",
            stoppedUntil: guard.today.breaker ? new Date(guard.today.breaker.until).toISOString() : null,
            reason: guard.today.breaker?.reason ?? null,
            budgetRemaining: budgetLeft(guard),
          },
          cost: price && {
            ...price,
            today: amountOf(spent(usage), price),
            last30Days: amountOf(
              history.reduce((sum, day) => sum + spent(day), 0),
              price,
            ),
          },
          history: history.map((day) => ({
            day: day.day,
            upstreamCalls: day.calls,
            billedCalls: day.billed,
            uncertainCalls: day.uncertain,
            amount: price && amountOf(spent(day), price),
          })),
        },
        200,
        { "Cache-Control": "no-store" },
      );
    });
}
