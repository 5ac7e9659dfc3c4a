/**
 * @module Rosters: a key's named lists of creators, and many creators' trends in one answer.
 * - `GET /v1/rosters`, `PUT|GET|PATCH|DELETE /v1/rosters/{name}`, `POST /v1/rosters/{name}/kols`,
 *   `DELETE /v1/rosters/{name}/kols/{kolId}`: keep the lists (the key's roster book, durable);
 * - `GET /v1/rosters/{name}/daily-fans`: every creator's trend, summary and anomalous days, as
 *   JSON or long CSV (`kolId,date,fans,delta`);
 * - `POST /v1/kols/daily-fans` with `{ kolIds, startDate, endDate }`: the same without a roster.
 * Each creator is looked up as a single request would be (rosters/roster-trends.ts).
 */
import { Hono } from "hono/tiny";
import * as z from "zod/mini";
import type { Context } from "hono";
import { gatewayContext } from "../middleware/gateway-context.ts";
import { validPathAndQuery } from "../middleware/validate.ts";
import { headOnly } from "./lookup-response.ts";
import { jsonObjectBody, jsonOnly } from "../middleware/json-body.ts";
import { clientAuth, isLinkView, keyInQuery, requireKeyFor } from "../auth/client-auth.ts";
import { etag } from "hono/etag";
import { compareSvg, MAX_COMPARED } from "../render/compare.ts";
import { SVG_HEADERS } from "../render/chart.ts";
import { requireRosterBooks } from "../config/readiness.ts";
import { ProblemError } from "../problem.ts";
import type { LookupTrace } from "../lookup/context.ts";
import type { Roster, RosterBook, RosterChange, StoredWatch } from "../rosters/roster-book.ts";
import { askedMode, REFRESH_HEADER, refreshHeader } from "../lookup/refresh.ts";
import { creatorLookup, rosterTrends } from "../rosters/roster-trends.ts";
import { csvHeaders, rosterCsv, rosterCsvFilename, rosterWideCsv, wantsCsv } from "../render/csv.ts";
import { langOf, type Lang } from "../render/language.ts";
import { invalidFields, kolIdSchema, perLimits, rangeLimits, rollingDays, validated } from "../schemas/request.ts";
import {
  adhocTrendsRequestSchema,
  MAX_ROSTER_SIZE,
  MAX_ROSTERS,
  rosterBodySchema,
  rosterNameSchema,
  rosterChartRequestSchema,
  rosterRenameSchema,
  rosterTrendsRequestSchema,
  watchRequestSchema,
} from "../schemas/rosters.ts";
import type { RosterBody, RosterList, RosterSummaryTrends, RosterTrends } from "../schemas/roster-answers.ts";
import type { WatchView } from "../schemas/roster-answers.ts";
import { checkCallbackUrl } from "../webhooks/callback-url.ts";
import { DEFAULT_DIGEST_LANG } from "../schemas/watches.ts";
import type { UpstreamQuery } from "../upstream/request.ts";
import type { GatewayEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";
import { remember } from "../cache/remember.ts";
import { endRosterLinks, moveRosterLinks } from "../share/store.ts";

export const ROSTERS_PATH = "/v1/rosters";
export const ROSTER_PATH = "/v1/rosters/:name";
export const ROSTER_KOLS_PATH = "/v1/rosters/:name/kols";
export const ROSTER_KOL_PATH = "/v1/rosters/:name/kols/:kolId";
export const ROSTER_TRENDS_PATH = "/v1/rosters/:name/daily-fans";
export const ROSTER_CHART_PATH = "/v1/rosters/:name/daily-fans.svg";
export const ROSTER_WATCH_PATH = "/v1/rosters/:name/watch";
export const ADHOC_TRENDS_PATH = "/v1/kols/daily-fans";

type Ctx = Context<GatewayEnv>;

/** Built once per distinct limits, and shared with the routes' quotes (quote.ts). */
export const trendsSchemaFor = perLimits(rosterTrendsRequestSchema);
const chartSchemaFor = perLimits(rosterChartRequestSchema);
const adhocSchemaFor = perLimits(adhocTrendsRequestSchema);

/** The body of many creators' trends (and of their quote): `days` stands for its dates. */
export function adhocBodyOf(runtime: Runtime) {
  return jsonObjectBody((raw, c: Ctx) => {
    const limits = rangeLimits(c.get("lookup").config, runtime.now());
    return validated(adhocSchemaFor(limits), { body: rollingDays(raw.body, limits, "body") }).body;
  });
}

/** The caller's roster book (one per key); reaching it may fail like any Durable Object. */
function bookOf(c: Ctx): DurableObjectStub<RosterBook> {
  const client = c.get("client");
  requireKeyFor(client, "Rosters");
  const books = requireRosterBooks(c.env);
  return books.get(books.idFromName(client.name));
}

export async function reach<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch {
    throw new ProblemError("ledger-unavailable", {
      detail: "The key's roster book could not be reached; nothing was changed. Retry later.",
      retryAfterSeconds: 30,
    });
  }
}

const namePathSchema = z.object({ path: z.object({ name: rosterNameSchema }) });
const memberPathSchema = z.object({ path: z.object({ name: rosterNameSchema, kolId: kolIdSchema }) });

/** The route's path parameters, checked: a violation is the same problem a query's would be. */
const namePath = (c: Ctx) => validated(namePathSchema, { path: { name: c.req.param("name") } }).path;

export const notFound = (name: string) => new ProblemError("roster-not-found", { detail: `This key has no roster named "${name}".` });

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

/** Changes one of the caller's rosters in its book, forgets this isolate's copy, and answers the roster. */
async function changeRoster(
  c: Ctx,
  runtime: Runtime,
  name: string,
  change: (book: DurableObjectStub<RosterBook>) => Promise<unknown>,
): Promise<Response> {
  const book = bookOf(c);
  // RPC types a union result as a union of promises: awaited here, it is the union again.
  const result = (await reach(() => change(book))) as RosterChange;
  forget(c, runtime, name);
  return changed(c, name, result);
}

/** Adds what one creator's lookup cost to the request's own trace (its headers and log line). */
function addTrace(into: LookupTrace, from: LookupTrace): void {
  for (const field of ["attempts", "billed", "uncertain", "elapsedMs"] as const) into.upstream[field] += from.upstream[field];
  into.coalesced ||= from.coalesced;
  into.reusedDays += from.reusedDays;
  into.storeMs += from.storeMs;
  into.coordinatorMs += from.coordinatorMs;
}

/** Many creators' trends for this request: each looked up as its own request would be, its cost
 * added to this request's. */
function trendsFor(
  c: Ctx,
  roster: string | null,
  { kolIds, labels }: Creators,
  query: Omit<UpstreamQuery, "kolId">,
  upTo?: number,
): Promise<RosterTrends> {
  // Many creators are never refreshed at once (each would be a purchase): a bad value is still a 400.
  if (askedMode(c.req.header(REFRESH_HEADER))) c.header(REFRESH_HEADER, refreshHeader("not-here"));
  const lookup = c.get("lookup");
  const client = c.get("client");
  const members = creatorLookup(lookup, c.env, client, query, (trace) => addTrace(lookup.trace, trace));
  const range = { startDate: query.startDate, endDate: query.endDate };
  const options = {
    threshold: lookup.config.ANOMALY_THRESHOLD,
    warn: lookup.warn,
    labels,
    linkView: isLinkView(c.req.raw),
    ...(upTo === undefined ? {} : { upTo }),
  };
  return rosterTrends(roster, kolIds, range, members, options);
}

/** The log line's `cache` for an answer made of many creators' answers. */
const rosterCacheStatus = (trends: RosterTrends) => `xingtu-edge; roster; answered=${trends.answered}; failed=${trends.failed}`;

interface TrendsFormat {
  format?: "json" | "csv" | "csv-wide";
  lang?: Lang;
  bom?: boolean;
  fields?: "all" | "summary";
}

/** The answer without each creator's series (`fields=summary`). */
function summaryOnly(trends: RosterTrends): RosterSummaryTrends {
  const members = trends.members.map((member) => {
    if (!member.ok) return member;
    const { series: _series, ...rest } = member;
    return rest;
  });
  return { ...trends, members };
}

function respondTrends(c: Ctx, trends: RosterTrends, { format, lang, bom, fields }: TrendsFormat): Response {
  c.set("cacheStatus", rosterCacheStatus(trends));
  const headers: Record<string, string> = { "Cache-Control": "no-store", "Xingtu-Roster-Failed": String(trends.failed) };
  const wide = format === "csv-wide";
  if (!wide && !wantsCsv(format, c.req.header("Accept"))) {
    return c.json(fields === "summary" ? summaryOnly(trends) : trends, 200, { ...headers, Vary: "Accept" });
  }
  const options = { lang: langOf(lang, c.req.header("Accept-Language")), bom };
  return c.body(wide ? rosterWideCsv(trends, options) : rosterCsv(trends, options), 200, {
    ...headers,
    Vary: "Accept, Accept-Language",
    ...csvHeaders(rosterCsvFilename(trends, wide)),
  });
}

/** How long a browser may keep a roster's chart: its creators' answers are cached longer than this. */
const CHART_MAX_AGE_SECONDS = 300;

/** How long an isolate answers a roster's trends from the list it last read: a roster whose
 * creators are all cached then touches no Durable Object, and an edit made through another
 * isolate shows within this time (an edit through this one at once). */
const ROSTER_MEMORY_MS = 10_000;
/** Rosters an isolate remembers; the oldest are forgotten first. */
const MAX_REMEMBERED_ROSTERS = 1000;

const rosterMemoryKey = (c: Ctx, name: string) => `${c.get("client").name}\u0000${name}`;

/** Forgets this isolate's copy of a roster the caller has just changed (after the change is written). */
function forget(c: Ctx, runtime: Runtime, name: string): void {
  runtime.isolate.rosters.delete(rosterMemoryKey(c, name));
}

/** A roster's creators and their labels. */
type Creators = Pick<Roster, "kolIds"> & Partial<Pick<Roster, "labels">>;

export async function creatorsOf(c: Ctx, runtime: Runtime, name: string): Promise<Creators> {
  const memory = runtime.isolate.rosters;
  const key = rosterMemoryKey(c, name);
  const known = memory.get(key);
  if (known && known.until > runtime.now()) return known;
  const book = bookOf(c);
  const roster = await reach(() => book.get(name));
  if (!roster) throw notFound(name);
  const creators = { kolIds: roster.kolIds, labels: roster.labels, until: runtime.now() + ROSTER_MEMORY_MS };
  remember(memory, key, creators, MAX_REMEMBERED_ROSTERS);
  return creators;
}

async function trendsOfRoster(
  c: Ctx,
  runtime: Runtime,
  name: string,
  query: Omit<UpstreamQuery, "kolId">,
  upTo?: number,
): Promise<{ trends: RosterTrends; size: number }> {
  requireKeyFor(c.get("client"), "Rosters");
  const creators = await creatorsOf(c, runtime, name);
  return { trends: await trendsFor(c, name, creators, query, upTo), size: creators.kolIds.length };
}

/** No watch to read or delete: the roster's own problem when the roster is missing too. */
async function noWatch(book: DurableObjectStub<RosterBook>, name: string): Promise<ProblemError> {
  if (!(await reach(() => book.get(name)))) return notFound(name);
  return new ProblemError("watch-not-found", { detail: `The roster "${name}" is not watched: PUT its watch to set one.` });
}

/** The watch as a client reads it back: every target's address shows its origin only, since a chat
 * service's token and many webhook receivers' secrets are in the path or query, and a secret only
 * says that it is set. */
function watchView(stored: StoredWatch): WatchView {
  return {
    rules: stored.watch.rules,
    targets: stored.watch.targets.map((target) => ({
      type: target.type,
      url: new URL(target.url).origin,
      ...("secret" in target && target.secret ? { secret: "set" as const } : {}),
    })),
    lastDigest: stored.lastDigest,
    lang: stored.watch.lang ?? DEFAULT_DIGEST_LANG,
  };
}

export function rosterRoutes(runtime: Runtime) {
  const context = gatewayContext(runtime);
  const auth = clientAuth(runtime);
  const now = () => new Date(runtime.now()).toISOString();
  const body = jsonObjectBody((raw, c: Ctx) => validated(rosterBodySchema, { path: { name: c.req.param("name") }, body: raw.body }));
  const renameBody = jsonObjectBody((raw, c: Ctx) =>
    validated(rosterRenameSchema, { path: { name: c.req.param("name") }, body: raw.body }),
  );
  const watchBody = jsonObjectBody((raw, c: Ctx) => {
    const request = validated(watchRequestSchema(), { path: { name: c.req.param("name") }, body: raw.body });
    // Webhook targets follow CALLBACK_HOSTS, as callbacks do; chat targets were held to their hosts above.
    for (const [index, target] of request.body.targets.entries()) {
      if (target.type !== "webhook") continue;
      const checked = checkCallbackUrl(target.url, c.get("lookup").config);
      if (!checked.ok) throw invalidFields([{ field: `targets[${index}].url`, in: "body", rule: "callback_url", message: checked.reason }]);
    }
    return request;
  });
  const limitsNow = (c: Ctx) => rangeLimits(c.get("lookup").config, runtime.now());
  const adhocBody = adhocBodyOf(runtime);

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
      return changeRoster(c, runtime, path.name, (book) => book.put(path.name, roster.kolIds, roster.labels ?? {}, now()));
    })
    .get(ROSTER_PATH, async (c) => {
      const { name } = namePath(c);
      const book = bookOf(c);
      const roster = await reach(() => book.get(name));
      if (!roster) throw notFound(name);
      return c.json<RosterBody>(roster, 200, { "Cache-Control": "no-store" });
    })
    .patch(ROSTER_PATH, jsonOnly, renameBody, async (c) => {
      const { path, body: renamed } = c.req.valid("json");
      const [from, to] = [path.name, renamed.name];
      const book = bookOf(c);
      // RPC types a union result as a union of promises: awaited here, it is the union again.
      const change = (await reach<unknown>(() => book.rename(from, to, now()))) as RosterChange;
      forget(c, runtime, from);
      forget(c, runtime, to);
      if (!change.ok && change.refused === "name-taken") {
        throw new ProblemError("roster-name-taken", {
          detail: `This key already has a roster named "${to}": choose another name, or delete that roster first.`,
        });
      }
      if (!change.ok) throw notFound(from);
      // The key's share links to the roster follow it: a link never breaks because its roster was renamed.
      if (from !== to) {
        await moveRosterLinks(c.env, runtime, c.get("client").name, from, to).catch(() => {
          throw new ProblemError("ledger-unavailable", {
            detail: `The roster is now named "${to}", but its share links could not all be moved to the new name: rename it to "${from}" and back again later.`,
            retryAfterSeconds: 30,
          });
        });
      }
      return c.json<RosterBody>(change.roster, 200, {
        "Cache-Control": "no-store",
        "Content-Location": `${ROSTERS_PATH}/${encodeURIComponent(to)}`,
      });
    })
    .delete(ROSTER_PATH, async (c) => {
      const { name } = namePath(c);
      const book = bookOf(c);
      const deleted = await reach(() => book.delete(name));
      forget(c, runtime, name);
      if (!deleted) throw notFound(name);
      // Its share links end with it (410 from now on), never to show a later roster of the name.
      await endRosterLinks(c.env, runtime, c.get("client").name, name).catch(() => {
        throw new ProblemError("ledger-unavailable", {
          detail: `The roster "${name}" is deleted, but its share links could not all be revoked: revoke them with DELETE /v1/share-links/{id}.`,
          retryAfterSeconds: 30,
        });
      });
      return c.body(null, 204);
    })
    .post(ROSTER_KOLS_PATH, jsonOnly, body, async (c) => {
      const { path, body: roster } = c.req.valid("json");
      return changeRoster(c, runtime, path.name, (book) => book.add(path.name, roster.kolIds, roster.labels ?? {}, now()));
    })
    .delete(ROSTER_KOL_PATH, async (c) => {
      const { name, kolId } = validated(memberPathSchema, { path: c.req.param() }).path;
      return changeRoster(c, runtime, name, (book) => book.remove(name, kolId, now()));
    })
    .get(ROSTER_TRENDS_PATH, async (c) => {
      const { path, query } = validPathAndQuery(c, trendsSchemaFor, limitsNow(c));
      // A HEAD checks the roster is there (its book: no money), and looks nothing up.
      if (c.req.method === "HEAD") return (await creatorsOf(c, runtime, path.name), headOnly(c));
      const { format, lang, bom, fields, ...range } = query;
      const { trends } = await trendsOfRoster(c, runtime, path.name, range);
      return respondTrends(c, trends, { format, lang, bom, fields });
    })
    .get(ROSTER_CHART_PATH, etag({ retainedHeaders: ["cache-control", "etag", "x-request-id"] }), async (c) => {
      const { path, query } = validPathAndQuery(c, chartSchemaFor, limitsNow(c));
      if (c.req.method === "HEAD") return (await creatorsOf(c, runtime, path.name), headOnly(c));
      const { mode, key: _key, lang, width, ...range } = query;
      // The chart draws MAX_COMPARED lines: it looks up (and may buy) no more creators than it draws.
      const { size, trends } = await trendsOfRoster(c, runtime, path.name, range, MAX_COMPARED);
      c.set("cacheStatus", rosterCacheStatus(trends));
      const notLookedUp = size - trends.members.length;
      return c.body(compareSvg(trends, mode ?? "absolute", langOf(lang, c.req.header("Accept-Language")), width, notLookedUp), 200, {
        ...SVG_HEADERS,
        Vary: "Accept-Language",
        "Cache-Control": `private, max-age=${CHART_MAX_AGE_SECONDS}`,
        "Xingtu-Roster-Failed": String(trends.failed),
      });
    })
    .put(ROSTER_WATCH_PATH, jsonOnly, watchBody, async (c) => {
      const { path, body: watch } = c.req.valid("json");
      const book = bookOf(c);
      const stored = await reach(() => book.putWatch(path.name, watch));
      if (!stored) throw notFound(path.name);
      return c.json<WatchView>(watchView(stored), stored.created ? 201 : 200, { "Cache-Control": "no-store" });
    })
    .get(ROSTER_WATCH_PATH, async (c) => {
      const { name } = namePath(c);
      const book = bookOf(c);
      const stored = await reach(() => book.getWatch(name));
      if (!stored) throw await noWatch(book, name);
      return c.json<WatchView>(watchView(stored), 200, { "Cache-Control": "no-store" });
    })
    .delete(ROSTER_WATCH_PATH, async (c) => {
      const { name } = namePath(c);
      const book = bookOf(c);
      if (!(await reach(() => book.deleteWatch(name)))) throw await noWatch(book, name);
      return c.body(null, 204);
    })
    .post(ADHOC_TRENDS_PATH, jsonOnly, adhocBody, async (c) => {
      const { kolIds, format, lang, bom, fields, ...range } = c.req.valid("json");
      return respondTrends(c, await trendsFor(c, null, { kolIds }, range), { format, lang, bom, fields });
    });
}
