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
import { usageToday } from "../ledger/usage.ts";
import type { GatewayEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";

export const USAGE_PATH = "/v1/usage";
export const KEY_PATH = "/v1/key";

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
      const limit = client.dailyUpstreamCalls > 0 ? client.dailyUpstreamCalls : null;
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
          dailyUpstreamCalls: limit,
          // A call in flight counts until it is recorded, as the key's ledger counts it.
          remainingUpstreamCalls: limit === null ? null : Math.max(0, limit - usage.billed - usage.uncertain - usage.inFlight),
          resetsAt: new Date(Date.parse(`${addDays(shanghaiToday(now), 1)}T00:00:00+08:00`)).toISOString(),
          gateway: {
            upstreamCalls: guard.today.breaker ? "stopped" : "allowed",
            stoppedUntil: guard.today.breaker ? new Date(guard.today.breaker.until).toISOString() : null,
            reason: guard.today.breaker?.reason ?? null,
            budgetRemaining: guard.budget ? Math.max(0, guard.budget.limit - guard.budget.used) : null,
          },
        },
        200,
        { "Cache-Control": "no-store" },
      );
    });
}
