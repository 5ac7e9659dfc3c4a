/**
 * @module The one path from a validated request to upstream data, cheapest source first:
 * 1. the stored answer for exactly this range: fresh, or within the stale-while-revalidate
 *    grace (served at once, refreshed in the background);
 * 2. plan from the stored days of this KOL (day-level reuse): a range whose every day is known
 *    needs no upstream call at all;
 * 3. fetch what is missing in one coalesced upstream call (the span of the missing days, or the
 *    whole range), admitted by the spend guard, and store its days and answer in the background;
 * 4. assemble the range from the days it already had and the ones just fetched.
 * When the upstream fails, a stored answer for the range stands in (stale-if-error, RFC 5861).
 * The upstream's paid "no data" (code 201) is an answer too: stored for NO_DATA_TTL_SECONDS, so
 * the same empty question is not paid for again.
 *
 * Both public routes go through here, so they share entries and savings.
 */
import type { Config } from "../config/config.ts";
import { cacheKey, ttlPolicy } from "./policy.ts";
import { datesOf } from "../calendar.ts";
import { readDayBook, recordDays, storedDay, usableDay, writeDayBook, type DayBook, type RawSeries, type StoredDay } from "./day-book.ts";
import { assembleBody } from "./assemble.ts";
import { fetchUpstream, type UpstreamAnswer } from "../upstream/client.ts";
import type { KolRange, UpstreamQuery } from "../upstream/request.ts";
import { upstreamDataSchema, type UpstreamData, type UpstreamSuccess } from "../upstream/schema.ts";
import { ProblemError } from "../problem.ts";
import type { LookupContext } from "./context.ts";
import * as z from "zod";

export type CacheOutcome = "hit" | "stale" | "miss" | "refresh" | "fallback";

export interface LookupResult {
  answer: UpstreamAnswer;
  outcome: CacheOutcome;
  ageSeconds: number;
  ttlSeconds: number;
  /** With outcome "fallback": the upstream failure a stored answer stood in for. */
  failure?: ProblemError;
  refresh: boolean;
  /** Built from stored days rather than one upstream answer for exactly this range. */
  fromDays: boolean;
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
  /** The upstream's code 201: no data for this KOL and range. */
  noData: z.boolean().default(false),
  body: z.looseObject({ code: z.unknown(), data: z.unknown() }),
});
type Entry = z.infer<typeof entrySchema>;

interface StoredAnswer {
  answer: UpstreamAnswer;
  entry: Entry;
  ageMs: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

// A stored value is validated once per isolate: the memory tier hands back the very same object
// on every hit, so hits skip re-validating what was already checked. Stored values are never
// mutated (zod's parse returns copies, which is why the key is the value as read).
const validated = new WeakMap<object, { entry: Entry; answer: UpstreamAnswer }>();

function parseStored(value: unknown): { entry: Entry; answer: UpstreamAnswer } | null {
  if (typeof value !== "object" || value === null) return null;
  const known = validated.get(value);
  if (known) return known;
  const entry = entrySchema.safeParse(value);
  if (!entry.success) return null;
  let answer: UpstreamAnswer;
  if (entry.data.noData) {
    answer = { kind: "no-data", raw: entry.data.body };
  } else {
    const data = upstreamDataSchema.safeParse(entry.data.body.data);
    if (!data.success) return null;
    answer = { kind: "data", success: { raw: entry.data.body, data: data.data } };
  }
  const parsed = { entry: entry.data, answer };
  validated.set(value, parsed);
  return parsed;
}

/** How long past its TTL a stored answer is kept: for stale-if-error and stale-while-revalidate. */
const graceSeconds = (config: Config) => Math.max(config.STALE_IF_ERROR_SECONDS, config.STALE_WHILE_REVALIDATE_SECONDS);

async function readStored(context: LookupContext, key: string, settled: boolean): Promise<StoredAnswer | null> {
  // A settled answer never changes, so edge locations may keep it; a live one must be current.
  const read = await context.store.get(key, settled ? { edgeCacheSeconds: 3600 } : undefined);
  if (!read.ok) return null;
  const parsed = parseStored(read.value);
  if (!parsed) return null;
  const ageMs = context.runtime.now() - parsed.entry.storedAt;
  if (ageMs < 0 || ageMs >= (parsed.entry.ttlSeconds + graceSeconds(context.config)) * 1000) return null;
  return { ...parsed, ageMs };
}

/** The TTL of an answer: its range's (settled or live), or NO_DATA_TTL_SECONDS for "no data". */
function ttlOf(context: LookupContext, range: KolRange, noData: boolean): number {
  const { ttlSeconds } = ttlPolicy(range.endDate, context.runtime.now(), context.config);
  return noData ? Math.min(ttlSeconds, context.config.NO_DATA_TTL_SECONDS) : ttlSeconds;
}

function storeAnswer(context: LookupContext, range: KolRange, answer: UpstreamAnswer, fromDays: boolean, noDataCall = false): number {
  const now = context.runtime.now();
  const noData = answer.kind === "no-data";
  const ttlSeconds = ttlOf(context, range, noData || noDataCall);
  const body = answer.kind === "data" ? answer.success.raw : answer.raw;
  const entry: Entry = { storedAt: now, ttlSeconds, assembled: fromDays, noData, body };
  const keep = ttlSeconds + graceSeconds(context.config);
  context.defer(
    context.store.put(cacheKey(range), entry, keep).then((written) => {
      if (!written) context.warn("cache write failed; the next request will call the upstream again");
    }),
  );
  return ttlSeconds;
}

function storeDays(context: LookupContext, book: DayBook, dates: string[], raw: RawSeries): void {
  recordDays(book, dates, raw, context.runtime.now());
  context.defer(
    writeDayBook(context.store, book, dates, context.config.SETTLED_TTL_SECONDS).then((written) => {
      if (!written) context.warn("day cache write failed");
    }),
  );
}

/** One upstream call (admitted by the spend guard, coalesced per isolate) for `window`. */
function callUpstream(context: LookupContext, window: UpstreamQuery): { promise: Promise<UpstreamAnswer>; coalesced: boolean } {
  const flight = context.runtime.isolate.singleFlight(cacheKey(window), async () => {
    await context.guard.admit();
    const before = context.trace.upstream.attempts;
    try {
      return await fetchUpstream(context.config, context.token, window, context.runtime, context.trace.upstream);
    } catch (error) {
      context.guard.recordFailure(error);
      throw error;
    } finally {
      context.guard.recordCalls(context.trace.upstream.attempts - before);
    }
  });
  return { promise: flight.promise, coalesced: !flight.leader };
}

/** What the stored days already answer for a range, and which of its days are missing. */
interface DayPlan {
  book: DayBook;
  known: Map<string, StoredDay>;
  missing: string[];
}

/** Step 1: the plan, or null when day-level reuse is off or the stored days cannot be read. */
async function planFromDays(context: LookupContext, range: KolRange, refetchLiveDays: boolean): Promise<DayPlan | null> {
  const dates = datesOf(range.startDate, range.endDate);
  const book = await readDayBook(context.store, range.kolId, dates);
  if (!book) return null;
  const policy = {
    now: context.runtime.now(),
    settledMs: context.config.SETTLED_TTL_SECONDS * 1000,
    liveMs: refetchLiveDays ? 0 : context.config.LIVE_TTL_SECONDS * 1000,
  };
  const known = new Map<string, StoredDay>();
  const missing: string[] = [];
  for (const date of dates) {
    const day = usableDay(book, date, policy);
    if (day) known.set(date, day);
    else missing.push(date);
  }
  return { book, known, missing };
}

/** The range's answer in the upstream's own shape, built from stored days. */
function assembled(range: KolRange, days: Map<string, StoredDay>): UpstreamSuccess {
  const body = assembleBody(datesOf(range.startDate, range.endDate), days);
  return { raw: body, data: upstreamDataSchema.parse(body.data) };
}

/** What one upstream call brought back, and the stored days it was recorded into. */
interface Fetched {
  window: UpstreamQuery;
  answer: UpstreamAnswer;
  book: DayBook | null;
  coalesced: boolean;
}

/** Step 2: one upstream call for the span of the missing days (or the whole range without a plan). */
async function fetchMissing(context: LookupContext, query: UpstreamQuery, plan: DayPlan | null): Promise<Fetched> {
  await context.admit?.();
  const [first, last] = plan && plan.missing.length > 0 ? [plan.missing[0]!, plan.missing[plan.missing.length - 1]!] : [];
  const window: UpstreamQuery = first && last ? { ...query, startDate: first, endDate: last } : query;
  const call = callUpstream(context, window);
  const answer = await call.promise;
  const windowDates = datesOf(window.startDate, window.endDate);
  const book = plan?.book ?? (context.config.DAY_CACHE ? await readDayBook(context.store, query.kolId, windowDates) : null);
  // "No data" is kept as the range's answer only: the days of a later, wider range may exist.
  if (book && answer.kind === "data") storeDays(context, book, windowDates, answer.success.raw.data as RawSeries);
  return { window, answer, book, coalesced: call.coalesced };
}

/** Step 3: the range's answer: the upstream's own when it was asked for exactly this range. */
function assembleRange(range: KolRange, fetched: Fetched, plan: DayPlan | null): { answer: UpstreamAnswer; fromDays: boolean } {
  const exact = fetched.window.startDate === range.startDate && fetched.window.endDate === range.endDate;
  if (exact || !fetched.book || !plan) return { answer: fetched.answer, fromDays: false };
  // With data, the book now holds the days it knew and the ones just fetched: the whole range.
  // Without ("no data" for the missing span), the range is what the stored days knew.
  const book = fetched.book;
  const days =
    fetched.answer.kind === "no-data"
      ? plan.known
      : new Map(
          datesOf(range.startDate, range.endDate).flatMap((date) => {
            const day = storedDay(book, date);
            return day ? [[date, day] as const] : [];
          }),
        );
  return { answer: { kind: "data", success: assembled(range, days) }, fromDays: true };
}

/** A stored answer may stand in for any upstream failure but the upstream rejecting the parameters. */
function canFallBack(error: unknown): error is ProblemError {
  return error instanceof ProblemError && error.problemType !== "upstream-invalid-parameters" && error.status >= 500;
}

export async function lookupTrend(context: LookupContext, query: UpstreamQuery, options: LookupOptions = {}): Promise<LookupResult> {
  const refresh = options.refresh ?? false;
  const policy = ttlPolicy(query.endDate, context.runtime.now(), context.config);
  const stored = await readStored(context, cacheKey(query), policy.settled);

  if (stored && !refresh && !options.refetchLiveDays) {
    const ttlMs = stored.entry.ttlSeconds * 1000;
    const fromStore = {
      answer: stored.answer,
      ageSeconds: seconds(stored.ageMs),
      ttlSeconds: stored.entry.ttlSeconds,
      refresh,
      fromDays: stored.entry.assembled,
    };
    if (stored.ageMs < ttlMs) return { ...fromStore, outcome: "hit" };
    if (stored.ageMs < ttlMs + context.config.STALE_WHILE_REVALIDATE_SECONDS * 1000) {
      revalidateOnce(context, query);
      return { ...fromStore, outcome: "stale" };
    }
  }

  const plan = !refresh && context.config.DAY_CACHE ? await planFromDays(context, query, options.refetchLiveDays ?? false) : null;
  if (plan && plan.missing.length === 0) {
    context.trace.reusedDays = plan.known.size;
    const answer: UpstreamAnswer = { kind: "data", success: assembled(query, plan.known) };
    const ttlSeconds = storeAnswer(context, query, answer, true);
    return { answer, outcome: "hit", ageSeconds: 0, ttlSeconds, refresh, fromDays: true };
  }

  try {
    const fetched = await fetchMissing(context, query, plan);
    const range = assembleRange(query, fetched, plan);
    context.trace.coalesced = fetched.coalesced;
    if (range.fromDays) context.trace.reusedDays = plan?.known.size ?? 0;
    const ttlSeconds = storeAnswer(context, query, range.answer, range.fromDays, fetched.answer.kind === "no-data");
    return { ...range, outcome: refresh ? "refresh" : "miss", ageSeconds: 0, ttlSeconds, refresh };
  } catch (error) {
    if (!stored || !canFallBack(error)) throw error;
    const fallback = { ageSeconds: seconds(stored.ageMs), ttlSeconds: stored.entry.ttlSeconds, failure: error, refresh };
    return { ...fallback, answer: stored.answer, outcome: "fallback", fromDays: false };
  }
}

/** After a failed background refresh, the next waits this long, doubling up to the cap. */
const REFRESH_BACKOFF_MS = 60_000;
const REFRESH_BACKOFF_CAP_MS = 15 * 60_000;
/** Ranges whose refresh state an isolate remembers; the oldest are forgotten first. */
const MAX_REMEMBERED_REFRESHES = 1000;

/**
 * The background half of stale-while-revalidate: at most one refresh per range at a time in an
 * isolate, and none while a failed one's back-off lasts, so stale hits on a failing upstream do
 * not each pay for a call.
 */
function revalidateOnce(context: LookupContext, query: UpstreamQuery): void {
  const key = cacheKey(query);
  const refreshes = context.runtime.isolate.refreshes;
  const now = context.runtime.now();
  const state = refreshes.get(key);
  if (state && (state.running || state.notBefore > now)) return;
  const failures = state?.failures ?? 0;
  refreshes.delete(key);
  refreshes.set(key, { running: true, failures, notBefore: 0 });
  if (refreshes.size > MAX_REMEMBERED_REFRESHES) refreshes.delete(refreshes.keys().next().value!);
  // A background refresh is the gateway's own upkeep: the spend guard admits it, not the key.
  const work = fetchMissing({ ...context, admit: undefined }, query, null).then(
    (fetched) => {
      refreshes.delete(key);
      storeAnswer(context, query, fetched.answer, false);
    },
    () => {
      const backoff = Math.min(REFRESH_BACKOFF_CAP_MS, REFRESH_BACKOFF_MS * 2 ** failures);
      refreshes.set(key, { running: false, failures: failures + 1, notBefore: context.runtime.now() + backoff });
      context.warn(`background revalidation failed; the stale answer stays, next refresh in ${backoff / 1000} s at the earliest`);
    },
  );
  context.defer(work);
}

/** The upstream's own body of an answer (the drop-in route): its data, or its paid "no data" (201). */
export function rawBody(result: LookupResult): UpstreamSuccess["raw"] {
  return result.answer.kind === "data" ? result.answer.success.raw : result.answer.raw;
}

/** The answer's data; "no data" (code 201, billed and cached) is a 404 problem that keeps the cache headers. */
export function dataOf(result: LookupResult, headers: Record<string, string> = {}): UpstreamData {
  if (result.answer.kind === "data") return result.answer.success.data;
  throw new ProblemError("upstream-no-data", {
    detail: "The upstream answered code 201 (No Content Available): it has no follower data for this KOL and range.",
    headers: Object.fromEntries(Object.entries(headers).filter(([name]) => name === "Cache-Status" || name === "Age")),
  });
}
