/**
 * @module What both ways of resolving a miss share (a KOL's coordinator, and an isolate on its own
 * when the coordinator cannot be reached): one upstream call admitted by the account ledger, the
 * plan of what stored days already answer, and a range assembled from days.
 */
import type { Config } from "../config/config.ts";
import { datesOf } from "../calendar.ts";
import { usableDay, type DayBook, type DayPolicy, type StoredDay } from "./day-book.ts";
import { assembleBody } from "./assemble.ts";
import type { CallJournal, HeldCall, SpendGuard } from "../ledger/spend-guard.ts";
import { fetchUpstream, type UpstreamAnswer, type UpstreamTrace } from "../upstream/client.ts";
import type { KolRange, UpstreamQuery } from "../upstream/request.ts";
import { parseUpstreamData, type UpstreamSuccess } from "../upstream/schema.ts";
import type { Failover, Runtime } from "../runtime.ts";
import type { RangeLesson, RangeLimit } from "../ledger/account-ledger.ts";
import { newUpstreamTrace, problemParts, type KeyAdmission, type MissOutcome, type ProblemParts } from "./protocol.ts";

export interface ResolveContext {
  config: Config;
  token: string;
  guard: SpendGuard;
  runtime: Runtime;
  /** The account's call leased to the miss's isolate, which its call's first attempt takes. */
  leased?: HeldCall;
  /** Where a coordinator writes down its calls until they are recorded (none in an isolate on its own). */
  journal?: CallJournal;
}

/** What spending on the upstream is given once the account ledger admitted its first attempt. */
export interface Spending {
  /** The upstream's range limit as the account knows it (null: none known). */
  rangeLimit: RangeLimit | null;
  /** One logical upstream call (upstream/client.ts) for `window`; its later attempts are admitted through `admitNext`. */
  call: (window: UpstreamQuery) => Promise<UpstreamAnswer>;
  /** Admits one more attempt; throws the spend guard's problem when the ledger refuses. */
  admitNext: () => Promise<void>;
  /** What this spending learned of the range limit, for the account ledger (sent with its record). */
  learn: (lesson: RangeLesson) => void;
}

/**
 * Spends on the upstream: every attempt `work` makes is admitted and counted by the account ledger
 * and goes to `trace`. It starts from the account's fail-over state and range limit, and reports
 * back a fail-over it made (or ended) and what it learned of the range limit.
 */
export function spendWith<T>(context: ResolveContext, trace: UpstreamTrace, work: (spending: Spending) => Promise<T>): Promise<T> {
  const before = { attempts: trace.attempts, billed: trace.billed };
  const isolate = context.runtime.isolate;
  let known: Failover | undefined;
  let lesson: RangeLesson | undefined;
  return context.guard.spend(
    (failover, admitNext, rangeLimit) => {
      known = isolate.upstreamFailover = failover ?? undefined;
      const call = (window: UpstreamQuery) => fetchUpstream(context.config, context.token, window, context.runtime, trace, admitNext);
      return work({ rangeLimit, call, admitNext, learn: (learned) => void (lesson = { ...lesson, ...learned }) });
    },
    () => {
      const spent = {
        // Stryker disable next-line ArithmeticOperator: every trace is spent through one spendWith, so `before` is zero
        attempts: trace.attempts - before.attempts,
        // Stryker disable next-line ArithmeticOperator: every trace is spent through one spendWith, so `before` is zero
        billed: trace.billed - before.billed,
        ...(isolate.upstreamFailover === known ? {} : { failover: isolate.upstreamFailover ?? null }),
        ...(lesson ? { range: lesson } : {}),
      };
      // What the call learned makes the facts the isolate's leased calls carry old.
      if (context.leased && ("failover" in spent || lesson)) context.leased.learned = true;
      return spent;
    },
    context.leased,
    context.journal,
  );
}

/** One logical upstream call for exactly `window` (see spendWith). */
export function spendOnUpstream(context: ResolveContext, window: UpstreamQuery, trace: UpstreamTrace): Promise<UpstreamAnswer> {
  return spendWith(context, trace, ({ call }) => call(window));
}

/**
 * Which stored days are reusable now: settled days always, live days for LIVE_TTL_SECONDS; with
 * `refetchSince` (the moment live days were asked for again), only live days fetched after it.
 */
export function dayPolicy(context: ResolveContext, refetchSince: number | null): DayPolicy {
  const policy = { now: context.runtime.now(), liveMs: context.config.LIVE_TTL_SECONDS * 1000 };
  return refetchSince === null ? policy : { ...policy, fetchedAfter: refetchSince };
}

/** What the stored days already answer for a range, and which of its days are missing. */
export interface DayPlan {
  known: Map<string, StoredDay>;
  missing: string[];
}

export function planOf(context: ResolveContext, book: DayBook, range: KolRange, refetchSince: number | null): DayPlan {
  const policy = dayPolicy(context, refetchSince);
  const known = new Map<string, StoredDay>();
  const missing: string[] = [];
  for (const date of datesOf(range.startDate, range.endDate)) {
    const day = usableDay(book, date, policy);
    if (day) known.set(date, day);
    else missing.push(date);
  }
  return { known, missing };
}

/** When the oldest live day among `days` was fetched, as a MissOutcome field (none when no day is live). */
export function liveFetchedAt(days: Map<string, StoredDay>): { liveFetchedAt?: number } {
  const live = [...days.values()].filter((day) => !day.settled).map((day) => day.fetchedAt);
  return live.length > 0 ? { liveFetchedAt: Math.min(...live) } : {};
}

/** The range's answer in the upstream's own shape, built from stored days. */
export function assembled(range: KolRange, days: Map<string, StoredDay>): UpstreamAnswer {
  const body = assembleBody(datesOf(range.startDate, range.endDate), days);
  const data = parseUpstreamData(body.data);
  // Built from stored days that were validated when they came: a refusal here is a bug.
  if (!data.success) throw data.error;
  const success: UpstreamSuccess = { raw: body, data: data.data };
  return { kind: "data", success };
}

/**
 * The whole range in one call, admitted by the key (if it has a limit) and the account: a forced
 * refresh, a gateway without day-level reuse, or an isolate without its coordinator.
 */
export async function wholeRange(
  context: ResolveContext,
  query: UpstreamQuery,
  admitKey: KeyAdmission | undefined,
  trace: UpstreamTrace,
): Promise<MissOutcome> {
  const refused = await refusal(admitKey, trace);
  if (refused) return refused;
  const answer = await spendOnUpstream(context, query, trace);
  // Stryker disable next-line StringLiteral: for the upstream's own answer noDataCall repeats its kind, which decides the TTL by itself (lookup.ts ttlOf)
  return { ok: true, answer, fromDays: false, noDataCall: answer.kind === "no-data", upstream: trace, coalesced: false, reusedDays: 0 };
}

/** Asks the key's admission, if any, turning a refusal into the outcome that ends this miss. */
export async function refusal(admitKey: KeyAdmission | undefined, trace: UpstreamTrace): Promise<MissOutcome | null> {
  const problem: ProblemParts | null = admitKey ? await admitKey() : null;
  return problem ? failed(problem, trace) : null;
}

export const failed = (problem: ProblemParts, upstream: UpstreamTrace, coalesced = false): MissOutcome => ({
  ok: false,
  problem,
  upstream,
  coalesced,
  reusedDays: 0,
});

/** Runs `work`; a problem it throws becomes a failed outcome (anything else is a bug and stays thrown). */
export async function outcomeOf(trace: UpstreamTrace, work: () => Promise<MissOutcome>): Promise<MissOutcome> {
  try {
    return await work();
  } catch (error) {
    return failed(problemParts(error), trace);
  }
}

/** Refusals of the caller itself (its key's daily limit, its rate limit), which say nothing of another's. */
const OWN_REFUSALS = new Set(["key-spend-limit", "rate-limited"]);

/**
 * Concurrent identical misses share one resolution: the first caller's. The others spent nothing,
 * unless the first was refused for itself (its key's daily limit, its rate limit): they then try their own.
 */
export async function shared(runtime: Runtime, key: string, work: () => Promise<MissOutcome>): Promise<MissOutcome> {
  const flight = runtime.isolate.singleFlight(key, work);
  const outcome = await flight.promise;
  if (flight.leader) return outcome;
  if (!outcome.ok && OWN_REFUSALS.has(outcome.problem.problemType)) return work();
  return { ...outcome, upstream: newUpstreamTrace(), coalesced: true, identical: true };
}
