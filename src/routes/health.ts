/**
 * @module `GET /healthz`: is the gateway ready to serve? Never calls the upstream and never
 * reveals a value: whether each required piece is present, which variables are wrong, and the
 * spend guard's state (is the upstream being called, how much of today's budget is used).
 */
import { Hono } from "hono";
import * as z from "zod";
import { loadConfig } from "../config.ts";
import { createLookupContext, newTrace, type IsolateState } from "../lookup/context.ts";
import { deferWith } from "../middleware/gateway-context.ts";
import type { GatewayDeps, GatewayEnv } from "../bindings.ts";
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

export function healthRoutes(deps: GatewayDeps, isolate: IsolateState) {
  return new Hono<GatewayEnv>().get("/healthz", async (c) => {
    const loaded = loadConfig(c.env);
    const secret = c.env.JUSTONEAPI_TOKEN;
    const token = typeof secret === "string" && secret.trim() !== "" ? "present" : "missing";
    const bound = (value: unknown) => (value ? "bound" : "missing");
    const checks: Health["checks"] = { config: loaded.ok ? "valid" : "invalid", token, cache: bound(c.env.CACHE), keys: bound(c.env.KEYS) };
    const configured = loaded.ok && Object.values(checks).every((value) => value === "valid" || value === "present" || value === "bound");
    let spendGuard: Health["spendGuard"] = null;
    if (configured) {
      const context = createLookupContext({ env: c.env, deps, isolate, trace: newTrace(), defer: deferWith(c), warn: () => undefined });
      const status = await context.guard.status();
      spendGuard = {
        upstreamCalls: status.breaker ? "stopped" : "allowed",
        breaker: status.breaker ? { reason: status.breaker.reason, until: new Date(status.breaker.until).toISOString() } : null,
        budget: status.budget,
      };
    }
    return c.json<Health>(
      { status: configured ? "ok" : "misconfigured", version: VERSION, checks, problems: loaded.problems, spendGuard },
      configured ? 200 : 503,
      { "Cache-Control": "no-store" },
    );
  });
}
