/**
 * @module The app wiring: middleware order, routes, and the single exit for every error.
 *
 * Dependencies (the upstream's fetch, the clock, sleeping, randomness, the log sink) are
 * injected, so the same app runs in production, against the emulator in tests, and in the
 * benchmark. One app instance per isolate also owns the request-coalescing map.
 */
import { Hono, type Context } from "hono";
import { requestId } from "hono/request-id";
import { HTTPException } from "hono/http-exception";
import { createSingleFlight } from "./cache/single-flight";
import { gatewayContext } from "./middleware/gateway-context";
import { accessLog } from "./middleware/access-log";
import { dailyFansRoutes, DAILY_FANS_PATH, upstreamStyleErrors } from "./routes/daily-fans";
import { healthRoutes } from "./routes/health";
import { ProblemError, problemResponse } from "./problem";
import { UPSTREAM_PATH } from "./upstream-client";
import { etag } from "hono/etag";
import type { GatewayDeps, GatewayEnv } from "./env";

const ETAG_RETAINED_HEADERS = ["cache-control", "etag", "vary", "age", "cache-status", "x-request-id"];

export function createApp(deps: GatewayDeps) {
  const app = new Hono<GatewayEnv>();
  const data = [DAILY_FANS_PATH, UPSTREAM_PATH];

  app.use(requestId({ limitLength: 128 }));
  app.use(accessLog(deps.log));
  app.use(UPSTREAM_PATH, upstreamStyleErrors);
  const singleFlight = createSingleFlight();
  for (const path of data) {
    app.use(path, etag({ retainedHeaders: ETAG_RETAINED_HEADERS }));
    app.use(path, gatewayContext(deps, singleFlight));
  }
  app.route("/", healthRoutes);
  app.route("/", dailyFansRoutes(deps.now));

  const respond = (c: Context<GatewayEnv>, error: ProblemError) =>
    problemResponse(error, {
      requestId: c.var.requestId ?? crypto.randomUUID(),
      instance: c.req.path.slice(0, 200),
      upstreamStyle: c.var.upstreamStyle ?? false,
    });

  app.notFound((c) =>
    respond(c, new ProblemError("not-found", { detail: `There is no route ${c.req.method} ${c.req.path.slice(0, 200)}.` })),
  );

  app.onError((error, c) => {
    if (error instanceof ProblemError) return respond(c, error);
    if (error instanceof HTTPException && error.status < 500) {
      return respond(c, new ProblemError("invalid-request", { detail: error.message || "The request is malformed." }));
    }
    deps.log({ level: "error", msg: "unhandled error", requestId: c.var.requestId, error: error.name });
    return respond(c, new ProblemError("internal-error", { detail: "The gateway failed unexpectedly; the request id identifies the log line." }));
  });

  return app;
}

export type GatewayApp = ReturnType<typeof createApp>;
