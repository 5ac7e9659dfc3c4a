/**
 * @module `GET` and `DELETE /v1/spend-guard`: the account ledger's breaker and today's calls, for
 * operators (`npm run guard`). Both need a key with the `operate` permission: clearing the breaker
 * lets the gateway spend again.
 */
import { Hono } from "hono";
import type { SpendGuardState } from "../schemas/operations.ts";
import { ProblemError } from "../problem.ts";
import { gatewayContext } from "../middleware/gateway-context.ts";
import { clientAuth } from "../auth/client-auth.ts";
import { createLookupContext, newTrace } from "../lookup/context.ts";
import { deferWith } from "../middleware/gateway-context.ts";
import type { GatewayEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";
import type { Context } from "hono";

export const SPEND_GUARD_PATH = "/v1/spend-guard";

function operatorGuard(c: Context<GatewayEnv>, runtime: Runtime) {
  if (!c.var.client.canOperate) {
    throw new ProblemError("forbidden", {
      detail: "The spend guard needs a key with the operate permission (`npm run key -- create --operator`).",
    });
  }
  return createLookupContext({ env: c.env, runtime, trace: newTrace(), defer: deferWith(c), warn: () => undefined });
}

async function state(c: Context<GatewayEnv>, runtime: Runtime, cleared?: boolean) {
  const context = operatorGuard(c, runtime);
  const status = await context.guard.status();
  const { today } = status;
  return c.json<SpendGuardState>(
    {
      upstreamCalls: today.breaker ? "stopped" : "allowed",
      breaker: today.breaker ? { reason: today.breaker.reason, until: new Date(today.breaker.until).toISOString() } : null,
      today: { day: today.day, calls: today.calls, billed: today.billed, inFlight: today.reserved },
      budget: status.budget?.limit ?? null,
      ...(cleared === undefined ? {} : { cleared }),
    },
    200,
    { "Cache-Control": "no-store" },
  );
}

export function spendGuardRoutes(runtime: Runtime) {
  return new Hono<GatewayEnv>()
    .get(SPEND_GUARD_PATH, gatewayContext(runtime), clientAuth(runtime), (c) => state(c, runtime))
    .delete(SPEND_GUARD_PATH, gatewayContext(runtime), clientAuth(runtime), async (c) => {
      const cleared = await operatorGuard(c, runtime).guard.clear();
      return state(c, runtime, cleared);
    });
}
