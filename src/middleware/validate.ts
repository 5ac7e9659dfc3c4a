/**
 * @module Request validation for the daily-fans routes: the path and the query are checked
 * together with one zod schema, so every violation comes back in one problem+json.
 *
 * The validated request is kept in `c.get("trendRequest")`; what the validator itself returns is
 * only the query's part, because that is what `hono/client` reads as the query's input type.
 */
import type { Context } from "hono";
import { validator } from "hono/validator";
import type * as z from "zod/mini";
import type { Clock } from "../calendar.ts";
import { perLimits, rangeLimits, rollingDays, validated, type RangeLimits, type TrendRequest } from "../schemas/request.ts";
import type { LookupEnv } from "./gateway-context.ts";

export interface TrendRequestVariables {
  /** The validated daily-fans request (path and query together). */
  trendRequest: TrendRequest;
}

type SchemaFactory<T extends TrendRequest> = (limits: RangeLimits) => z.ZodMiniType<T>;

/** `rolling`: the route also takes `days=N` for the N days ending yesterday (schemas/request.ts `rollingDays`). */
export function validateTrendRequest<T extends TrendRequest, Q>(
  schemaFor: SchemaFactory<T>,
  now: Clock,
  queryPart: (request: T) => Q,
  rolling = false,
) {
  const schemaForLimits = perLimits(schemaFor);
  return validator(
    "query",
    (query, c: Context<{ Bindings: LookupEnv["Bindings"]; Variables: LookupEnv["Variables"] & TrendRequestVariables }>) => {
      // Hono's query parser drops a parameter without a name (`&=x`); it is still not a parameter of this route.
      const unnamed = c.req.url.includes("?") && new URL(c.req.url).searchParams.has("");
      const limits = rangeLimits(c.get("lookup").config, now());
      const sent = unnamed ? { ...query, "": "" } : query;
      const raw = { path: c.req.param() as Record<string, unknown>, query: rolling ? rollingDays(sent, limits) : sent };
      const request = validated(schemaForLimits(limits), raw);
      c.set("trendRequest", request);
      return queryPart(request);
    },
  );
}

/** A route's path parameters and query, checked together by `schema` (a repeated parameter stays a
 * list, which the schema refuses as such); `days=N` stands for the N days ending yesterday. */
export function validPathAndQuery<T>(c: Context, schemaFor: (limits: RangeLimits) => z.ZodMiniType<T>, limits: RangeLimits): T {
  return validated(schemaFor(limits), { path: c.req.param() as Record<string, unknown>, query: rollingDays(sentQuery(c), limits) });
}

/** The query as sent: each parameter's value, or the list of them when it was repeated (which the
 * schemas refuse as `single_value`). */
export function sentQuery(c: Context): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c.req.queries()).map(([key, values]) => [key, values.length === 1 ? values[0] : values]));
}
