/**
 * @module A client key's spend as a request sees it: its upstream calls admitted by its ledger
 * (key-ledger.ts) against its daily limit, and its usage counted there.
 *
 * Only a miss waits on the ledger, and only for a key with a limit. Requests and hits are counted
 * in the isolate and sent with the next miss's record, or in the background once a batch is
 * USAGE_FLUSH_MS old, so a hit's answer never waits on a Durable Object; `/v1/usage` sends this
 * isolate's batch before it reads.
 */
import { addDays, secondsUntilShanghaiHour, shanghaiToday } from "../calendar.ts";
import { ProblemError } from "../problem.ts";
import { ledgerUnavailable } from "./unavailable.ts";
import type { Bindings } from "../bindings.ts";
import type { Runtime } from "../runtime.ts";
import type { Admission, DayUsage, UsageDelta } from "./key-ledger.ts";
import { lookupTrend, type LookupOptions, type LookupResult } from "../lookup/lookup.ts";
import type { LookupContext } from "../lookup/context.ts";
import type { UpstreamQuery } from "../upstream/request.ts";
import type { Config } from "../config/config.ts";

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
}

/** A key's daily limit: its own, or the gateway's default for keys without one (0: none). */
export const dailyLimitOf = (own: number, config: Pick<Config, "KEY_DAILY_UPSTREAM_CALLS">): number =>
  own > 0 ? own : config.KEY_DAILY_UPSTREAM_CALLS;

export interface KeyUsage {
  /** Before a miss calls the upstream: admits the call, or throws 429 past the request's rate limit
   * or the key's daily limit. Absent when there is nothing to ask. */
  admit?: () => Promise<void>;
  /** After the request: counts it and what its upstream calls cost. */
  finish(hit: boolean, upstream: { attempts: number; billed: number; uncertain: number }): void;
}

const ledgerOf = (env: Bindings, name: string) => env.KEY_LEDGER.get(env.KEY_LEDGER.idFromName(name));

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

/** The usage of a named key; for callers without one (anonymous) or without a ledger, only the
 * rate limit's charge for each upstream call (null when there is none). */
export function keyUsage(
  env: Bindings,
  runtime: Runtime,
  client: SpendingClient,
  defer: (work: Promise<unknown>) => void,
): KeyUsage | null {
  if (client.anonymous || !env.KEY_LEDGER) {
    // No ledger to admit or count in; each upstream call still weighs one more request against the caller's rate limit.
    const charge = client.chargeUpstreamCall;
    return charge ? { admit: () => charge(), finish: () => undefined } : null;
  }
  let reservation: number | null = null;
  const limited = client.dailyUpstreamCalls > 0;
  return {
    admit:
      // Stryker disable next-line ConditionalExpression: an admission that neither charges nor asks the ledger admits as its absence does (one await more)
      !limited && !client.chargeUpstreamCall
        ? undefined
        : async () => {
            await client.chargeUpstreamCall?.();
            if (!limited) return;
            const now = runtime.now();
            let admission: Admission;
            try {
              admission = await ledgerOf(env, client.name).admit(shanghaiToday(now), client.dailyUpstreamCalls, now);
            } catch {
              throw ledgerUnavailable("The key's ledger");
            }
            if (!admission.ok) {
              throw new ProblemError("key-spend-limit", {
                detail: `This key's ${client.dailyUpstreamCalls} upstream calls for today (Asia/Shanghai; billed, or maybe billed) are used up; cached answers are still served.`,
                retryAfterSeconds: secondsUntilShanghaiHour(now, 0),
              });
            }
            reservation = admission.reservation;
          },
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
export async function usageToday(env: Bindings, runtime: Runtime, name: string): Promise<DayUsage & { inFlight: number }> {
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

/** What is left of a key's daily limit (null: none): a call in flight counts until it is recorded, as the key's ledger counts it. */
export const remainingCalls = (limit: number | null, usage: Pick<DayUsage, "billed" | "uncertain"> & { inFlight: number }) =>
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
    const result = await lookupTrend({ ...context, admit: usage?.admit }, query, options);
    hit = result.outcome === "hit" || result.outcome === "stale";
    return result;
  } finally {
    usage?.finish(hit, context.trace.upstream);
  }
}
