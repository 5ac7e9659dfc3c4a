/**
 * @module One structured log line per request, written after the response is decided.
 *
 * It logs the path (never the query string, which may carry a client's credential on the
 * drop-in route) and what the request cost upstream, so an operator can follow spend.
 */
import { createMiddleware } from "hono/factory";
import type { GatewayEnv } from "../env";
import type { LogSink } from "../log";
import { newTrace } from "../lookup-context";

const MAX_LOGGED_PATH = 200;

export function accessLog(log: LogSink) {
  return createMiddleware<GatewayEnv>(async (c, next) => {
    const started = Date.now();
    const trace = newTrace();
    c.set("trace", trace);
    c.set("upstreamStyle", false);
    await next();
    const status = c.res.status;
    log({
      level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
      msg: "request",
      requestId: c.var.requestId,
      method: c.req.method,
      path: c.req.path.slice(0, MAX_LOGGED_PATH),
      status,
      durationMs: Date.now() - started,
      client: c.var.client?.name ?? null,
      cache: c.var.cacheStatus ?? null,
      upstream: {
        attempts: trace.upstream.attempts,
        ms: trace.upstream.elapsedMs,
        code: trace.upstream.lastCode ?? null,
        message: trace.upstream.lastMessage ?? null,
        coalesced: trace.coalesced,
        reusedDays: trace.reusedDays,
      },
    });
  });
}
