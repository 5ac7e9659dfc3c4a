/**
 * @module The daily-fans routes, which differ only in how they render the same lookup:
 * - `GET /v1/kols/{kolId}/daily-fans`: the normalized, typed trend as JSON, or as CSV with
 *   `format=csv` or `Accept: text/csv`;
 * - `GET /v1/kols/{kolId}/daily-fans.svg`: a line chart for `<img>` embeds (which cannot send
 *   headers, so the key may come as the `key` query parameter);
 * - the upstream's own paths, its successor (`oAuthorId`) and its deprecated seed (`kolId`): its
 *   body shape and strings as the upstream sent them, so a script written against either works by
 *   changing only its host (and its token, which here is a client key). Errors there also carry
 *   the upstream-style `code` and `message`.
 *
 * Each route runs, in order: ETag/304, configuration, client key and rate limit, validation.
 */
import { Hono } from "hono/tiny";
import type { Context } from "hono";
import { etag } from "hono/etag";
import { askedMode, REFRESH_HEADER } from "../lookup/refresh.ts";
import { normalize } from "../lookup/normalize.ts";
import {
  chartRequestSchema,
  dropInRequestSchema,
  successorDropInRequestSchema,
  trendRequestSchema,
  type RangeLimits,
  type TrendRequest,
} from "../schemas/request.ts";
import type { LookupResult } from "../lookup/lookup.ts";
import { SEED_PATH, SUCCESSOR_PATH } from "../upstream/request.ts";
import { validateTrendRequest } from "../middleware/validate.ts";
import { gatewayContext } from "../middleware/gateway-context.ts";
import { clientAuth, keyInQuery } from "../auth/client-auth.ts";
import { csvFilename, csvHeaders, trendCsv, wantsCsv } from "../render/csv.ts";
import { trendSvg } from "../render/svg.ts";
import { SVG_HEADERS, WIDTH } from "../render/chart.ts";
import { langOf } from "../render/language.ts";
import { headOnly, lookupWithHeaders } from "./lookup-response.ts";
import { renderOnce } from "../render/once.ts";
import { dataOf, rawBody } from "../lookup/lookup.ts";
import type * as z from "zod/mini";
import type { GatewayEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";

export const DAILY_FANS_PATH = "/v1/kols/:kolId/daily-fans";
export const CHART_PATH = "/v1/kols/:kolId/daily-fans.svg";

const ETAG_RETAINED_HEADERS = ["cache-control", "etag", "vary", "age", "cache-status", "x-request-id", "xingtu-refresh"];

type Respond = (c: Context<GatewayEnv>, request: TrendRequest, result: LookupResult, headers: Record<string, string>) => Promise<Response>;

/** Sends a representation rendered once per stored answer (render/once.ts), with its ETag. */
async function send(
  c: Context<GatewayEnv>,
  result: LookupResult,
  representation: string,
  render: () => string,
  headers: Record<string, string>,
): Promise<Response> {
  const { body, etag } = await renderOnce(result.answer, representation, render);
  return c.body(body, 200, { ...headers, ETag: etag });
}

const JSON_TYPE = "application/json";

const respondTrend: Respond = (c, request, result, headers) => {
  const data = dataOf(result, headers);
  const trend = () => normalize(request, data);
  if (!wantsCsv(request.format, c.req.header("Accept"))) {
    return send(c, result, "json", () => JSON.stringify(trend()), { ...headers, Vary: "Accept", "Content-Type": JSON_TYPE });
  }
  const options = { lang: langOf(request.lang, c.req.header("Accept-Language")), bom: request.bom };
  return send(c, result, `csv:${options.lang}:${options.bom === true}`, () => trendCsv(trend(), options), {
    ...headers,
    Vary: "Accept, Accept-Language",
    ...csvHeaders(csvFilename(request)),
  });
};

const respondChart: Respond = (c, request, result, headers) => {
  const data = dataOf(result, headers);
  const lang = langOf(request.lang, c.req.header("Accept-Language"));
  const width = request.width ?? WIDTH;
  const { name } = request;
  // The name is in the rendering's key: the same answer under two names is two charts.
  return send(c, result, `svg:${lang}:${width}:${name ?? ""}`, () => trendSvg(normalize(request, data), lang, width, name), {
    ...headers,
    Vary: "Accept-Language",
    ...SVG_HEADERS,
  });
};

const respondUpstreamStyle: Respond = (c, _request, result, headers) => {
  const body = rawBody(result, headers);
  return send(c, result, "upstream", () => JSON.stringify(body), { ...headers, "Content-Type": JSON_TYPE });
};

export function dailyFansRoutes(runtime: Runtime) {
  const context = gatewayContext(runtime);
  const auth = clientAuth(runtime);

  const route = <P extends string, T extends TrendRequest, Q>(
    path: P,
    schemaFor: (limits: RangeLimits) => z.ZodMiniType<T>,
    queryPart: (request: T) => Q,
    respond: Respond,
    rolling = false,
  ) =>
    new Hono<GatewayEnv>().get(
      path,
      etag({ retainedHeaders: ETAG_RETAINED_HEADERS }),
      context,
      auth,
      validateTrendRequest(schemaFor, runtime.now, queryPart, rolling),
      async (c) => {
        if (c.req.method === "HEAD") return headOnly(c);
        const request = c.get("trendRequest");
        const { result, headers, cacheStatus } = await lookupWithHeaders(c, request, askedMode(c.req.header(REFRESH_HEADER)));
        c.set("cacheStatus", cacheStatus);
        return respond(c, request, result, headers);
      },
    );

  const withoutKolId = ({ kolId: _kolId, ...query }: TrendRequest) => query;
  const whole = (request: TrendRequest) => request;
  const asSuccessor = ({ kolId, ...query }: TrendRequest) => ({ oAuthorId: kolId, ...query });
  return (
    new Hono<GatewayEnv>()
      // The gateway's own routes also take a rolling `days=N`; the drop-in paths take the upstream's parameters only.
      .route("/", route(DAILY_FANS_PATH, trendRequestSchema, withoutKolId, respondTrend, true))
      .use(CHART_PATH, keyInQuery("key"))
      .route("/", route(CHART_PATH, chartRequestSchema, withoutKolId, respondChart, true))
      .route("/", route(SUCCESSOR_PATH, successorDropInRequestSchema, asSuccessor, respondUpstreamStyle))
      .route("/", route(SEED_PATH, dropInRequestSchema, whole, respondUpstreamStyle))
  );
}
