/**
 * @module The two daily-fans routes, which differ only in how they render the same lookup:
 * - `GET /v1/kols/{kolId}/daily-fans`: the normalized, typed trend;
 * - the upstream's own path: its body shape and strings as the upstream sent them, so a script
 *   written against the upstream works by changing only its host (and its token, which here is
 *   a client key). Errors there also carry the upstream-style `code` and `message`.
 *
 * Each route runs, in order: ETag/304, configuration, client key and rate limit, validation.
 */
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { etag } from "hono/etag";
import { cacheHeaders, wantsRefresh } from "../cache/headers";
import { normalize } from "../normalize";
import { dropInRequestSchema, trendRequestSchema, type RangeLimits, type TrendRequest } from "../schemas/request";
import { lookupTrend, type LookupResult } from "../trend-lookup";
import { UPSTREAM_PATH } from "../upstream-client";
import { validateTrendRequest } from "../middleware/validate";
import { gatewayContext } from "../middleware/gateway-context";
import { clientAuth } from "../auth/client-auth";
import type { z } from "zod";
import type { GatewayDeps, GatewayEnv } from "../env";
import type { IsolateState } from "../lookup-context";

export const DAILY_FANS_PATH = "/v1/kols/:kolId/daily-fans";

const ETAG_RETAINED_HEADERS = ["cache-control", "etag", "vary", "age", "cache-status", "x-request-id", "xingtu-refresh"];

/** Marks the drop-in route so its errors also carry the upstream-style `code` and `message`. */
export const upstreamStyleErrors = createMiddleware<GatewayEnv>(async (c, next) => {
  c.set("upstreamStyle", true);
  await next();
});

type Render = (request: TrendRequest, result: LookupResult) => unknown;
type SchemaFactory = (limits: RangeLimits) => z.ZodType<TrendRequest>;

export function dailyFansRoutes(deps: GatewayDeps, isolate: IsolateState) {
  const context = gatewayContext(deps, isolate);
  const auth = clientAuth(deps.now);

  const route = (path: string, schemaFor: SchemaFactory, render: Render) =>
    new Hono<GatewayEnv>().get(path, etag({ retainedHeaders: ETAG_RETAINED_HEADERS }), context, auth, validateTrendRequest(schemaFor, deps.now), async (c) => {
      const request = c.req.valid("query");
      const { lookup, client } = c.var;
      const asked = wantsRefresh(c.req.header("Cache-Control"));
      const result = await lookupTrend(lookup, request, { refresh: asked && client.canRefresh });
      const headers: Record<string, string> = cacheHeaders(result, lookup.trace.storeReadFailed, client.anonymous);
      if (asked && !client.canRefresh) headers["Xingtu-Refresh"] = 'refused; reason="the key lacks the refresh permission"';
      c.set("cacheStatus", headers["Cache-Status"]!);
      return c.json(render(request, result), 200, headers);
    });

  return new Hono<GatewayEnv>()
    .route("/", route(DAILY_FANS_PATH, trendRequestSchema, (request, result) => normalize(request, result.success.data)))
    .route("/", route(UPSTREAM_PATH, dropInRequestSchema, (_request, result) => result.success.raw));
}
