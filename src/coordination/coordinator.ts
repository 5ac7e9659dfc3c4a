/**
 * @module How a gateway isolate resolves a miss: it asks the KOL's coordinator (a Durable Object,
 * kol-coordinator.ts), passing the calling key's admission along. A coordinator lost while it
 * answered is asked once more (a new object over the same storage serves what the lost one's call
 * kept). When the coordinator cannot be reached the isolate degrades the way it does without a
 * cache: it resolves the miss on its own
 * (identical misses in the isolate still share one call, every call is still admitted by the
 * account ledger and the key's), says so in its log line, and never reuses days it cannot see.
 */
import { cacheKey } from "../lookup/policy.ts";
import type { LookupContext } from "../lookup/context.ts";
import type { KolCoordinator } from "./kol-coordinator.ts";
import { failed, outcomeOf, shared, wholeRange } from "./resolve.ts";
import { ledgerUnavailable } from "../ledger/unavailable.ts";
import { newUpstreamTrace, problemParts, type MissOutcome, type MissRequest } from "./protocol.ts";
import { shanghaiToday } from "../calendar.ts";
import { giveBackAll, leaseTerms, putBack, takeLeased } from "../ledger/leases.ts";
import { callsStopped } from "../ledger/spend-guard.ts";
import type { TakenReservation } from "../ledger/key-admission.ts";
import type { UpstreamQuery } from "../upstream/request.ts";

export const coordinatorOf = (namespace: DurableObjectNamespace<KolCoordinator>, kolId: string) =>
  namespace.get(namespace.idFromName(kolId));

/**
 * Resolves a miss at its KOL's coordinator, with what the caller's limits say (CallerPass) and a
 * call the account ledger leased to this isolate, so that the coordinator asks no ledger on the
 * way to the upstream when the isolate holds leases. Gives back what the miss did not use.
 */
export async function resolveMiss(context: LookupContext, request: MissRequest): Promise<MissOutcome> {
  const { caller, runtime, guard, defer } = context;
  const pool = runtime.isolate.accountLeases;
  const pass = caller && (await caller.pass());
  const account = takeLeased(pool, guard.leases, leaseTerms(context.config), shanghaiToday(runtime.now()), runtime.now(), defer);
  const outcome = await resolveAtCoordinator(context, {
    ...request,
    ...(pass ? { caller: pass } : {}),
    ...(account ? { account: { day: account.day, reservation: account.reservation, start: account.start } } : {}),
  });
  if (account && outcome.accountCallUnused) putBack(pool, guard.leases, account, runtime.now(), defer);
  // Leased calls carry what the account knew when they were leased: after news, the ledger is asked again.
  if (outcome.accountLearned || (!outcome.ok && callsStopped(outcome.problem.problemType))) giveBackAll(pool, guard.leases, defer);
  caller?.settle(outcome);
  return outcome;
}

async function resolveAtCoordinator(context: LookupContext, request: MissRequest): Promise<MissOutcome> {
  try {
    return await askCoordinator(context, request);
  } catch (error) {
    // A coordinator lost after it was reached (a deploy or an eviction reset it) may have made its
    // call and kept the days: asked once more, a new object over the same storage serves them rather
    // than this isolate buying them again. Only on an error the platform marks retryable (it retries
    // by itself a request that never reached the object), never an overloaded object's.
    if (mayAskAgain(error)) {
      try {
        return await askCoordinator(context, unleased(request));
      } catch {
        // As one that cannot be reached, below.
      }
    }
    if (request.asked) {
      // Only the coordinator can tell whether these days were refreshed a moment ago: no refresh without it.
      context.warn("the KOL's coordinator could not be reached; an explicit refresh was declined");
      return failed(problemParts(ledgerUnavailable("The KOL's coordinator, which grants refreshes,")), newUpstreamTrace());
    }
    context.warn("the KOL's coordinator could not be reached; this isolate resolved the miss on its own");
    return resolveInIsolate(context, request);
  }
}

/** The coordinator's answer, its wait added to the request's trace (Server-Timing shows it beside
 * the upstream's: the difference is the hop and the coordinator's own work, and a lost first ask's
 * whole wait when it was asked again). */
async function askCoordinator(context: LookupContext, request: MissRequest): Promise<MissOutcome> {
  const started = context.runtime.now();
  try {
    return await coordinatorOf(context.coordinators, request.query.kolId).resolve(request);
  } finally {
    context.trace.coordinatorMs += context.runtime.now() - started;
  }
}

/** Asks the KOL's coordinator to refresh a range stored at `storedAt` in the background; null when it made no call. */
export async function revalidate(context: LookupContext, query: UpstreamQuery, storedAt: number): Promise<MissOutcome | null> {
  return coordinatorOf(context.coordinators, query.kolId).revalidate(query, storedAt);
}

/** Whether a failed ask of a coordinator is worth one more: an error Cloudflare marks `retryable`, not `overloaded` (its error-handling guidance). */
function mayAskAgain(error: unknown): boolean {
  const { retryable, overloaded } = (error ?? {}) as { retryable?: unknown; overloaded?: unknown };
  return retryable === true && overloaded !== true;
}

/**
 * The miss without the calls leased to this isolate that it carried (the account's, the key's): a
 * coordinator lost with the miss may have used them, so they are not used again; unused, they lapse
 * with their lease, counted as spent until then.
 */
function unleased(request: MissRequest): MissRequest {
  const { account: _account, ...rest } = request;
  const key = rest.caller?.key;
  return key ? { ...rest, caller: { ...rest.caller, key: { ...key, leased: null } } } : rest;
}

/**
 * The miss resolved by this isolate alone: the whole range in one call, shared by identical misses
 * here, admitted by the key's ledger and the account's as they are asked now (the coordinator may
 * have taken the leased calls the miss carried before it was lost: those are not used again).
 */
async function resolveInIsolate(context: LookupContext, request: MissRequest): Promise<MissOutcome> {
  const trace = newUpstreamTrace();
  // Stryker disable next-line ObjectLiteral: no reservation read as undefined is none as null is: the outcome's keyReservation is then undefined, which the usage record reads as null
  const taken: TakenReservation = { reservation: null };
  const pass = unleased(request).caller;
  // Stryker disable next-line OptionalChaining: a miss carries a caller's pass only when the request has a caller (resolveMiss)
  const admitKey = pass && context.caller?.admitHere(pass, taken);
  const outcome = await shared(context.runtime, `isolate:${cacheKey(request.query)}`, () =>
    outcomeOf(trace, () => wholeRange(context, request.query, admitKey, trace)),
  );
  return taken.reservation !== null ? { ...outcome, keyReservation: taken.reservation } : outcome;
}
