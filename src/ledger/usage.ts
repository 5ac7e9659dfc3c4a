/**
 * @module A client key's spend as a request sees it: its upstream calls admitted by its ledger
 * (key-ledger.ts) against its daily limit, and its usage counted there.
 *
 * Only a miss waits on the ledger, and only for a key with a limit. Requests and hits are counted
 * in the isolate and sent with the next miss's record, or in the background once a batch is
 * USAGE_FLUSH_MS old, so a hit's answer never waits on a Durable Object; `/v1/usage` sends this
 * isolate's batch before it reads.
 */
import { addDays, shanghaiToday } from "../calendar.ts";
import { ledgerUnavailable } from "./unavailable.ts";
import type { Bindings } from "../bindings.ts";
import type { Runtime } from "../runtime.ts";
import type { DayUsage, ReservedCalls, UsageDelta } from "./key-ledger.ts";
import { callerAdmission, keyLedgerOf, type TakenReservation } from "./key-admission.ts";
import { emptyPool, giveBackAll, leaseTerms, putBack, takeLeased, type LeasedSlot, type LeaseSource } from "./leases.ts";
import { problemParts, type CallerPass, type KeyAdmission, type MissOutcome, type ProblemParts } from "../coordination/protocol.ts";
import { lookupTrend, type LookupOptions, type LookupResult } from "../lookup/lookup.ts";
import type { LookupContext } from "../lookup/context.ts";
import type { UpstreamQuery } from "../upstream/request.ts";
import type { Config } from "../config/config.ts";

/** The lease settings a key's usage reads. */
type LeaseConfig = Pick<Config, "LEASE_CALLS" | "LEASE_SECONDS">;

const USAGE_FLUSH_MS = 60_000;
/** What an isolate has counted for one key and not yet sent. */
export interface UsageBatch {
  day: string;
  delta: UsageDelta;
  since: number;
}

export interface SpendingClient {
  name: string;
  anonymous: boolean;
  /** Spent (billed or maybe billed) upstream calls a Shanghai day; 0: no limit. */
  dailyUpstreamCalls: number;
  /** Counts one upstream call against the request's rate limit (throws 429 past it): a request's
   * weight grows with the calls it causes. Absent outside a client's request (watches, deliveries). */
  chargeUpstreamCall?: () => Promise<void>;
  /** Counts it ahead from the isolate's spare allowance, when there is one (false: none). */
  chargeSpareUpstreamCall?: () => boolean;
  /** Gives back a charge taken ahead whose call was not made. */
  refundUpstreamCall?: () => void;
}

/** A key's daily limit: its own, or the gateway's default for keys without one (0: none). */
export const dailyLimitOf = (own: number, config: Pick<Config, "KEY_DAILY_UPSTREAM_CALLS">): number =>
  own > 0 ? own : config.KEY_DAILY_UPSTREAM_CALLS;

/** A miss's dealings with its caller's limits, on the isolate's side (the coordinator admits the call itself). */
export interface CallerSpend {
  /** Before the miss goes to its coordinator: the key and a call of its leased to this isolate, and
   * the rate limit's charge for the call's weight, for the coordinator to ask if the miss must call. */
  pass(): Promise<CallerPass>;
  /** After the miss: puts back the leased call it did not use, and keeps the key's reservation it
   * took for the usage record. */
  settle(outcome: MissOutcome): void;
  /** Admits the call in this isolate (its coordinator out of reach): the key's ledger asked directly. */
  admitHere(pass: CallerPass, taken: TakenReservation): KeyAdmission;
}

export interface KeyUsage extends Partial<CallerSpend> {
  /** After the request: counts it and what its upstream calls cost. */
  finish(hit: boolean, upstream: { attempts: number; billed: number; uncertain: number }): void;
}

const ledgerOf = (env: Bindings, name: string) => keyLedgerOf(env.KEY_LEDGER, name);

/** Puts back a batch its ledger could not take, to go with this isolate's next record for the key:
 * added to the key's batch of the same day, else kept beside it until then. */
function keepForLater(runtime: Runtime, name: string, batch: UsageBatch): void {
  const current = runtime.isolate.usage.get(name);
  if (!current) {
    runtime.isolate.usage.set(name, batch);
  } else if (current.day === batch.day) {
    for (const field of Object.keys(batch.delta) as (keyof UsageDelta)[]) current.delta[field] += batch.delta[field];
    current.since = Math.min(current.since, batch.since);
  } else {
    runtime.isolate.unsentUsage.set(name, [...(runtime.isolate.unsentUsage.get(name) ?? []), batch]);
  }
}

/** Sends a batch to the key's ledger; one it does not take is kept for the next record. */
function send(env: Bindings, runtime: Runtime, name: string, batch: UsageBatch, reservation: number | null): Promise<void> {
  return ledgerOf(env, name)
    .record(batch.day, batch.delta, reservation)
    .catch(() => keepForLater(runtime, name, batch));
}

/** Sends again what the key's ledger did not take before, each batch with its own day. */
function sendUnsent(env: Bindings, runtime: Runtime, name: string, defer: (work: Promise<unknown>) => void): void {
  const unsent = runtime.isolate.unsentUsage.get(name);
  if (!unsent) return;
  runtime.isolate.unsentUsage.delete(name);
  for (const batch of unsent) defer(send(env, runtime, name, batch, null));
}

/** Takes this isolate's batch for a key, to send it. */
function takeBatch(runtime: Runtime, name: string): UsageBatch | null {
  const batch = runtime.isolate.usage.get(name) ?? null;
  runtime.isolate.usage.delete(name);
  return batch;
}

/** The rate limit's verdict on one more call's weight, charged now: null when admitted. */
async function weighed(charge: () => Promise<void>): Promise<ProblemParts | null> {
  try {
    await charge();
    return null;
  } catch (error) {
    return problemParts(error);
  }
}

/** Calls the key's ledger leases to this isolate, each with the limit it was leased under. */
function keyLeases(env: Bindings, runtime: Runtime, config: LeaseConfig, client: SpendingClient, defer: (work: Promise<unknown>) => void) {
  const limit = client.dailyUpstreamCalls;
  const pool = runtime.isolate.keyLeases.get(client.name) ?? emptyPool<number>();
  runtime.isolate.keyLeases.set(client.name, pool);
  const source: LeaseSource<number> = {
    lease: async (day, want, until) => ({
      reservations: await ledgerOf(env, client.name).lease(day, limit, runtime.now(), want, until),
      start: limit,
    }),
    giveBack: (reservations) => ledgerOf(env, client.name).giveBack(reservations),
  };
  const terms = leaseTerms(config);
  return {
    take: (day: string) => {
      // Calls leased under another limit (the key's was changed since) are given back, not used.
      if (pool.slots.some((slot) => slot.start !== limit)) giveBackAll(pool, source, defer);
      return takeLeased(pool, source, terms, day, runtime.now(), defer);
    },
    putBack: (slot: LeasedSlot<number>) => putBack(pool, source, slot, runtime.now(), defer),
  };
}

/** The usage of a named key; for callers without one (anonymous) or without a ledger, only the
 * rate limit's charge for each upstream call (null when there is none). */
export function keyUsage(
  env: Bindings,
  runtime: Runtime,
  config: LeaseConfig,
  client: SpendingClient,
  defer: (work: Promise<unknown>) => void,
): KeyUsage | null {
  const named = !client.anonymous && env.KEY_LEDGER !== undefined;
  const limited = named && client.dailyUpstreamCalls > 0;
  if (!named && !client.chargeUpstreamCall) return null;
  const leases = limited ? keyLeases(env, runtime, config, client, defer) : null;
  let leased: LeasedSlot<number> | null = null;
  let reservation: number | null = null;
  const charge = client.chargeUpstreamCall;
  // Stryker disable next-line BooleanLiteral: `pass` sets it before `settle` reads it (a miss asks for its pass first: resolveMiss)
  let chargedAhead = false;
  const spend: CallerSpend = {
    async pass() {
      leased = leases?.take(shanghaiToday(runtime.now())) ?? null;
      const key = limited ? { key: { name: client.name, limit: client.dailyUpstreamCalls, leased: leased?.reservation ?? null } } : {};
      // The weight charged ahead when the isolate has a spare, else by the coordinator if it must call.
      // Stryker disable next-line BooleanLiteral: the three charges are set together (client-auth.ts): a client without this one (a delivery's) has no charge to weigh or refund either
      chargedAhead = client.chargeSpareUpstreamCall?.() ?? false;
      return { ...(charge && !chargedAhead ? { weigh: () => weighed(charge) } : {}), ...key };
    },
    settle(outcome) {
      // Stryker disable next-line OptionalChaining: charged ahead means the client has the charges, the refund among them (client-auth.ts sets the three together)
      if (chargedAhead && outcome.upstream.attempts === 0) client.refundUpstreamCall?.();
      chargedAhead = false;
      reservation = outcome.keyReservation ?? null;
      // Stryker disable next-line OptionalChaining: a leased call was taken from the leases, so there are leases
      if (leased && outcome.keyCallUnused) leases?.putBack(leased);
      leased = null;
    },
    admitHere: (pass, taken) => callerAdmission(env.KEY_LEDGER, runtime, pass, taken),
  };
  if (!named) return { ...spend, finish: () => undefined };
  return {
    // Equivalent as `true` (a pass that neither charges nor names a limit admits as its absence does): listed in docs/testing.md, not marked, since its `false` is not.
    ...(limited || client.chargeUpstreamCall ? spend : {}),
    finish(hit, upstream) {
      const now = runtime.now();
      const day = shanghaiToday(now);
      let batch = runtime.isolate.usage.get(client.name);
      if (batch && batch.day !== day) {
        defer(send(env, runtime, client.name, batch, null));
        batch = undefined;
      }
      batch ??= { day, delta: { requests: 0, hits: 0, calls: 0, billed: 0, uncertain: 0 }, since: now };
      batch.delta.requests += 1;
      batch.delta.hits += hit ? 1 : 0;
      batch.delta.calls += upstream.attempts;
      batch.delta.billed += upstream.billed;
      batch.delta.uncertain += upstream.uncertain;
      runtime.isolate.usage.set(client.name, batch);
      if (upstream.attempts > 0 || reservation !== null || now - batch.since >= USAGE_FLUSH_MS) {
        takeBatch(runtime, client.name);
        // A record the ledger did not take goes with the next one, so a paid call is counted (its
        // reservation, not given back, lapses on its own).
        defer(send(env, runtime, client.name, batch, reservation));
        sendUnsent(env, runtime, client.name, defer);
        reservation = null;
      }
    },
  };
}

/** A key's usage today: this isolate's batch is sent first, so the answer includes it. */
export async function usageToday(env: Bindings, runtime: Runtime, name: string): Promise<DayUsage & ReservedCalls> {
  const ledger = ledgerOf(env, name);
  const batch = takeBatch(runtime, name);
  try {
    if (batch) await ledger.record(batch.day, batch.delta, null);
  } catch {
    // The batch is counted again with this isolate's next one rather than lost.
    if (batch) keepForLater(runtime, name, batch);
    throw ledgerUnavailable("The key's ledger");
  }
  // Read apart from the record: a batch recorded and then not read is not sent again.
  try {
    return await ledger.usageNow(shanghaiToday(runtime.now()), runtime.now());
  } catch {
    throw ledgerUnavailable("The key's ledger");
  }
}

/** A key's usage on each of the `days` days that end today, oldest first (a day without use is zeros). */
export async function usageHistory(env: Bindings, runtime: Runtime, name: string, days: number): Promise<DayUsage[]> {
  const today = shanghaiToday(runtime.now());
  let kept: DayUsage[];
  try {
    kept = await ledgerOf(env, name).history(addDays(today, 1 - days), today);
  } catch {
    throw ledgerUnavailable("The key's ledger");
  }
  const byDay = new Map(kept.map((usage) => [usage.day, usage]));
  return Array.from({ length: days }, (_, index) => {
    const day = addDays(today, index + 1 - days);
    return byDay.get(day) ?? { day, requests: 0, hits: 0, calls: 0, billed: 0, uncertain: 0 };
  });
}

/** What is left of a key's daily limit (null: none): a call in flight counts until it is recorded, as the key's ledger counts it.
 * Calls leased to isolates are the key's own, for its next misses there: they are still left. */
export const remainingCalls = (limit: number | null, usage: Pick<DayUsage, "billed" | "uncertain"> & Pick<ReservedCalls, "inFlight">) =>
  limit === null ? null : Math.max(0, limit - usage.billed - usage.uncertain - usage.inFlight);

/** A lookup whose upstream calls the key's ledger admits, and whose cost it counts (when the caller has a key). */
export async function countedLookup(
  context: LookupContext,
  usage: KeyUsage | null,
  query: UpstreamQuery,
  options?: LookupOptions,
): Promise<LookupResult> {
  let hit = false;
  try {
    const caller = usage?.pass ? (usage as CallerSpend) : undefined;
    const result = await lookupTrend({ ...context, ...(caller ? { caller } : {}) }, query, options);
    hit = result.outcome === "hit" || result.outcome === "stale";
    return result;
  } finally {
    usage?.finish(hit, context.trace.upstream);
  }
}
