/**
 * @module Rosters: a key's named lists of creators, and many creators' trends in one answer.
 * - `GET /v1/rosters`, `PUT|GET|DELETE /v1/rosters/{name}`, `POST /v1/rosters/{name}/kols`,
 *   `DELETE /v1/rosters/{name}/kols/{kolId}`: keep the lists (the key's roster book, durable);
 * - `GET /v1/rosters/{name}/daily-fans`: every creator's trend, summary and anomalous days, as
 *   JSON or long CSV (`kolId,date,fans,delta`);
 * - `POST /v1/kols/daily-fans` with `{ kolIds, startDate, endDate }`: the same without a roster.
 * Each creator is looked up as a single request would be (rosters/roster-trends.ts).
 */
import { Hono } from "hono/tiny";
import type * as z from "zod/mini";
import type { Context } from "hono";
import { gatewayContext } from "../middleware/gateway-context.ts";
import { jsonObjectBody, jsonOnly } from "../middleware/json-body.ts";
import { clientAuth, keyInQuery, requireKeyFor } from "../auth/client-auth.ts";
import { etag } from "hono/etag";
import { compareSvg } from "../render/compare.ts";
import { requireRosterBooks } from "../config/readiness.ts";
import { ProblemError } from "../problem.ts";
import { newTrace, type LookupTrace } from "../lookup/context.ts";
import { lookupWithHeaders } from "./lookup-response.ts";
import type { RosterBook, RosterChange } from "../rosters/roster-book.ts";
import { rosterTrends, type MemberLookup } from "../rosters/roster-trends.ts";
import { rosterCsv } from "../render/csv.ts";
import { invalidFields, kolIdSchema, perLimits, rangeLimits, toFieldErrors } from "../schemas/request.ts";
import {
  adhocTrendsRequestSchema,
  MAX_ROSTER_SIZE,
  MAX_ROSTERS,
  rosterBodySchema,
  rosterNameSchema,
  rosterChartRequestSchema,
  rosterTrendsRequestSchema,
  watchRequestSchema,
} from "../schemas/rosters.ts";
import type { RosterBody, RosterList, RosterTrends } from "../schemas/roster-answers.ts";
import type { Watch, WatchView } from "../schemas/watches.ts";
import { checkCallbackUrl } from "../webhooks/callback-url.ts";
import type { UpstreamQuery } from "../upstream/request.ts";
import type { GatewayEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";

export const ROSTERS_PATH = "/v1/rosters";
export const ROSTER_PATH = "/v1/rosters/:name";
export const ROSTER_KOLS_PATH = "/v1/rosters/:name/kols";
export const ROSTER_KOL_PATH = "/v1/rosters/:name/kols/:kolId";
export const ROSTER_TRENDS_PATH = "/v1/rosters/:name/daily-fans";
export const ROSTER_CHART_PATH = "/v1/rosters/:name/daily-fans.svg";
export const ROSTER_WATCH_PATH = "/v1/rosters/:name/watch";
export const ADHOC_TRENDS_PATH = "/v1/kols/daily-fans";

type Ctx = Context<GatewayEnv>;

const trendsSchemaFor = perLimits(rosterTrendsRequestSchema);
const chartSchemaFor = perLimits(rosterChartRequestSchema);
const adhocSchemaFor = perLimits(adhocTrendsRequestSchema);

/** The caller's roster book (one per key); reaching it may fail like any Durable Object. */
function bookOf(c: Ctx): DurableObjectStub<RosterBook> {
  requireKeyFor(c.var.client, "Rosters");
  const books = requireRosterBooks(c.env);
  return books.get(books.idFromName(c.var.client.name));
}

async function reach<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch {
    throw new ProblemError("ledger-unavailable", {
      detail: "The key's roster book could not be reached; nothing was changed. Retry later.",
      retryAfterSeconds: 30,
    });
  }
}

/** A path parameter, checked by its schema; a violation is the same problem a query's would be. */
function pathField(c: Ctx, field: "name" | "kolId", schema: z.ZodMiniType<string>): string {
  const value = c.req.param(field);
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ ...issue, path: ["path", field] }));
  throw invalidFields(toFieldErrors(issues, { path: { [field]: value } }), "parameter");
}

/** RPC types a union result as a union of promises: awaited here, it is the union again. */
const changeOf = async (call: () => Promise<unknown>): Promise<RosterChange> => (await reach(call)) as RosterChange;

const notFound = (name: string) => new ProblemError("roster-not-found", { detail: `This key has no roster named "${name}".` });

function changed(c: Ctx, name: string, change: RosterChange): Response {
  if (change.ok) {
    const body: RosterBody = change.roster;
    return c.json(body, change.created ? 201 : 200, change.created ? { Location: `${ROSTERS_PATH}/${encodeURIComponent(name)}` } : {});
  }
  if (change.refused === "not-found") throw notFound(name);
  throw new ProblemError("roster-limit", {
    detail:
      change.refused === "too-many-rosters"
        ? `This key already keeps ${MAX_ROSTERS} rosters, the most it may: delete one first.`
        : `A roster holds at most ${MAX_ROSTER_SIZE} creators: split it into two.`,
  });
}

/** Adds what one creator's lookup cost to the request's own trace (its headers and log line). */
function addTrace(into: LookupTrace, from: LookupTrace): void {
  for (const field of ["attempts", "billed", "uncertain", "elapsedMs"] as const) into.upstream[field] += from.upstream[field];
  into.coalesced ||= from.coalesced;
  into.reusedDays += from.reusedDays;
}

/** Looks one creator up as its own request would, with its own trace and key usage. */
function memberLookup(c: Ctx, range: Omit<UpstreamQuery, "kolId">): MemberLookup {
  return async (kolId) => {
    const trace = newTrace();
    try {
      const { result, cacheStatus } = await lookupWithHeaders(
        { lookup: { ...c.var.lookup, trace }, client: c.var.client },
        c.env,
        { kolId, ...range },
        false,
      );
      return { result, cacheStatus };
    } finally {
      addTrace(c.var.lookup.trace, trace);
    }
  };
}

function respondTrends(c: Ctx, trends: RosterTrends, format: "json" | "csv" | undefined): Response {
  c.set("cacheStatus", `xingtu-edge; roster; answered=${trends.answered}; failed=${trends.failed}`);
  const headers: Record<string, string> = { "Cache-Control": "no-store", "Xingtu-Roster-Failed": String(trends.failed) };
  const csv = format === "csv" || (format === undefined && /\btext\/csv\b/i.test(c.req.header("Accept") ?? ""));
  if (!csv) return c.json(trends, 200, { ...headers, Vary: "Accept" });
  const filename = `${trends.roster ? `roster-${trends.roster}` : "kols"}-daily-fans-${trends.startDate}-to-${trends.endDate}.csv`;
  return c.body(rosterCsv(trends), 200, {
    ...headers,
    Vary: "Accept",
    "Content-Type": "text/csv; charset=utf-8; header=present",
    "Content-Disposition": `attachment; filename="${filename}"`,
  });
}

/** How long a browser may keep a roster's chart: its creators' answers are cached longer than this. */
const CHART_MAX_AGE_SECONDS = 300;

/** Path and query, checked together by `schema` (a repeated parameter stays a list, which it refuses as such). */
function parsedQuery<T>(c: Ctx, schema: z.ZodMiniType<T>): T {
  const query = Object.fromEntries(Object.entries(c.req.queries()).map(([key, values]) => [key, values.length === 1 ? values[0] : values]));
  const input = { path: { name: c.req.param("name") }, query };
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw invalidFields(toFieldErrors(parsed.error.issues, input), "parameter");
  return parsed.data;
}

/** How long an isolate answers a roster's trends from the list it last read: a roster whose
 * creators are all cached then touches no Durable Object, and an edit made through another
 * isolate shows within this time (an edit through this one at once). */
const ROSTER_MEMORY_MS = 10_000;
/** Rosters an isolate remembers; the oldest are forgotten first. */
const MAX_REMEMBERED_ROSTERS = 1000;

const rosterMemoryKey = (c: Ctx, name: string) => `${c.var.client.name}\u0000${name}`;

/** Forgets this isolate's copy of a roster the caller has just changed (after the change is written). */
function forget(c: Ctx, runtime: Runtime, name: string): void {
  runtime.isolate.rosters.delete(rosterMemoryKey(c, name));
}

async function kolIdsOf(c: Ctx, runtime: Runtime, name: string): Promise<string[]> {
  const memory = runtime.isolate.rosters;
  const key = rosterMemoryKey(c, name);
  const known = memory.get(key);
  if (known && known.until > runtime.now()) return known.kolIds;
  const book = bookOf(c);
  const roster = await reach(() => book.get(name));
  if (!roster) throw notFound(name);
  memory.delete(key);
  memory.set(key, { kolIds: roster.kolIds, until: runtime.now() + ROSTER_MEMORY_MS });
  if (memory.size > MAX_REMEMBERED_ROSTERS) memory.delete(memory.keys().next().value!);
  return roster.kolIds;
}

async function trendsOfRoster(c: Ctx, runtime: Runtime, name: string, query: Omit<UpstreamQuery, "kolId">): Promise<RosterTrends> {
  requireKeyFor(c.var.client, "Rosters");
  const kolIds = await kolIdsOf(c, runtime, name);
  const range = { startDate: query.startDate, endDate: query.endDate };
  return rosterTrends(name, kolIds, range, memberLookup(c, query), {
    threshold: c.var.lookup.config.ANOMALY_THRESHOLD,
    warn: c.var.lookup.warn,
  });
}

/** The watch as a client reads it back: chat addresses carry their credential, so only their
 * origin shows, and a secret only says that it is set. */
function watchView(stored: { watch: Watch; lastDigest: string | null }): WatchView {
  return {
    rules: stored.watch.rules,
    targets: stored.watch.targets.map((target) => {
      const url = new URL(target.url);
      const shown = target.type === "webhook" ? `${url.origin}${url.pathname}` : `${url.origin}/…`;
      return { type: target.type, url: shown, ...("secret" in target && target.secret ? { secret: "set" as const } : {}) };
    }),
    lastDigest: stored.lastDigest,
  };
}

export function rosterRoutes(runtime: Runtime) {
  const context = gatewayContext(runtime);
  const auth = clientAuth(runtime);
  const now = () => new Date(runtime.now()).toISOString();
  const body = jsonObjectBody((raw, c: Ctx) => {
    const parsed = rosterBodySchema.safeParse({ path: { name: c.req.param("name") }, body: raw.body });
    if (!parsed.success)
      throw invalidFields(toFieldErrors(parsed.error.issues, { path: { name: c.req.param("name") }, body: raw.body }), "body");
    return parsed.data;
  });
  const watchBody = jsonObjectBody((raw, c: Ctx) => {
    const input = { path: { name: c.req.param("name") }, body: raw.body };
    const parsed = watchRequestSchema.safeParse(input);
    if (!parsed.success) throw invalidFields(toFieldErrors(parsed.error.issues, input), "body");
    const webhook = parsed.data.body.targets.findIndex(
      (target) => target.type === "webhook" && !checkCallbackUrl(target.url, c.var.lookup.config).ok,
    );
    if (webhook >= 0) {
      const reason = checkCallbackUrl(parsed.data.body.targets[webhook]!.url, c.var.lookup.config);
      throw invalidFields(
        [{ field: `targets[${webhook}].url`, in: "body", rule: "callback_url", message: reason.ok ? "" : reason.reason }],
        "body",
      );
    }
    return parsed.data;
  });
  const adhocBody = jsonObjectBody((raw, c: Ctx) => {
    const parsed = adhocSchemaFor(rangeLimits(c.var.lookup.config, runtime.now())).safeParse(raw);
    if (!parsed.success) throw invalidFields(toFieldErrors(parsed.error.issues, raw), "body");
    return parsed.data.body;
  });

  return new Hono<GatewayEnv>()
    .use(ROSTER_CHART_PATH, keyInQuery("key"))
    .use(ROSTERS_PATH, context, auth)
    .use(`${ROSTERS_PATH}/*`, context, auth)
    .use(ADHOC_TRENDS_PATH, context, auth)
    .get(ROSTERS_PATH, async (c) => {
      const book = bookOf(c);
      const rosters = await reach(() => book.list());
      return c.json<RosterList>({ rosters, limits: { rosters: MAX_ROSTERS, creatorsPerRoster: MAX_ROSTER_SIZE } }, 200, {
        "Cache-Control": "no-store",
      });
    })
    .put(ROSTER_PATH, jsonOnly, body, async (c) => {
      const { path, body: roster } = c.req.valid("json");
      const book = bookOf(c);
      const change = await changeOf(() => book.put(path.name, roster.kolIds, now()));
      forget(c, runtime, path.name);
      return changed(c, path.name, change);
    })
    .get(ROSTER_PATH, async (c) => {
      const name = pathField(c, "name", rosterNameSchema);
      const book = bookOf(c);
      const roster = await reach(() => book.get(name));
      if (!roster) throw notFound(name);
      return c.json<RosterBody>(roster, 200, { "Cache-Control": "no-store" });
    })
    .delete(ROSTER_PATH, async (c) => {
      const name = pathField(c, "name", rosterNameSchema);
      const book = bookOf(c);
      const deleted = await reach(() => book.delete(name));
      forget(c, runtime, name);
      if (!deleted) throw notFound(name);
      return c.body(null, 204);
    })
    .post(ROSTER_KOLS_PATH, jsonOnly, body, async (c) => {
      const { path, body: roster } = c.req.valid("json");
      const book = bookOf(c);
      const change = await changeOf(() => book.add(path.name, roster.kolIds, now()));
      forget(c, runtime, path.name);
      return changed(c, path.name, change);
    })
    .delete(ROSTER_KOL_PATH, async (c) => {
      const name = pathField(c, "name", rosterNameSchema);
      const kolId = pathField(c, "kolId", kolIdSchema);
      const book = bookOf(c);
      const change = await changeOf(() => book.remove(name, kolId, now()));
      forget(c, runtime, name);
      return changed(c, name, change);
    })
    .get(ROSTER_TRENDS_PATH, async (c) => {
      const { path, query } = parsedQuery(c, trendsSchemaFor(rangeLimits(c.var.lookup.config, runtime.now())));
      const { format, ...range } = query;
      return respondTrends(c, await trendsOfRoster(c, runtime, path.name, range), format);
    })
    .get(ROSTER_CHART_PATH, etag({ retainedHeaders: ["cache-control", "etag", "x-request-id"] }), async (c) => {
      const { path, query } = parsedQuery(c, chartSchemaFor(rangeLimits(c.var.lookup.config, runtime.now())));
      const { mode, key: _key, ...range } = query;
      const trends = await trendsOfRoster(c, runtime, path.name, range);
      c.set("cacheStatus", `xingtu-edge; roster; answered=${trends.answered}; failed=${trends.failed}`);
      return c.body(compareSvg(trends, mode ?? "absolute"), 200, {
        "Content-Type": "image/svg+xml; charset=utf-8",
        "Cache-Control": `private, max-age=${CHART_MAX_AGE_SECONDS}`,
        "Xingtu-Roster-Failed": String(trends.failed),
      });
    })
    .put(ROSTER_WATCH_PATH, jsonOnly, watchBody, async (c) => {
      const { path, body: watch } = c.req.valid("json");
      const book = bookOf(c);
      if (!(await reach(() => book.putWatch(path.name, watch)))) throw notFound(path.name);
      const stored = await reach(() => book.getWatch(path.name));
      return c.json<WatchView>(watchView(stored!), 200, { "Cache-Control": "no-store" });
    })
    .get(ROSTER_WATCH_PATH, async (c) => {
      const name = pathField(c, "name", rosterNameSchema);
      const book = bookOf(c);
      const stored = await reach(() => book.getWatch(name));
      if (!stored) throw new ProblemError("roster-not-found", { detail: `This key has no watch on a roster named "${name}".` });
      return c.json<WatchView>(watchView(stored), 200, { "Cache-Control": "no-store" });
    })
    .delete(ROSTER_WATCH_PATH, async (c) => {
      const name = pathField(c, "name", rosterNameSchema);
      const book = bookOf(c);
      if (!(await reach(() => book.deleteWatch(name))))
        throw new ProblemError("roster-not-found", { detail: `This key has no watch on a roster named "${name}".` });
      return c.body(null, 204);
    })
    .post(ADHOC_TRENDS_PATH, jsonOnly, adhocBody, async (c) => {
      const { kolIds, format, ...range } = c.req.valid("json");
      const trends = await rosterTrends(null, kolIds, { startDate: range.startDate, endDate: range.endDate }, memberLookup(c, range), {
        threshold: c.var.lookup.config.ANOMALY_THRESHOLD,
        warn: c.var.lookup.warn,
      });
      return respondTrends(c, trends, format);
    });
}
