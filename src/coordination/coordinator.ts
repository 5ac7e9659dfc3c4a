/**
 * @module How a gateway isolate resolves a miss: it asks the KOL's coordinator (a Durable Object,
 * kol-coordinator.ts), passing the calling key's admission along. When the coordinator cannot be
 * reached the isolate degrades the way it does without a cache: it resolves the miss on its own
 * (identical misses in the isolate still share one call, every call is still admitted by the
 * account ledger and the key's), says so in its log line, and never reuses days it cannot see.
 */
import { cacheKey } from "../lookup/policy.ts";
import type { LookupContext } from "../lookup/context.ts";
import type { KolCoordinator } from "./kol-coordinator.ts";
import { failed, outcomeOf, shared, wholeRange, type ResolveContext } from "./resolve.ts";
import { ledgerUnavailable } from "../ledger/unavailable.ts";
import { newUpstreamTrace, problemParts, type KeyAdmission, type MissOutcome, type MissRequest } from "./protocol.ts";
import type { UpstreamQuery } from "../upstream/request.ts";

export const coordinatorOf = (namespace: DurableObjectNamespace<KolCoordinator>, kolId: string) =>
  namespace.get(namespace.idFromName(kolId));

export async function resolveMiss(context: LookupContext, request: MissRequest): Promise<MissOutcome> {
  const admit = context.admit;
  const admitKey: KeyAdmission | undefined = admit && (() => admit().then(() => null, problemParts));
  try {
    return await coordinatorOf(context.coordinators, request.query.kolId).resolve(request, admitKey);
  } catch {
    if (request.asked) {
      // Only the coordinator can tell whether this key refreshed the range a moment ago: no refresh without it.
      context.warn("the KOL's coordinator could not be reached; an explicit refresh was declined");
      return failed(problemParts(ledgerUnavailable("The KOL's coordinator, which grants refreshes,")), newUpstreamTrace());
    }
    context.warn("the KOL's coordinator could not be reached; this isolate resolved the miss on its own");
    return resolveInIsolate(context, request, admitKey);
  }
}

/** Asks the KOL's coordinator to refresh a range in the background; null when it made no call. */
export async function revalidate(context: LookupContext, query: UpstreamQuery): Promise<MissOutcome | null> {
  return coordinatorOf(context.coordinators, query.kolId).revalidate(query);
}

/** The miss resolved by this isolate alone: the whole range in one call, shared by identical misses here. */
function resolveInIsolate(context: ResolveContext, request: MissRequest, admitKey: KeyAdmission | undefined): Promise<MissOutcome> {
  const trace = newUpstreamTrace();
  return shared(context.runtime, `isolate:${cacheKey(request.query)}`, () =>
    outcomeOf(trace, () => wholeRange(context, request.query, admitKey, trace)),
  );
}
