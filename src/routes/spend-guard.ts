/**
 * @module `GET` and `DELETE /v1/spend-guard`: the account ledger's breaker and today's calls, for
 * operators (`npm run guard`). Both need a key with the `operate` permission: clearing the breaker
 * lets the gateway spend again.
 */
import { Hono } from "hono/tiny";

import type { SpendGuardState } from "../schemas/operations.ts";
import { ProblemError } from "../problem.ts";
import { breakerView } from "../ledger/spend-guard.ts";
import { gatewayContext } from "../middleware/gateway-context.ts";
import { clientAuth } from "../auth/client-auth.ts";
import type { GatewayEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";
import type { Context } from "hono";

export const SPEND_GUARD_PATH = "/v1/spend-guard";

function requireOperator(c: Context<GatewayEnv>): void {
  if (c.get("client").canOperate) return;
  throw new ProblemError("forbidden", {
    detail: "The spend guard needs a key with the operate permission (`npm run key -- create --operator`).",
  });
}

/** The guard as the request's lookup context (gateway-context.ts) sees it. */
async function state(c: Context<GatewayEnv>, cleared?: boolean) {
  const status = await c.get("lookup").guard.status();
  const { today } = status;
  return c.json<SpendGuardState>(
    {
      ...breakerView(today.breaker),
      today: { day: today.day, calls: today.calls, billed: today.billed, inFlight: today.reserved - today.leased, leased: today.leased },
      budget: status.budget?.limit ?? null,
      ...(cleared === undefined ? {} : { cleared }),
    },
    200,
    { "Cache-Control": "no-store" },
  );
}

export function spendGuardRoutes(runtime: Runtime) {
  return new Hono<GatewayEnv>()
    .get(SPEND_GUARD_PATH, gatewayContext(runtime), clientAuth(runtime), (c) => {
      requireOperator(c);
      return state(c);
    })
    .delete(SPEND_GUARD_PATH, gatewayContext(runtime), clientAuth(runtime), async (c) => {
      requireOperator(c);
      return state(c, await c.get("lookup").guard.clear());
    });
}
