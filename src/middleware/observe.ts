/**
 * @module What each request tells the operator, written once its response is decided:
 * - one structured JSON log line (request id, route, status, cache status, upstream calls and
 *   their time, key name; never the query string, which may carry a credential);
 * - `Server-Timing` with the time spent reading the cache, waiting for the upstream, and waiting
 *   for KOL coordinators (their upstream calls included: the difference is a miss's hop);
 * - one data point in the Analytics Engine dataset bound as USAGE (per key name: requests,
 *   hits, upstream calls, their time, billed calls), when it is bound;
 * - `Xingtu-Upstream-Calls` and `Xingtu-Upstream-Billed` on every answer: what it cost; and
 *   `Xingtu-Upstream-Cost` (amount and currency: its billed and maybe-billed calls at
 *   UPSTREAM_PRICE_PER_CALL) when the operator configured a price.
 */
import { createMiddleware } from "hono/factory";
import type { RequestIdVariables } from "hono/request-id";
import { routePath } from "hono/route";
import { setMetric } from "hono/timing";
import type { Bindings } from "../bindings.ts";
import type { Runtime } from "../runtime.ts";
import { newTrace, type LookupTrace } from "../lookup/context.ts";
import { loadConfig } from "../config/config.ts";
import { amountOf, priceOf } from "../ledger/price.ts";
import { loggedToken } from "../share/links.ts";
import type { Context } from "hono";

export interface ObserveVariables {
  /** What the request cost (cache reads, upstream calls), filled in by the lookup. */
  trace: LookupTrace;
  /** The answer's `Cache-Status`, set by the route that served it. */
  cacheStatus: string;
  /** The authenticated caller (see auth/client-auth.ts), named in logs; never the key itself. */
  client: { readonly name: string };
  /** The answer is another route's, relayed (a share link's): its cost headers are that route's
   * own, and that request's log line counted its calls. */
  relayed: boolean;
}

export interface ObserveEnv {
  Bindings: Bindings;
  Variables: ObserveVariables & RequestIdVariables;
}

const MAX_LOGGED_PATH = 200;
export const UPSTREAM_CALLS_HEADER = "Xingtu-Upstream-Calls";
export const UPSTREAM_BILLED_HEADER = "Xingtu-Upstream-Billed";
export const UPSTREAM_REQUEST_ID_HEADER = "Xingtu-Upstream-Request-Id";
export const UPSTREAM_COST_HEADER = "Xingtu-Upstream-Cost";

/** Every answer says what it cost: the upstream calls this request made, and how many are billed. */
function costHeaders(c: Context<ObserveEnv>, trace: LookupTrace, cache: string | null): void {
  c.res.headers.set(UPSTREAM_CALLS_HEADER, String(trace.upstream.attempts));
  c.res.headers.set(UPSTREAM_BILLED_HEADER, String(trace.upstream.billed));
  const loaded = c.env ? loadConfig(c.env) : null;
  const price = loaded?.ok ? priceOf(loaded.config) : null;
  // On answers that looked data up (a hit costs 0), not on /healthz, pages or documents.
  if (price && (cache !== null || trace.upstream.attempts > 0))
    c.res.headers.set(UPSTREAM_COST_HEADER, `${amountOf(trace.upstream.billed + trace.upstream.uncertain, price)} ${price.currency}`);
  // The maker's id of the call this request made, for tracing a charge with its support.
  if (trace.upstream.attempts > 0 && trace.upstream.requestId) c.res.headers.set(UPSTREAM_REQUEST_ID_HEADER, trace.upstream.requestId);
}

/** The path as a log line may show it: a share link's token only by its id (share/links.ts), on
 * its own path and on the revoking one (where a token sent for an id would be whole). */
function loggedPath(path: string): string {
  const shared = /^(\/s\/|\/v1\/share-links\/)([A-Za-z0-9_-]+)(.*)$/.exec(path);
  return (shared ? `${shared[1]}${loggedToken(shared[2]!)}${shared[3]}` : path).slice(0, MAX_LOGGED_PATH);
}

export function observe({ log, now }: Pick<Runtime, "log" | "now">) {
  return createMiddleware<ObserveEnv>(async (c, next) => {
    const started = now();
    const trace = newTrace();
    c.set("trace", trace);
    await next();
    const status = c.res.status;
    const route = routePath(c, -1) || c.req.path.slice(0, MAX_LOGGED_PATH);
    const client = c.get("client")?.name ?? null;
    const cache = c.get("cacheStatus") ?? null;
    const hit = cache !== null && /; hit\b/.test(cache);

    if (!c.get("relayed")) costHeaders(c, trace, cache);

    setMetric(c, "cache", trace.storeMs, "cache reads");
    setMetric(c, "upstream", trace.upstream.elapsedMs, `${trace.upstream.attempts} upstream attempt(s)`);
    setMetric(c, "coordinator", trace.coordinatorMs, "KOL coordinators with their upstream calls");

    c.env?.USAGE?.writeDataPoint({
      blobs: [client ?? "anonymous", route, hit ? "hit" : cache === null ? "none" : "miss", String(status)],
      doubles: [1, hit ? 1 : 0, trace.upstream.attempts, trace.upstream.elapsedMs, trace.upstream.billed],
      indexes: [client ?? "anonymous"],
    });

    log({
      level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
      msg: "request",
      requestId: c.get("requestId"),
      method: c.req.method,
      route,
      path: loggedPath(c.req.path),
      status,
      durationMs: now() - started,
      client,
      cache,
      upstream: {
        attempts: trace.upstream.attempts,
        billed: trace.upstream.billed,
        uncertain: trace.upstream.uncertain,
        endpoint: trace.upstream.endpoint ?? null,
        requestId: trace.upstream.requestId ?? null,
        ms: trace.upstream.elapsedMs,
        code: trace.upstream.lastCode ?? null,
        message: trace.upstream.lastMessage ?? null,
        coalesced: trace.coalesced,
        reusedDays: trace.reusedDays,
      },
      cacheMs: trace.storeMs,
    });
  });
}
