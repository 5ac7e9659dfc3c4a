/**
 * @module The two daily-fans routes, which differ only in how they render the same lookup:
 * - `GET /v1/kols/{kolId}/daily-fans`: the normalized, typed trend;
 * - the upstream's own path: its body shape and strings as the upstream sent them, so a script
 *   written against the upstream works by changing only its host. Errors there also carry the
 *   upstream-style `code` and `message`.
 */
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { cacheHeaders, wantsRefresh } from "../cache/headers";
import { normalize } from "../normalize";
import { dropInRequestSchema, trendRequestSchema, type RangeLimits, type TrendRequest } from "../schemas/request";
import { lookupTrend, type LookupResult } from "../trend-lookup";
import { UPSTREAM_PATH } from "../upstream-client";
import { validateTrendRequest } from "../middleware/validate";
import type { z } from "zod";
import type { Clock } from "../clock";
import type { GatewayEnv } from "../env";

/** Marks the drop-in route so its errors also carry the upstream-style `code` and `message`. */
export const upstreamStyleErrors = createMiddleware<GatewayEnv>(async (c, next) => {
  c.set("upstreamStyle", true);
  await next();
});

type Render = (request: TrendRequest, result: LookupResult) => unknown;

function dailyFansRoute(path: string, schemaFor: (limits: RangeLimits) => z.ZodType<TrendRequest>, render: Render, now: Clock) {
  return new Hono<GatewayEnv>().get(path, validateTrendRequest(schemaFor, now), async (c) => {
    const request = c.req.valid("query");
    const lookup = c.var.lookup;
    const result = await lookupTrend(lookup, request, wantsRefresh(c.req.header("Cache-Control")));
    const headers = cacheHeaders(result, lookup.trace.storeReadFailed);
    c.set("cacheStatus", headers["Cache-Status"]);
    return c.json(render(request, result), 200, headers);
  });
}

export const DAILY_FANS_PATH = "/v1/kols/:kolId/daily-fans";

export function dailyFansRoutes(now: Clock) {
  return new Hono<GatewayEnv>()
    .route("/", dailyFansRoute(DAILY_FANS_PATH, trendRequestSchema, (request, result) => normalize(request, result.success.data), now))
    .route("/", dailyFansRoute(UPSTREAM_PATH, dropInRequestSchema, (_request, result) => result.success.raw, now));
}
