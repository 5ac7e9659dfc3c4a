/**
 * @module The one path from a validated request to upstream data, cheapest source first:
 * 1. the stored answer for exactly this range (memory tier, then KV): fresh, or within the
 *    stale-while-revalidate grace (served at once; the KOL's coordinator refreshes it in the
 *    background). Hits never leave the isolate and KV.
 * 2. a miss goes to the KOL's coordinator (coordination/), which answers from the KOL's stored
 *    days when they cover the range, else with one coalesced upstream call for what is missing,
 *    admitted by the account's ledger and the calling key's;
 * 3. this isolate stores the answer in both tiers, where every location reads it.
 * When the upstream fails, a stored answer for the range stands in (stale-if-error, RFC 5861).
 * The upstream's paid "no data" (code 201) is an answer too: stored for NO_DATA_TTL_SECONDS, so
 * the same empty question is not paid for again. So is a paid answer that cannot be read
 * (`unusable`): stored for UNUSABLE_TTL_SECONDS and answered as a 502 meanwhile, unless a stored
 * answer for the range can stand in for it.
 *
 * Both public routes go through here, so they share entries and savings.
 */
import type { Config } from "../config/config.ts";
import { cacheKey, ttlPolicy } from "./policy.ts";
import type { UpstreamAnswer } from "../upstream/client.ts";
import type { KolRange, UpstreamQuery } from "../upstream/request.ts";
import { parseUpstreamData, type UpstreamData, type UpstreamSuccess } from "../upstream/schema.ts";
import { resolveMiss, revalidate } from "../coordination/coordinator.ts";
import { reviveProblem, type MissOutcome } from "../coordination/protocol.ts";
import { ProblemError, type ProblemOptions } from "../problem.ts";
import type { LookupContext } from "./context.ts";
import * as z from "zod/mini";
import { remember } from "../cache/remember.ts";
import type { AskedRefresh, RefreshVerdict } from "./refresh.ts";

export type CacheOutcome = "hit" | "stale" | "miss" | "refresh" | "fallback";

export interface LookupResult {
  answer: UpstreamAnswer;
  outcome: CacheOutcome;
  ageSeconds: number;
  ttlSeconds: number;
  /** With outcome "fallback": the upstream failure a stored answer stood in for. */
  failure?: ProblemError;
  /** A client's explicit refresh was granted (and the upstream asked). */
  refresh: boolean;
  /** What became of a client's explicit refresh, when it asked for one. */
  refreshed?: RefreshVerdict;
  /** Built from stored days rather than one upstream answer for exactly this range. */
  fromDays: boolean;
}

export interface LookupOptions {
  /** A client's explicit refresh (lookup/refresh.ts): the KOL's coordinator grants or declines it. */
  asked?: AskedRefresh;
  /** Treat stored live days as missing (the warm list keeps them current). */
  refetchLiveDays?: boolean;
}

const entrySchema = z.object({
  storedAt: z.number(),
  ttlSeconds: z.int().check(z.positive()),
  assembled: z._default(z.boolean(), false),
  /** The upstream's code 201: no data for this KOL and range. */
  noData: z._default(z.boolean(), false),
  /** A billed answer that could not be read, and why. */
  unusable: z.optional(z.string()),
  body: z.looseObject({ code: z.unknown(), data: z.unknown() }),
});
type Entry = z.infer<typeof entrySchema>;

export interface StoredAnswer {
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
  // Stryker disable next-line LogicalOperator: a fast path (as `false`, the condition is equivalent too: listed in docs/testing.md): WeakMap.get of a primitive or null is undefined, and the schema refuses it just after
  if (typeof value !== "object" || value === null) return null;
  const known = validated.get(value);
  // Equivalent as `false` (docs/testing.md lists it; its `true` is killed): a cache of the validation below, which gives the same answer again
  if (known) return known;
  const entry = entrySchema.safeParse(value);
  if (!entry.success) return null;
  let answer: UpstreamAnswer;
  if (entry.data.unusable !== undefined) {
    answer = { kind: "unusable", raw: entry.data.body, reason: entry.data.unusable };
  } else if (entry.data.noData) {
    // Stryker disable next-line StringLiteral: a stored answer is read by dataOf and rawBody only, which take any kind but data and unusable as no data
    answer = { kind: "no-data", raw: entry.data.body };
  } else {
    const data = parseUpstreamData(entry.data.body.data);
    if (!data.success) return null;
    answer = { kind: "data", success: { raw: entry.data.body, data: data.data } };
  }
  const parsed = { entry: entry.data, answer };
  // Stryker disable next-line CallExpression: a cache of this validation, which gives the same answer again
  validated.set(value, parsed);
  return parsed;
}

/** How long past its TTL a stored answer is kept: for stale-if-error and stale-while-revalidate. */
const graceSeconds = (config: Config) => Math.max(config.STALE_IF_ERROR_SECONDS, config.STALE_WHILE_REVALIDATE_SECONDS);

/** The stored answer for exactly `query`'s range, if one is kept (within its TTL or its grace). */
export async function readStored(context: LookupContext, query: KolRange): Promise<StoredAnswer | null> {
  const { settled } = ttlPolicy(query.endDate, context.runtime.now(), context.config);
  const key = cacheKey(query);
  // A settled answer never changes, so edge locations may keep it; a live one must be current.
  const read = await context.store.get(key, settled ? { edgeCacheSeconds: 3600 } : undefined);
  // Equivalent as `false` (docs/testing.md lists it; its `true` is killed): a failed read has no value, which parseStored refuses just after
  if (!read.ok) return null;
  const parsed = parseStored(read.value);
  if (!parsed) return null;
  const ageMs = context.runtime.now() - parsed.entry.storedAt;
  if (ageMs < 0 || ageMs >= (parsed.entry.ttlSeconds + graceSeconds(context.config)) * 1000) return null;
  return { ...parsed, ageMs };
}

/** How a stored answer serves a plain request: fresh ("hit"), within the stale-while-revalidate
 * grace ("stale": served at once, refreshed in the background), or not at all (null). */
export function servedFrom(context: LookupContext, stored: StoredAnswer): "hit" | "stale" | null {
  const ttlMs = stored.entry.ttlSeconds * 1000;
  if (stored.ageMs < ttlMs) return "hit";
  return stored.ageMs < ttlMs + context.config.STALE_WHILE_REVALIDATE_SECONDS * 1000 ? "stale" : null;
}

/** The TTL of an answer: its range's (settled or live), NO_DATA_TTL_SECONDS when it, or the call
 * that filled it in, said "no data", and UNUSABLE_TTL_SECONDS when it could not be read. */
function ttlOf(context: LookupContext, range: KolRange, answered: Answered): number {
  const { answer, noDataCall, liveFetchedAt } = answered;
  const now = context.runtime.now();
  const { ttlSeconds: rangeTtl } = ttlPolicy(range.endDate, now, context.config);
  // Built from live days fetched a while ago: no longer than they stay reusable themselves.
  const ttlSeconds =
    liveFetchedAt === undefined
      ? rangeTtl
      : Math.min(rangeTtl, Math.max(1, Math.ceil((liveFetchedAt - now) / 1000) + context.config.LIVE_TTL_SECONDS));
  if (answer.kind === "unusable") return Math.min(ttlSeconds, context.config.UNUSABLE_TTL_SECONDS);
  // Stryker disable next-line StringLiteral: every outcome with a no-data answer (so the kind's test as `false` is equivalent too: listed in docs/testing.md) has noDataCall set (kol-coordinator.ts, resolveOnce)
  return answer.kind === "no-data" || noDataCall ? Math.min(ttlSeconds, context.config.NO_DATA_TTL_SECONDS) : ttlSeconds;
}

/** What a resolved miss answered, as far as storing it goes. */
type Answered = Pick<Extract<MissOutcome, { ok: true }>, "answer" | "fromDays" | "noDataCall" | "liveFetchedAt">;

function storeAnswer(context: LookupContext, range: KolRange, answered: Answered): number {
  const { answer, fromDays } = answered;
  const now = context.runtime.now();
  const noData = answer.kind === "no-data";
  const ttlSeconds = ttlOf(context, range, answered);
  // A range settled since its last day was fetched (just after midnight) is not stored: its entry
  // would last minutes under a key that edge locations keep for an hour (readStored).
  if (answered.liveFetchedAt !== undefined && ttlPolicy(range.endDate, now, context.config).settled) return ttlSeconds;
  const body = answer.kind === "data" ? answer.success.raw : answer.raw;
  const entry: Entry = { storedAt: now, ttlSeconds, assembled: fromDays, noData, body };
  // Equivalent as `true` (docs/testing.md lists it; its `false` is killed): other answers have no reason, and an undefined field is the field absent to the schema and to JSON
  if (answer.kind === "unusable") entry.unusable = answer.reason;
  const keep = ttlSeconds + graceSeconds(context.config);
  context.defer(
    context.store.put(cacheKey(range), entry, keep).then((written) => {
      if (!written) context.warn("cache write failed; the next request will call the upstream again");
    }),
  );
  return ttlSeconds;
}

/** A stored answer may stand in for any upstream failure but the upstream rejecting the parameters. */
function canFallBack(error: unknown): error is ProblemError {
  // Stryker disable next-line StringLiteral: (the type's test as `true` and `status > 500` are equivalent too, listed in docs/testing.md; the other mutants are killed) the one type this excludes has status 400, which `status >= 500` excludes too; no problem has status 500 exactly (upstream failures are 502 to 504); an error that is not a problem has no status
  return error instanceof ProblemError && error.problemType !== "upstream-invalid-parameters" && error.status >= 500;
}

/** What resolving a miss cost goes into this request's trace (headers, log line, key usage). */
function traced(context: LookupContext, outcome: MissOutcome): void {
  const upstream = context.trace.upstream;
  upstream.attempts += outcome.upstream.attempts;
  upstream.billed += outcome.upstream.billed;
  upstream.uncertain += outcome.upstream.uncertain;
  upstream.elapsedMs += outcome.upstream.elapsedMs;
  for (const field of ["lastCode", "lastMessage", "requestId", "endpoint"] as const) {
    // Equivalent as `true` (docs/testing.md lists it; its `false` is killed): a trace takes one outcome (lookupTrend), so its fields are undefined before it
    if (outcome.upstream[field] !== undefined) Object.assign(upstream, { [field]: outcome.upstream[field] });
  }
  context.trace.coalesced ||= outcome.coalesced;
  context.trace.reusedDays = outcome.reusedDays;
}

export async function lookupTrend(context: LookupContext, query: UpstreamQuery, options: LookupOptions = {}): Promise<LookupResult> {
  const { asked } = options;
  const stored = await readStored(context, query);
  const served = stored && !asked && !options.refetchLiveDays ? servedFrom(context, stored) : null;
  if (stored && served) {
    if (served === "stale") revalidateOnce(context, query, context.runtime.now() - stored.ageMs);
    const { answer, entry } = stored;
    return {
      answer,
      ageSeconds: seconds(stored.ageMs),
      ttlSeconds: entry.ttlSeconds,
      // Stryker disable next-line BooleanLiteral: `refresh` is read only for a fallback (cache-status.ts), which a stored answer served as it is never is
      refresh: false,
      fromDays: entry.assembled,
      outcome: served,
    };
  }

  const request = { query, refresh: false, refetchLiveDays: options.refetchLiveDays ?? false, ...(asked ? { asked } : {}) };
  const outcome = await resolveMiss(context, request);
  traced(context, outcome);
  const refreshed = outcome.refreshed ? { refreshed: outcome.refreshed } : {};
  const refresh = outcome.refreshed?.kind === "done";
  // The stored answer stands in for a failure, and stays as it was stored (stale-if-error).
  const standIn = (from: StoredAnswer, failure: ProblemError): LookupResult => ({
    answer: from.answer,
    ageSeconds: seconds(from.ageMs),
    ttlSeconds: from.entry.ttlSeconds,
    failure,
    refresh,
    ...refreshed,
    outcome: "fallback",
    fromDays: false,
  });
  // An unusable answer is a failure too (the KOL's coordinator remembers it, so it is not paid again).
  if (outcome.ok && outcome.answer.kind === "unusable" && stored) return standIn(stored, unusableProblem(outcome.answer.reason));
  if (outcome.ok) {
    const ttlSeconds = outcome.identical ? ttlOf(context, query, outcome) : storeAnswer(context, query, outcome);
    const result = { answer: outcome.answer, fromDays: outcome.fromDays, ageSeconds: 0, ttlSeconds, refresh, ...refreshed };
    return {
      ...result,
      outcome: refresh ? "refresh" : outcome.fromDays && outcome.upstream.attempts === 0 && !outcome.coalesced ? "hit" : "miss",
    };
  }
  const error = reviveProblem(outcome.problem);
  if (!stored || !canFallBack(error)) throw error;
  return standIn(stored, error);
}

/** How long an isolate waits before asking a KOL's coordinator to refresh the same range again. */
const REFRESH_ASK_MS = 60_000;
/** Ranges an isolate remembers asking about; the oldest are forgotten first. */
const MAX_REMEMBERED_REFRESHES = 1000;

/**
 * The background half of stale-while-revalidate. The KOL's coordinator runs the one refresh of a
 * range (and backs off after failures); this isolate asks it at most once a minute per range, so
 * stale hits do not each cost a round trip, and stores the answer it brings.
 */
function revalidateOnce(context: LookupContext, query: UpstreamQuery, storedAt: number): void {
  const key = cacheKey(query);
  const asked = context.runtime.isolate.refreshAsks;
  const now = context.runtime.now();
  if ((asked.get(key) ?? 0) > now) return;
  remember(asked, key, now + REFRESH_ASK_MS, MAX_REMEMBERED_REFRESHES);
  const work = revalidate(context, query, storedAt).then(
    (outcome) => {
      // Equivalent as `false` (docs/testing.md lists it; its `true` is killed): with no outcome (a refresh under way elsewhere) the mutant throws inside deferred work, whose rejection nothing reads: not observable
      if (!outcome) return;
      if (outcome.ok) storeAnswer(context, query, outcome);
      else context.warn("background revalidation failed; the stale answer stays, and the KOL's coordinator backs off before the next");
    },
    () => context.warn("background revalidation could not reach the KOL's coordinator; the stale answer stays"),
  );
  context.defer(work);
}

/** The problem a billed answer that could not be read becomes (a 502, kept like a 201). */
function unusableProblem(reason: string, options: Partial<ProblemOptions> = {}): ProblemError {
  return new ProblemError("upstream-invalid-response", {
    detail: `The upstream's answer (billed) was not usable: ${reason}. The gateway keeps this outcome for the range for a while rather than paying for it again.`,
    ...options,
  });
}

const keptHeaders = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => name === "Cache-Status" || name === "Age"));

/** The upstream's own body of an answer (the drop-in route): its data, or its paid "no data" (201). */
export function rawBody(result: LookupResult, headers: Record<string, string> = {}): UpstreamSuccess["raw"] {
  if (result.answer.kind === "unusable") throw unusableProblem(result.answer.reason, { headers: keptHeaders(headers) });
  return result.answer.kind === "data" ? result.answer.success.raw : result.answer.raw;
}

/** The answer's data; "no data" (code 201, billed and cached) is a 404 problem that keeps the cache
 * headers, and a billed answer that could not be read a 502 that keeps them too. */
export function dataOf(result: LookupResult, headers: Record<string, string> = {}): UpstreamData {
  if (result.answer.kind === "data") return result.answer.success.data;
  if (result.answer.kind === "unusable") throw unusableProblem(result.answer.reason, { headers: keptHeaders(headers) });
  throw new ProblemError("upstream-no-data", {
    detail: "The upstream answered code 201 (No Content Available): it has no follower data for this KOL and range.",
    headers: keptHeaders(headers),
  });
}
