/**
 * @module A KOL's coordinator: one Durable Object (SQLite) per KOL, the only place that decides
 * whether to call the upstream for that KOL. Every isolate's misses for the KOL come here (hits
 * never do: they are answered from the memory tier and KV).
 *
 * - It owns the KOL's stored days (day-book.ts), its archive: settled days are kept for good,
 *   and each write is one transaction, so concurrent ranges never lose each other's days.
 * - It coalesces: identical misses share one resolution, and misses whose missing days arrive
 *   within COALESCE_WINDOW_MS of each other are fetched by one call spanning their union. A miss
 *   whose days a call already in flight will bring waits for that call instead of making its own.
 *   Calls for one KOL are made one at a time; misses that arrive meanwhile gather for the next.
 * - Its calls are wide (wide-window.ts): one call brings the missing days and the unstored days
 *   around them, up to today and UPSTREAM_FETCH_DAYS, since the maker bills per call, not per day.
 * - It runs the one background refresh of a range (stale-while-revalidate: the range's live days
 *   bought again, its settled days reused), backing off after failures, and grants a client's
 *   explicit refresh unless the days it would buy were bought again on request less than
 *   REFRESH_INTERVAL_SECONDS ago, by any key (refreshes.ts).
 * - It remembers a billed answer that could not be read (upstream/client.ts) for its window, for
 *   UNUSABLE_TTL_SECONDS: a miss whose missing days it covers gets it again instead of a new call.
 * Each call is admitted by the account ledger (budget and breaker) and, for a request's own
 * call, by the calling key's ledger through the admission the caller passes in. The caller
 * stores the answer in KV, where every location reads it.
 */
import { DurableObject } from "cloudflare:workers";
import { datesOf } from "../calendar.ts";
import { requireReady } from "../config/readiness.ts";
import { createSpendGuard, type CallJournal, type HeldCall, type SpendGuard } from "../ledger/spend-guard.ts";
import { callJournal, createJournalTable, JOURNAL_CHECK_MS, recordLostCalls } from "./call-journal.ts";
import { cacheKey, ttlPolicy } from "../lookup/policy.ts";
import type { AskedRefresh, RefreshVerdict } from "../lookup/refresh.ts";
import { createRefreshTable, forgetRefresh, lastRefresh, noteRefresh, refreshedDays, type DaySpan } from "./refreshes.ts";
import { createDayTable, daysOf, readDays, writeDays, type RawSeries } from "./day-book.ts";
import { spendWide, widenOverStored } from "./wide-window.ts";
import { createUnusableTable, keepUnusable, keptUnusable } from "./unusable.ts";
import type { UpstreamAnswer, UpstreamTrace } from "../upstream/client.ts";
import type { KolRange, UpstreamQuery } from "../upstream/request.ts";
import { platformRuntime, type Runtime } from "../runtime.ts";
import { callerAdmission, type TakenReservation } from "../ledger/key-admission.ts";
import type { Bindings } from "../bindings.ts";
import {
  assembled,
  failed,
  liveFetchedAt,
  outcomeOf,
  planOf,
  refusal,
  shared,
  wholeRange,
  type DayPlan,
  type ResolveContext,
} from "./resolve.ts";
import {
  newUpstreamTrace,
  problemParts,
  type CreatorQuote,
  type KeyAdmission,
  type MissOutcome,
  type MissRequest,
  type ProblemParts,
  type QuoteSource,
} from "./protocol.ts";

/** After a failed background refresh, the next waits this long, doubling up to the cap. */
const REFRESH_BACKOFF_MS = 60_000;
const REFRESH_BACKOFF_CAP_MS = 15 * 60_000;

type BatchResult =
  /** `window`: what was fetched, or null when every day had been stored meanwhile. */
  { ok: true; window: UpstreamQuery | null; answer: UpstreamAnswer | null } | { ok: false; problem: ProblemParts };

/** Missing days gathered into one upstream call. */
interface Batch {
  days: Set<string>;
  /** Live days fetched at or before this moment are fetched again (null: none are); see dayPolicy. */
  refetchSince: number | null;
  /** Every miss in it is a client's refresh: its call is not widened. */
  narrow: boolean;
  done: Promise<BatchResult>;
}

/** A miss's place in a batch: the leader's call is charged to it, the others share it. */
interface Joined {
  batch: Batch;
  leader: boolean;
}

/** A kept unusable answer given again: no call, nothing reused. */
const keptOutcome = (answer: UpstreamAnswer, upstream: UpstreamTrace): MissOutcome => ({
  ok: true,
  answer,
  fromDays: false,
  // Stryker disable next-line BooleanLiteral: an unusable answer is kept UNUSABLE_TTL_SECONDS before the "no data" rule applies (lookup.ts ttlOf)
  noDataCall: false,
  upstream,
  coalesced: false,
  reusedDays: 0,
});

/** How a miss would be answered now (KolCoordinator.planMiss). */
type MissStep =
  | { kind: "whole" }
  | { kind: "kept"; answer: UpstreamAnswer }
  | { kind: "stored"; plan: DayPlan }
  | { kind: "covered"; plan: DayPlan; joined: Joined }
  | { kind: "missing"; plan: DayPlan };

/** A client's refresh as decided, with the note it left (when granted): its days and when. */
interface GrantedRefresh {
  verdict: RefreshVerdict;
  days: DaySpan;
  at: number;
}

const sameRange = (a: KolRange, b: KolRange) => a.startDate === b.startDate && a.endDate === b.endDate;

/** Live days fetched at or before this moment are to be fetched again (null: none are): the
 * request's own moment, or the one it gives (a background refresh: its stale answer's). */
const refetchSince = (request: MissRequest, askedAt: number): number | null =>
  request.refetchLiveDays ? (request.refetchSince ?? askedAt) : null;

export class KolCoordinator extends DurableObject<Bindings> {
  /** The bindings and the platform's runtime this object works with; tests hand it theirs. */
  deps: { env: Bindings; runtime: Runtime };
  private readonly sql: SqlStorage;
  private running: Batch | null = null;
  private gathering: Batch | null = null;
  /** The journal's calls this object is making or recording (call-journal.ts): any other is a lost object's. */
  private readonly liveCalls = new Set<number>();

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    createDayTable(this.sql);
    createUnusableTable(this.sql);
    createRefreshTable(this.sql);
    createJournalTable(this.sql);
    this.deps = { env, runtime: platformRuntime() };
  }

  /**
   * Resolves a miss: from stored days when they answer it, else with (a share of) one upstream call,
   * admitted for the caller here (the limits its pass carries; the key's ledger asked directly) and
   * by the account (its call leased to the caller's isolate, or the account ledger asked). Says
   * which key reservation it took, and which leased calls went unused.
   */
  async resolve(request: MissRequest): Promise<MissOutcome> {
    const trace = newUpstreamTrace();
    const leased: HeldCall = { call: request.account ?? null };
    // Stryker disable next-line ObjectLiteral: no reservation read as undefined is none as null is (the journal writes either as NULL; the usage record reads either as none)
    const taken: TakenReservation = { reservation: null };
    let guard: SpendGuard | undefined;
    const outcome = await outcomeOf(trace, async () => {
      const context = { ...this.context(), leased, journal: this.journal(request, taken) };
      guard = context.guard;
      const admitKey = request.caller && callerAdmission(this.deps.env.KEY_LEDGER, context.runtime, request.caller, taken);
      const [granted, refreshed] = request.asked ? this.grant(context, request.query, request.asked) : [request, undefined];
      const key = `coordinator:${cacheKey(granted.query)}:${granted.refresh}:${granted.refetchLiveDays}`;
      const outcome = await shared(context.runtime, key, () => outcomeOf(trace, () => this.resolveOnce(context, granted, admitKey, trace)));
      // A refresh refused (the key's limit, the rate limit, the budget) or failed bought nothing: it
      // holds no days back from anyone's refresh (else a spent key could block every other key's).
      if (refreshed?.verdict.kind === "done" && !outcome.ok) forgetRefresh(this.sql, request.asked!.by, refreshed.days, refreshed.at);
      return refreshed ? { ...outcome, refreshed: refreshed.verdict } : outcome;
    });
    // A call admitted ahead here and not used is the coordinator's to give back; a leased one, the isolate's.
    if (leased.call && leased.ahead && guard) this.ctx.waitUntil(guard.giveBack([leased.call.reservation]));
    const leasedKeyCall = request.caller?.key?.leased ?? null;
    return {
      ...outcome,
      ...(taken.reservation !== null ? { keyReservation: taken.reservation } : {}),
      // (`leasedKeyCall !== null` as true is equivalent: the isolate reads keyCallUnused only for a slot it leased.)
      ...(leasedKeyCall !== null && taken.reservation !== leasedKeyCall ? { keyCallUnused: true } : {}),
      ...(leased.call && !leased.ahead ? { accountCallUnused: true } : {}),
      ...(leased.learned ? { accountLearned: true } : {}),
    };
  }

  /**
   * A client's explicit refresh, granted (the request to resolve now buys the range's live days,
   * or the whole range for `settled`) or declined: `live` on a range with no live day, or days it
   * would buy bought again on request less than REFRESH_INTERVAL_SECONDS ago (by any key, for any
   * range). A declined refresh is resolved as a plain miss (from stored days where they answer it).
   */
  private grant(context: ResolveContext, query: UpstreamQuery, asked: AskedRefresh): [MissRequest, GrantedRefresh] {
    const [request, verdict] = this.verdict(context, query, asked);
    const at = context.runtime.now();
    const days = refreshedDays(query, asked.mode, at);
    if (verdict.kind === "done") noteRefresh(this.sql, asked.by, days, at);
    return [request, { verdict, days, at }];
  }

  /** What `grant` would decide now, deciding nothing (a quote asks it too). */
  private verdict(context: ResolveContext, query: UpstreamQuery, asked: AskedRefresh): [MissRequest, RefreshVerdict] {
    const now = context.runtime.now();
    const plain: MissRequest = { query, refresh: false, refetchLiveDays: false };
    if (asked.mode === "live" && ttlPolicy(query.endDate, now, context.config).settled) return [plain, { kind: "settled" }];
    const intervalMs = context.config.REFRESH_INTERVAL_SECONDS * 1000;
    const last = lastRefresh(this.sql, refreshedDays(query, asked.mode, now), now, intervalMs);
    if (last !== null) return [plain, { kind: "too-soon", nextAt: last + intervalMs }];
    // (`refetchLiveDays` as true for `settled` is equivalent: a settled refresh buys the whole range, planning no day.)
    const granted = { query, refresh: asked.mode === "settled", refetchLiveDays: asked.mode === "live", narrow: true };
    return [granted, { kind: "done" }];
  }

  /**
   * What resolving `query` would spend now, spending nothing: the plan the miss itself makes
   * (planMiss), with a client's refresh as the coordinator would decide it, and the call widened to
   * at most `maxDays` as it would be. So the quote is what the request then costs, unless the KOL's
   * days change in between.
   */
  quote(query: UpstreamQuery, maxDays: number, asked?: AskedRefresh): CreatorQuote {
    const context = this.context();
    const request: MissRequest = asked ? this.verdict(context, query, asked)[0] : { query, refresh: false, refetchLiveDays: false };
    const step = this.planMiss(context, request, context.runtime.now());
    const free = (source: QuoteSource): CreatorQuote => ({ source, calls: 0, window: null });
    switch (step.kind) {
      case "kept":
        return free("kept-unusable");
      case "stored":
        return free("stored-days");
      case "covered":
        return free("in-flight");
      case "whole":
        return { source: "upstream", calls: 1, window: query };
      case "missing": {
        const { missing } = step.plan;
        const window = { ...query, startDate: missing[0]!, endDate: missing[missing.length - 1]! };
        return { source: "upstream", calls: 1, window: request.narrow ? window : widenOverStored(context, this.sql, window, maxDays) };
      }
    }
  }

  /**
   * How a miss would be answered now, before anything is spent: the whole range in one call (a
   * settled refresh, or no day-level reuse), a kept unusable answer, the stored days, a call under
   * way that brings the missing days, or a new call for them.
   */
  private planMiss(context: ResolveContext, request: MissRequest, now: number): MissStep {
    const { query } = request;
    if (request.refresh || !context.config.DAY_CACHE) {
      const kept = request.refresh ? null : keptUnusable(this.sql, [query.startDate, query.endDate], now);
      return kept ? { kind: "kept", answer: kept } : { kind: "whole" };
    }
    const plan = planOf(context, readDays(this.sql, query.startDate, query.endDate), query, refetchSince(request, now));
    const kept = keptUnusable(this.sql, plan.missing, now);
    if (kept) return { kind: "kept", answer: kept };
    if (plan.missing.length === 0) return { kind: "stored", plan };
    const joined = this.covering(plan.missing);
    return joined ? { kind: "covered", plan, joined } : { kind: "missing", plan };
  }

  /**
   * The background half of stale-while-revalidate: at most one refresh of a range at a time, and
   * none while a failed one's back-off lasts. Null when none was made now. It buys the range's live
   * days again, unless they were fetched after `storedAt` (when the stale answer was stored), and
   * reuses its settled days: those are bought again only when a client asks (`Xingtu-Refresh: settled`).
   */
  async revalidate(query: UpstreamQuery, storedAt?: number): Promise<MissOutcome | null> {
    const { runtime } = this.deps;
    const key = cacheKey(query);
    const state = runtime.isolate.refreshes.get(key);
    if (state && (state.running || state.notBefore > runtime.now())) return null;
    const failures = state?.failures ?? 0;
    runtime.isolate.refreshes.set(key, { running: true, failures, notBefore: 0 });
    // A background refresh is the gateway's own upkeep: the account ledger admits it, no key.
    // Live days fetched after the stale answer was stored (another range's refresh) are not bought again.
    const since = storedAt === undefined ? {} : { refetchSince: storedAt };
    const outcome = await this.resolve({ query, refresh: false, refetchLiveDays: true, ...since });
    if (outcome.ok) {
      runtime.isolate.refreshes.delete(key);
    } else {
      const backoff = Math.min(REFRESH_BACKOFF_CAP_MS, REFRESH_BACKOFF_MS * 2 ** failures);
      runtime.isolate.refreshes.set(key, { running: false, failures: failures + 1, notBefore: runtime.now() + backoff });
    }
    return outcome;
  }

  /** The journal a miss's call is written in, charged to the miss's key when it has a limit (its admission took a reservation). */
  private journal(request: MissRequest, taken: TakenReservation): CallJournal {
    const name = request.caller?.key?.name;
    const key = () => (name !== undefined ? { name, reservation: taken.reservation } : null);
    return callJournal(this.ctx.id.toString(), this.sql, this.liveCalls, this.deps.runtime.now, key, () => this.arm());
  }

  /** Looks at the journal in JOURNAL_CHECK_MS (an alarm outlives its object: the next one looks). */
  private arm(): void {
    void this.ctx.storage.setAlarm(Date.now() + JOURNAL_CHECK_MS);
  }

  /** Records the calls a lost object wrote down (call-journal.ts), and looks again while calls are written down. */
  override async alarm(): Promise<void> {
    const { env } = this.deps;
    const { guard } = this.context();
    if (await recordLostCalls(this.ctx.id.toString(), this.sql, this.liveCalls, guard, env.KEY_LEDGER)) this.arm();
  }

  private context(): ResolveContext {
    const { env, runtime } = this.deps;
    const { config, token } = requireReady(env);
    // Stryker disable next-line ArrowFunction: the ledger's record is already under way when it is deferred, and a Durable Object stays up while it runs: waitUntil changes nothing here
    const guard = createSpendGuard(env.ACCOUNT_LEDGER, config, runtime.now, (work) => this.ctx.waitUntil(work));
    return { config, token, runtime, guard };
  }

  private async resolveOnce(
    context: ResolveContext,
    request: MissRequest,
    admitKey: KeyAdmission | undefined,
    trace: UpstreamTrace,
  ): Promise<MissOutcome> {
    const { query } = request;
    const askedAt = context.runtime.now();
    const step = this.planMiss(context, request, askedAt);
    if (step.kind === "kept") return keptOutcome(step.answer, trace);
    if (step.kind === "whole") {
      const outcome = await wholeRange(context, query, admitKey, trace);
      if (!outcome.ok) return outcome;
      this.keepDays(context, query, outcome.answer);
      const archived = this.archivedOver(context, query, outcome.answer);
      return archived ? { ...outcome, answer: archived, fromDays: true, noDataCall: false } : outcome;
    }

    const { plan } = step;
    const reusedDays = plan.known.size;
    if (step.kind === "stored") {
      return {
        ok: true,
        answer: assembled(query, plan.known),
        fromDays: true,
        noDataCall: false,
        ...liveFetchedAt(plan.known),
        upstream: trace,
        coalesced: false,
        reusedDays,
      };
    }

    let joined: Joined | undefined = step.kind === "covered" ? step.joined : undefined;
    if (!joined) {
      // Without a leased call, the account's admission is asked beside the key's, not after it.
      // Stryker disable next-line OptionalChaining: the coordinator's context always holds the miss's held call (resolve)
      const ahead = context.leased?.call ? null : context.guard.admitAhead();
      const refused = await refusal(admitKey, trace);
      const admitted = await ahead;
      if (admitted && context.leased) Object.assign(context.leased, { call: admitted, ahead: true });
      if (refused) return refused;
      // The admission awaited: a call that brings these days may have started meanwhile.
      joined = this.covering(plan.missing) ?? this.gather(context, query, plan.missing, request, askedAt, trace);
    }
    const result = await joined.batch.done;
    const upstream = joined.leader ? trace : newUpstreamTrace();
    const coalesced = !joined.leader;
    if (!result.ok) return failed(result.problem, upstream, coalesced);
    const base = { ok: true, upstream, coalesced, reusedDays } as const;
    // The upstream's own answer for exactly this range, unless stored days had to fill it in.
    const { window, answer } = result;
    const exact = window !== null && sameRange(window, query) && plan.known.size === 0;
    if (answer && (answer.kind === "unusable" || exact)) {
      // Stryker disable next-line StringLiteral: for the upstream's own answer noDataCall repeats its kind, which decides the TTL by itself (lookup.ts ttlOf)
      return { ...base, answer, fromDays: false, noDataCall: answer.kind === "no-data", reusedDays: 0 };
    }
    if (answer?.kind === "no-data") {
      // "No data" for a window holding the whole range (widened, or joined): the upstream's own answer.
      if (plan.known.size === 0) return { ...base, answer, fromDays: false, noDataCall: true };
      // "No data" for what was missing: the range is what the stored days knew.
      return { ...base, answer: assembled(query, plan.known), fromDays: true, noDataCall: true, ...liveFetchedAt(plan.known) };
    }
    const after = planOf(context, readDays(this.sql, query.startDate, query.endDate), query, null);
    return { ...base, answer: assembled(query, after.known), fromDays: true, noDataCall: false, ...liveFetchedAt(after.known) };
  }

  /** The batch in flight or gathering that will bring every one of `days`, if any. */
  private covering(days: string[]): Joined | undefined {
    const batch = [this.running, this.gathering].find((candidate) => candidate && days.every((day) => candidate.days.has(day)));
    return batch ? { batch, leader: false } : undefined;
  }

  /**
   * Adds `days` to the batch gathering now, or starts one. A batch started while a call is under
   * way (a burst) gathers for the window and calls once that call is done; one started with no
   * call under way (an isolated miss) calls at once. `askedAt`: when the miss was planned.
   */
  private gather(
    context: ResolveContext,
    query: UpstreamQuery,
    days: string[],
    request: MissRequest,
    askedAt: number,
    trace: UpstreamTrace,
  ): Joined {
    const since = refetchSince(request, askedAt);
    const narrow = request.narrow ?? false;
    const gathering = this.gathering;
    if (gathering) {
      for (const day of days) gathering.days.add(day);
      // Live days asked for again are fetched again if they were fetched before the latest such ask.
      gathering.refetchSince = since === null ? gathering.refetchSince : Math.max(gathering.refetchSince ?? 0, since);
      // The call is one call either way: it is widened for whichever miss in it is not a refresh.
      gathering.narrow &&= narrow;
      return { batch: gathering, leader: false };
    }
    const previous = this.running;
    const batch: Batch = {
      days: new Set(days),
      refetchSince: since,
      narrow,
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: a placeholder, replaced on the next statement before anyone reads it
      done: Promise.resolve({ ok: true, window: null, answer: null }),
    };
    if (previous) this.gathering = batch;
    else this.running = batch;
    batch.done = (async () => {
      if (previous) {
        await pause(context.runtime, context.config.COALESCE_WINDOW_MS);
        await previous.done.catch(() => undefined);
        this.gathering = null;
        this.running = batch;
      }
      try {
        return await this.fetchBatch(context, query, batch, trace);
      } finally {
        if (this.running === batch) this.running = null;
      }
    })();
    return { batch, leader: true };
  }

  /** One upstream call spanning the batch's days that are still missing, widened (wide-window.ts); its days are stored before anyone reads them. */
  private async fetchBatch(context: ResolveContext, query: UpstreamQuery, batch: Batch, trace: UpstreamTrace): Promise<BatchResult> {
    const dates = [...batch.days].sort();
    const span = { kolId: query.kolId, startDate: dates[0]!, endDate: dates[dates.length - 1]! };
    const plan = planOf(context, readDays(this.sql, span.startDate, span.endDate), span, batch.refetchSince);
    const missing = plan.missing.filter((day) => batch.days.has(day));
    if (missing.length === 0) return { ok: true, window: null, answer: null };
    const asked: UpstreamQuery = { ...query, startDate: missing[0]!, endDate: missing[missing.length - 1]! };
    try {
      const widen = (maxDays: number) => (batch.narrow ? asked : widenOverStored(context, this.sql, asked, maxDays));
      const { window, answer } = await spendWide(context, asked, widen, trace);
      this.keepDays(context, window, answer);
      return { ok: true, window, answer };
    } catch (error) {
      return { ok: false, problem: problemParts(error) };
    }
  }

  /**
   * After a refresh: the range built from the stored days when they hold a count the answer lacks
   * (the upstream no longer serves that day: its history depth), else null. The archive outlives
   * the upstream's memory, so buying a range again never makes its answer poorer.
   */
  private archivedOver(context: ResolveContext, query: UpstreamQuery, answer: UpstreamAnswer): UpstreamAnswer | null {
    if (!context.config.DAY_CACHE || answer.kind === "unusable") return null;
    const { known } = planOf(context, readDays(this.sql, query.startDate, query.endDate), query, null);
    // Stryker disable next-line ArrayDeclaration: for an answer without data the set must hold no date, and "Stryker was here" is none
    const answered = new Set(answer.kind === "data" ? answer.success.data.daily.map((point) => point.date) : []);
    for (const [date, day] of known) if (day.fans !== null && !answered.has(date)) return assembled(query, known);
    return null;
  }

  /** Stores what an answer says of each of its days ("no data" is kept as the range's answer only),
   * or remembers that the window's answer could not be read. */
  private keepDays(context: ResolveContext, window: KolRange, answer: UpstreamAnswer): void {
    const now = context.runtime.now();
    if (answer.kind === "unusable") keepUnusable(this.sql, window, answer, now + context.config.UNUSABLE_TTL_SECONDS * 1000);
    if (answer.kind !== "data" || !context.config.DAY_CACHE) return;
    const days = daysOf(datesOf(window.startDate, window.endDate), answer.success.raw.data as RawSeries, now);
    writeDays(this.sql, days);
  }
}

/** Waits `ms` on the platform's timer (not the runtime's sleep, which tests fast-forward). */
function pause(runtime: Runtime, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: an AbortSignal aborts once
  return new Promise((resolve) => runtime.abortAfter(ms).signal.addEventListener("abort", () => resolve(), { once: true }));
}
