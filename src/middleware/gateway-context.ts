/**
 * @module Admits a request to the data routes only when the gateway is configured, and builds
 * the lookup context those routes share.
 *
 * A missing secret or binding is the operator's problem, so it is reported as a clear
 * problem+json naming what to set, never as a crash or a stack trace.
 */
import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import { loadConfig } from "../config";
import { ProblemError } from "../problem";
import type { SingleFlight } from "../cache/single-flight";
import { kvStore } from "../cache/store";
import type { GatewayDeps, GatewayEnv } from "../env";

function misconfigured(detail: string): ProblemError {
  return new ProblemError("gateway-misconfigured", { detail });
}

/** `ctx.waitUntil` where the runtime gives one; unit-test paths may have no execution context. */
export function deferWith(c: Context<GatewayEnv>): (work: Promise<unknown>) => void {
  return (work) => {
    const guarded = work.catch(() => undefined);
    try {
      c.executionCtx.waitUntil(guarded);
    } catch {
      // No execution context: the work still runs, it just is not awaited by the runtime.
    }
  };
}

export function gatewayContext(deps: GatewayDeps, singleFlight: SingleFlight) {
  return createMiddleware<GatewayEnv>(async (c, next) => {
    const loaded = loadConfig(c.env);
    if (!loaded.ok) {
      throw misconfigured(`The gateway's configuration is invalid: ${loaded.problems.join("; ")}. Operator: fix these variables in wrangler.toml.`);
    }
    const token = loaded.config.JUSTONEAPI_TOKEN;
    if (!token) {
      throw misconfigured("The secret JUSTONEAPI_TOKEN is not set. Operator: run `wrangler secret put JUSTONEAPI_TOKEN`.");
    }
    for (const binding of ["CACHE", "KEYS"] as const) {
      if (!c.env[binding]) {
        throw misconfigured(`The KV namespace binding ${binding} is missing. Operator: create it (\`wrangler kv namespace create ${binding}\`) and put its id in wrangler.toml.`);
      }
    }
    const requestId = c.var.requestId;
    c.set("lookup", {
      config: loaded.config,
      token,
      store: kvStore(c.env.CACHE),
      singleFlight,
      deps,
      trace: c.var.trace,
      defer: deferWith(c),
      warn: (message) => deps.log({ level: "warn", msg: message, requestId }),
    });
    await next();
  });
}
