/**
 * @module The price first: each route that may spend has a `/quote` twin that answers what the
 * same request would spend now (upstream calls, the days they ask for, the amount at the
 * operator's price) and whether the key's limit, the account's budget and the spend guard would
 * admit it, spending nothing and counting as no data request:
 * - `GET /v1/kols/{kolId}/daily-fans/quote?startDate&endDate`: a trend, its chart, the drop-in
 *   paths and a webhook for that range (they share one lookup);
 * - `GET /v1/rosters/{name}/daily-fans/quote?startDate&endDate`: a roster's trends or chart;
 * - `POST /v1/kols/daily-fans/quote` with `{ kolIds, startDate, endDate }`: many creators.
 */
import { Hono } from "hono/tiny";
import type { Context } from "hono";
import { gatewayContext } from "../middleware/gateway-context.ts";
import { validPathAndQuery } from "../middleware/validate.ts";
import { jsonOnly } from "../middleware/json-body.ts";
import { clientAuth, requireKeyFor } from "../auth/client-auth.ts";
import { perLimits, rangeLimits, trendRequestSchema } from "../schemas/request.ts";
import type { Quote } from "../schemas/quote.ts";
import { quoteCreators } from "../lookup/quote.ts";
import { remainingCalls, usageToday } from "../ledger/usage.ts";
import { amountOf, priceOf } from "../ledger/price.ts";
import { budgetLeft } from "../ledger/spend-guard.ts";
import { adhocBodyOf, creatorsOf, trendsSchemaFor } from "./rosters.ts";
import type { KolRange } from "../upstream/request.ts";
import { askedMode, REFRESH_HEADER, type AskedRefresh } from "../lookup/refresh.ts";
import type { GatewayEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";

export const TREND_QUOTE_PATH = "/v1/kols/:kolId/daily-fans/quote";
export const ROSTER_QUOTE_PATH = "/v1/rosters/:name/daily-fans/quote";
export const ADHOC_QUOTE_PATH = "/v1/kols/daily-fans/quote";

type Ctx = Context<GatewayEnv>;

const trendSchemaFor = perLimits(trendRequestSchema);

/** The quote of `kolIds` over `range`, with what the caller's limits would admit now. */
async function quoteFor(
  c: Ctx,
  runtime: Runtime,
  kolIds: readonly string[],
  range: Omit<KolRange, "kolId">,
  asked?: AskedRefresh,
): Promise<Response> {
  const lookup = c.get("lookup");
  const client = c.get("client");
  const limit = client.dailyUpstreamCalls > 0 ? client.dailyUpstreamCalls : null;
  // A key's limit is kept by its ledger: without one bound, there is none to tell.
  const counted = !client.anonymous && limit !== null && c.env.KEY_LEDGER !== undefined;
  const options = { ...(asked ? { asked } : {}), ...(client.chargeUpstreamCall ? { charge: client.chargeUpstreamCall } : {}) };
  const [quoted, guard, usage] = await Promise.all([
    quoteCreators(lookup, kolIds, range, options),
    lookup.guard.status(),
    counted ? usageToday(c.env, runtime, client.name) : null,
  ]);
  const keyRemaining = usage ? remainingCalls(limit, usage) : null;
  const budgetRemaining = budgetLeft(guard);
  const { calls } = quoted;
  const refusedBy =
    calls === 0
      ? null
      : guard.today.breaker
        ? ("spend-guard" as const)
        : budgetRemaining !== null && calls > budgetRemaining
          ? ("budget" as const)
          : keyRemaining !== null && calls > keyRemaining
            ? ("key-limit" as const)
            : null;
  const price = priceOf(lookup.config);
  return c.json<Quote>(
    {
      ...range,
      creators: kolIds.length,
      calls,
      days: quoted.days,
      price: price && { ...price, amount: amountOf(calls, price) },
      admitted: refusedBy === null,
      refusedBy,
      keyRemaining,
      budgetRemaining,
      members: quoted.members,
    },
    200,
    { "Cache-Control": "no-store" },
  );
}

export function quoteRoutes(runtime: Runtime) {
  const limitsNow = (c: Ctx) => rangeLimits(c.get("lookup").config, runtime.now());
  const adhocBody = adhocBodyOf(runtime);
  const [context, auth] = [gatewayContext(runtime), clientAuth(runtime)];
  return new Hono<GatewayEnv>()
    .use(TREND_QUOTE_PATH, context, auth)
    .use(ROSTER_QUOTE_PATH, context, auth)
    .use(ADHOC_QUOTE_PATH, context, auth)
    .get(TREND_QUOTE_PATH, (c) => {
      // The trend's own refresh header: a bad value is the same 400, and a refresh it would grant is priced.
      const mode = askedMode(c.req.header(REFRESH_HEADER));
      const { kolId, startDate, endDate } = validPathAndQuery(c, trendSchemaFor, limitsNow(c));
      const client = c.get("client");
      const asked = mode && client.canRefresh ? { mode, by: client.name } : undefined;
      return quoteFor(c, runtime, [kolId], { startDate, endDate }, asked);
    })
    .get(ROSTER_QUOTE_PATH, async (c) => {
      requireKeyFor(c.get("client"), "Rosters");
      const { path, query } = validPathAndQuery(c, trendsSchemaFor, limitsNow(c));
      return quoteFor(c, runtime, (await creatorsOf(c, runtime, path.name)).kolIds, { startDate: query.startDate, endDate: query.endDate });
    })
    .post(ADHOC_QUOTE_PATH, jsonOnly, adhocBody, (c) => {
      const { kolIds, startDate, endDate } = c.req.valid("json");
      return quoteFor(c, runtime, kolIds, { startDate, endDate });
    });
}
