/**
 * @module The one path from a validated request to upstream data, cheapest source first:
 * 1. the stored answer for exactly this range: fresh, or within the stale-while-revalidate
 *    grace (served at once, refreshed in the background);
 * 2. the stored days of this KOL (day-level reuse): a range whose every day is known needs no
 *    upstream call at all;
 * 3. one coalesced upstream call for what is missing (the span of the missing days, or the whole
 *    range), admitted by the spend guard; its days and its answer are stored in the background.
 * When the upstream fails, a stored answer for the range stands in (stale-if-error, RFC 5861).
 *
 * Both public routes go through here, so they share entries and savings.
 */
import type { Config } from "../config.ts";
import { cacheKey, ttlPolicy } from "./policy.ts";
import type { Store } from "../cache/store.ts";
import type { SingleFlight } from "../cache/single-flight.ts";
import { datesOf } from "../calendar.ts";
import { readDayBook, writeDayBook, type DayBook, type RawSeries, type StoredDay } from "./day-book.ts";
import { assembleBody } from "./assemble.ts";
import { fetchUpstream, type UpstreamDeps, type UpstreamQuery, type UpstreamTrace } from "../upstream/client.ts";
import { upstreamDataSchema, type UpstreamSuccess } from "../upstream/schema.ts";
import { ProblemError } from "../problem.ts";
import type { SpendGuard } from "./spend-guard.ts";
import * as z from "zod";

export interface LookupContext {
  config: Config;
  token: string;
  store: Store;
  singleFlight: SingleFlight;
  guard: SpendGuard;
  deps: UpstreamDeps;
  trace: LookupTrace;
  /** Background work that must not delay the response (`ctx.waitUntil`). */
  defer: (work: Promise<unknown>) => void;
  /** A log line about this request that is only known after its response (a failed write). */
  warn: (message: string) => void;
}

export interface LookupTrace {
  upstream: UpstreamTrace;
  coalesced: boolean;
  storeReadFailed: boolean;
  /** Days of the range served from stored days rather than this request's upstream answer. */
  reusedDays: number;
  /** Milliseconds spent reading the cache. */
  storeMs: number;
}

export type CacheOutcome = "hit" | "stale" | "miss" | "refresh" | "fallback";

export interface LookupResult {
  success: UpstreamSuccess;
  outcome: CacheOutcome;
  ageSeconds: number;
  ttlSeconds: number;
  /** With outcome "fallback": the upstream failure a stored answer stood in for. */
  failure?: ProblemError;
  refresh: boolean;
  /** Built from stored days rather than one upstream answer for exactly this range. */
  assembled: boolean;
}

export interface LookupOptions {
  /** Skip every stored answer and ask the upstream for the whole range (a forced refresh). */
  refresh?: boolean;
  /** Treat stored live days as missing (the warm list keeps them current). */
  refetchLiveDays?: boolean;
}

const entrySchema = z.object({
  storedAt: z.number(),
  ttlSeconds: z.number().int().positive(),
  assembled: z.boolean().default(false),
  body: z.looseObject({ code: z.unknown(), data: z.unknown() }),
});
type Entry = z.infer<typeof entrySchema>;

interface StoredAnswer {
  success: UpstreamSuccess;
  entry: Entry;
  ageMs: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

// A stored value is validated once per isolate: the memory tier hands back the very same object
// on every hit, so hits skip re-validating what was already checked. Stored values are never
// mutated (zod's parse returns copies, which is why the key is the value as read).
const validated = new WeakMap<object, { entry: Entry; success: UpstreamSuccess }>();

function parseStored(value: unknown): { entry: Entry; success: UpstreamSuccess } | null {
  if (typeof value !== "object" || value === null) return null;
  const known = validated.get(value);
  if (known) return known;
  const entry = entrySchema.safeParse(value);
  if (!entry.success) return null;
  const data = upstreamDataSchema.safeParse(entry.data.body.data);
  if (!data.success) return null;
  const parsed = { entry: entry.data, success: { raw: entry.data.body, data: data.data } };
  validated.set(value, parsed);
  return parsed;
}

/** How long past its TTL a stored answer is kept: for stale-if-error and stale-while-revalidate. */
const graceSeconds = (config: Config) => Math.max(config.STALE_IF_ERROR_SECONDS, config.STALE_WHILE_REVALIDATE_SECONDS);

async function readStored(context: LookupContext, key: string, settled: boolean): Promise<StoredAnswer | null> {
  // A settled answer never changes, so edge locations may keep it; a live one must be current.
  const read = await context.store.get(key, settled ? { edgeCacheSeconds: 3600 } : undefined);
  if (!read.ok) {
    context.trace.storeReadFailed = true;
    return null;
  }
  const parsed = parseStored(read.value);
  if (!parsed) return null;
  const ageMs = context.deps.now() - parsed.entry.storedAt;
  if (ageMs < 0 || ageMs >= (parsed.entry.ttlSeconds + graceSeconds(context.config)) * 1000) return null;
  return { ...parsed, ageMs };
}

function storeAnswer(context: LookupContext, query: UpstreamQuery, success: UpstreamSuccess, assembled: boolean): number {
  const now = context.deps.now();
  const { ttlSeconds } = ttlPolicy(query.endDate, now, context.config);
  const entry: Entry = { storedAt: now, ttlSeconds, assembled, body: success.raw };
  const keep = ttlSeconds + graceSeconds(context.config);
  context.defer(
    context.store.put(cacheKey(query), entry, keep).then((written) => {
      if (!written) context.warn("cache write failed; the next request will call the upstream again");
    }),
  );
  return ttlSeconds;
}

function storeDays(context: LookupContext, book: DayBook, dates: string[], raw: RawSeries): void {
  book.record(dates, raw, context.deps.now());
  context.defer(
    writeDayBook(context.store, book, dates, context.config.SETTLED_TTL_SECONDS).then((written) => {
      if (!written) context.warn("day cache write failed");
    }),
  );
}

/** One upstream call (admitted by the spend guard, coalesced per isolate) for `window`. */
function callUpstream(context: LookupContext, window: UpstreamQuery): Promise<UpstreamSuccess> {
  const flight = context.singleFlight(cacheKey(window), async () => {
    await context.guard.admit();
    const before = context.trace.upstream.attempts;
    try {
      return await fetchUpstream(context.config, context.token, window, context.deps, context.trace.upstream);
    } catch (error) {
      context.guard.recordFailure(error);
      throw error;
    } finally {
      context.guard.recordCalls(context.trace.upstream.attempts - before);
    }
  });
  context.trace.coalesced = !flight.leader;
  return flight.promise;
}

interface DayPlan {
  book: DayBook;
  known: Map<string, StoredDay>;
  missing: string[];
}

async function planFromDays(context: LookupContext, query: UpstreamQuery, refetchLiveDays: boolean): Promise<DayPlan | null> {
  const dates = datesOf(query.startDate, query.endDate);
  const book = await readDayBook(context.store, query.kolId, dates);
  if (!book) {
    context.trace.storeReadFailed = true;
    return null;
  }
  const policy = {
    now: context.deps.now(),
    settledMs: context.config.SETTLED_TTL_SECONDS * 1000,
    liveMs: refetchLiveDays ? 0 : context.config.LIVE_TTL_SECONDS * 1000,
  };
  const known = new Map<string, StoredDay>();
  const missing: string[] = [];
  for (const date of dates) {
    const day = book.usable(date, policy);
    if (day) known.set(date, day);
    else missing.push(date);
  }
  return { book, known, missing };
}

function assembled(query: UpstreamQuery, days: Map<string, StoredDay>): UpstreamSuccess {
  const body = assembleBody(datesOf(query.startDate, query.endDate), days);
  return { raw: body, data: upstreamDataSchema.parse(body.data) };
}

/** Fetches what the plan lacks (or the whole range), stores what came back, answers the range. */
async function fetchRange(
  context: LookupContext,
  query: UpstreamQuery,
  plan: DayPlan | null,
): Promise<{ success: UpstreamSuccess; assembled: boolean }> {
  const window: UpstreamQuery =
    plan && plan.missing.length > 0 ? { ...query, startDate: plan.missing[0]!, endDate: plan.missing[plan.missing.length - 1]! } : query;
  const success = await callUpstream(context, window);
  const raw = success.raw.data as RawSeries;
  const windowDates = datesOf(window.startDate, window.endDate);
  const book = plan?.book ?? (context.config.DAY_CACHE ? await readDayBook(context.store, query.kolId, windowDates) : null);
  if (book) storeDays(context, book, windowDates, raw);
  if (window.startDate === query.startDate && window.endDate === query.endDate) {
    return { success, assembled: false };
  }
  // The book now holds the days it knew and the ones just fetched: the whole range.
  const days = new Map(
    datesOf(query.startDate, query.endDate).flatMap((date) => {
      const day = plan!.book.day(date);
      return day ? [[date, day] as const] : [];
    }),
  );
  context.trace.reusedDays = plan!.known.size;
  return { success: assembled(query, days), assembled: true };
}

/** A stored answer may stand in for any upstream failure but the upstream rejecting the parameters. */
function canFallBack(error: unknown): error is ProblemError {
  return error instanceof ProblemError && error.problemType !== "upstream-invalid-parameters" && error.status >= 500;
}

export async function lookupTrend(context: LookupContext, query: UpstreamQuery, options: LookupOptions = {}): Promise<LookupResult> {
  const refresh = options.refresh ?? false;
  const now = context.deps.now();
  const policy = ttlPolicy(query.endDate, now, context.config);
  const stored = await readStored(context, cacheKey(query), policy.settled);
  const common = { refresh, assembled: false };

  if (stored && !refresh && !options.refetchLiveDays) {
    const ttlMs = stored.entry.ttlSeconds * 1000;
    const fromStore = {
      success: stored.success,
      ageSeconds: seconds(stored.ageMs),
      ttlSeconds: stored.entry.ttlSeconds,
      ...common,
      assembled: stored.entry.assembled,
    };
    if (stored.ageMs < ttlMs) return { ...fromStore, outcome: "hit" };
    if (stored.ageMs < ttlMs + context.config.STALE_WHILE_REVALIDATE_SECONDS * 1000) {
      context.defer(revalidate(context, query));
      return { ...fromStore, outcome: "stale" };
    }
  }

  const plan = !refresh && context.config.DAY_CACHE ? await planFromDays(context, query, options.refetchLiveDays ?? false) : null;
  if (plan && plan.missing.length === 0) {
    context.trace.reusedDays = plan.known.size;
    const success = assembled(query, plan.known);
    const ttlSeconds = storeAnswer(context, query, success, true);
    return { success, outcome: "hit", ageSeconds: 0, ttlSeconds, ...common, assembled: true };
  }

  try {
    const fetched = await fetchRange(context, query, plan);
    const ttlSeconds = storeAnswer(context, query, fetched.success, fetched.assembled);
    return {
      success: fetched.success,
      outcome: refresh ? "refresh" : "miss",
      ageSeconds: 0,
      ttlSeconds,
      ...common,
      assembled: fetched.assembled,
    };
  } catch (error) {
    if (!stored || !canFallBack(error)) throw error;
    return {
      success: stored.success,
      outcome: "fallback",
      ageSeconds: seconds(stored.ageMs),
      ttlSeconds: stored.entry.ttlSeconds,
      failure: error,
      ...common,
    };
  }
}

/** The background half of stale-while-revalidate: one upstream call per range per isolate. */
async function revalidate(context: LookupContext, query: UpstreamQuery): Promise<void> {
  try {
    const fetched = await fetchRange(context, query, null);
    storeAnswer(context, query, fetched.success, false);
  } catch {
    context.warn("background revalidation failed; the stale answer stays until it expires");
  }
}
