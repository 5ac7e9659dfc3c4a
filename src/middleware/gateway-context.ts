/**
 * @module Admits a request to the data routes only when the gateway is configured, and builds
 * the lookup context those routes share.
 *
 * A missing secret or binding is the operator's problem, so it is reported as a clear
 * problem+json naming what to set (config/readiness.ts), never as a crash or a stack trace.
 */
import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import { createLookupContext, deferTo, type LookupContext } from "../lookup/context.ts";
import type { Runtime } from "../runtime.ts";
import type { ObserveEnv } from "./observe.ts";

export interface LookupEnv {
  Bindings: ObserveEnv["Bindings"];
  Variables: ObserveEnv["Variables"] & { lookup: LookupContext };
}

/** `ctx.waitUntil` where the runtime gives one; unit-test paths may have no execution context. */
export function deferWith(c: Context): (work: Promise<unknown>) => void {
  return (work) => {
    try {
      deferTo(c.executionCtx)(work);
    } catch {
      // No execution context: the work still runs, it just is not awaited by the runtime.
      work.catch(() => undefined);
    }
  };
}

export function gatewayContext(runtime: Runtime) {
  return createMiddleware<LookupEnv>(async (c, next) => {
    const requestId = c.get("requestId");
    c.set(
      "lookup",
      createLookupContext({
        env: c.env,
        runtime,
        trace: c.get("trace"),
        defer: deferWith(c),
        warn: (message) => runtime.log({ level: "warn", msg: message, requestId }),
      }),
    );
    await next();
  });
}
