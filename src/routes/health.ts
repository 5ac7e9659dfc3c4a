/**
 * @module `GET /healthz`: is the gateway ready to serve? Never calls the upstream and never
 * reveals a value: whether each required piece is present, which variables are wrong, and the
 * spend guard's state (is the upstream being called, how much of today's budget is used).
 */
import { Hono } from "hono";
import * as z from "zod";
import { readiness } from "../config/readiness.ts";
import { createLookupContext, newTrace } from "../lookup/context.ts";
import { deferWith } from "../middleware/gateway-context.ts";
import type { Bindings } from "../bindings.ts";
import type { Runtime } from "../runtime.ts";
import { VERSION } from "../version.ts";

const presence = z.enum(["present", "missing"]);
const binding = z.enum(["bound", "missing"]);

export const healthSchema = z.object({
  status: z.enum(["ok", "misconfigured"]),
  version: z.string(),
  checks: z.object({ config: z.enum(["valid", "invalid"]), token: presence, cache: binding, keys: binding }),
  problems: z.array(z.string()),
  spendGuard: z
    .object({
      upstreamCalls: z.enum(["allowed", "stopped"]),
      breaker: z.object({ reason: z.string(), until: z.string() }).nullable(),
      budget: z.object({ limit: z.number(), used: z.number(), day: z.string() }).nullable(),
    })
    .nullable(),
});
export type Health = z.infer<typeof healthSchema>;

export function healthRoutes(runtime: Runtime) {
  return new Hono<{ Bindings: Bindings }>().get("/healthz", async (c) => {
    const state = readiness(c.env);
    let spendGuard: Health["spendGuard"] = null;
    if (state.ready) {
      const context = createLookupContext({ env: c.env, runtime, trace: newTrace(), defer: deferWith(c), warn: () => undefined });
      const status = await context.guard.status();
      spendGuard = {
        upstreamCalls: status.breaker ? "stopped" : "allowed",
        breaker: status.breaker ? { reason: status.breaker.reason, until: new Date(status.breaker.until).toISOString() } : null,
        budget: status.budget,
      };
    }
    return c.json<Health>(
      {
        status: state.ready ? "ok" : "misconfigured",
        version: VERSION,
        checks: state.checks,
        problems: state.problems,
        spendGuard,
      },
      state.ready ? 200 : 503,
      { "Cache-Control": "no-store" },
    );
  });
}
