/**
 * @module Many creators in one answer: each creator is looked up exactly as a single request
 * would be (the same cache, stored days, coordinator, spend guard and key limits), a few at a time,
 * and its trend carries its anomalous days. A creator that cannot be answered (no data, the
 * upstream down, a spend limit) is listed with its problem beside the others: it never fails the
 * whole roster, and the answer says whether it is complete.
 */
import { normalize } from "../lookup/normalize.ts";
import { dataOf, type LookupResult } from "../lookup/lookup.ts";
import { newTrace, type LookupContext, type LookupTrace } from "../lookup/context.ts";
import { cacheStatus } from "../lookup/cache-status.ts";
import { countedLookup, keyUsage, type SpendingClient } from "../ledger/usage.ts";
import type { Bindings } from "../bindings.ts";
import { detailOf, PROBLEMS, ProblemError, problemTypeUri } from "../problem.ts";
import { anomaliesOf } from "./anomalies.ts";
import type { KolRange, UpstreamQuery } from "../upstream/request.ts";
import type { RosterMember, RosterTrends } from "../schemas/roster-answers.ts";

/** Creators looked up at once: enough to overlap their misses, few enough to spare the coordinators. */
export const ROSTER_CONCURRENCY = 8;

export type MemberLookup = (kolId: string) => Promise<{ result: LookupResult; cacheStatus: string }>;

/**
 * Looks each creator up as its own request would: its own trace, and the key's ledger admitting
 * its upstream calls and counting it. `spent` hears what each lookup cost (a request's headers
 * and log line add them up).
 */
export function creatorLookup(
  context: LookupContext,
  env: Bindings,
  client: SpendingClient,
  range: Omit<UpstreamQuery, "kolId">,
  spent: (trace: LookupTrace) => void = () => undefined,
): MemberLookup {
  return async (kolId) => {
    const trace = newTrace();
    try {
      const result = await countedLookup({ ...context, trace }, keyUsage(env, context.runtime, context.config, client, context.defer), {
        kolId,
        ...range,
      });
      return { result, cacheStatus: cacheStatus(result, trace.storeReadFailed) };
    } finally {
      spent(trace);
    }
  };
}

/** A creator's problem; anything but a problem (a platform limit reached, say) is its own
 * `internal-error`, so one creator never fails the rest. */
function failedMember(kolId: string, error: unknown, warn: (message: string) => void, linkView = false): RosterMember {
  const problem =
    error instanceof ProblemError
      ? error
      : new ProblemError("internal-error", {
          detail: "This creator's lookup failed unexpectedly; the request id identifies the log line.",
        });
  if (problem !== error) warn(`a roster creator's lookup failed unexpectedly (${error instanceof Error ? error.name : typeof error})`);
  const { title, status } = PROBLEMS[problem.problemType];
  const detail = detailOf(problem.options, linkView);
  return { kolId, ok: false, problem: { type: problemTypeUri(problem.problemType), title, status, detail } };
}

export interface MemberOptions {
  threshold: number;
  /** The roster's labels by creator id: each labelled creator's answer carries its label. */
  labels?: Record<string, string>;
  /** Look creators up, in order, only until this many are answered (a chart draws no more, so it
   * buys no more): the answer then lists the creators looked up. */
  upTo?: number;
  warn: (message: string) => void;
  /** Read through a share link: a creator's problem says what happened, not what the operator must do. */
  linkView?: boolean;
}

async function member(kolId: string, range: Omit<KolRange, "kolId">, lookup: MemberLookup, options: MemberOptions): Promise<RosterMember> {
  const label = options.labels?.[kolId];
  const named = label === undefined ? {} : { label };
  try {
    const { result, cacheStatus } = await lookup(kolId);
    const { series, summary } = normalize({ kolId, ...range }, dataOf(result));
    return { kolId, ...named, ok: true, cacheStatus, series, summary, anomalies: anomaliesOf(series, options.threshold) };
  } catch (error) {
    return { ...failedMember(kolId, error, options.warn, options.linkView), ...named };
  }
}

/** Runs `work` over `items`, at most `limit` at a time, keeping their order. */
export async function pooled<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const strongest = (candidate: RosterMember) =>
  candidate.ok ? Math.max(0, ...candidate.anomalies.map((anomaly) => Math.abs(anomaly.score))) : 0;

export async function rosterTrends(
  roster: string | null,
  kolIds: readonly string[],
  range: Omit<KolRange, "kolId">,
  lookup: MemberLookup,
  options: MemberOptions,
): Promise<RosterTrends> {
  const lookUp = (some: readonly string[]) => pooled(some, ROSTER_CONCURRENCY, (kolId) => member(kolId, range, lookup, options));
  const members: RosterMember[] = [];
  if (options.upTo === undefined) members.push(...(await lookUp(kolIds)));
  else {
    // In rounds of as many as are still missing: a creator that fails makes room for the next.
    let next = 0;
    let missing = options.upTo;
    while (missing > 0 && next < kolIds.length) {
      const round = await lookUp(kolIds.slice(next, next + missing));
      next += round.length;
      missing -= round.filter((candidate) => candidate.ok).length;
      members.push(...round);
    }
  }
  const answered = members.filter((candidate) => candidate.ok);
  const change = (candidate: RosterMember) => (candidate.ok ? (candidate.summary.change ?? -Infinity) : -Infinity);
  return {
    roster,
    ...range,
    complete: answered.length === members.length,
    answered: answered.length,
    failed: members.length - answered.length,
    members,
    rankings: {
      byChange: [...answered].sort((a, b) => change(b) - change(a)).map((candidate) => candidate.kolId),
      byAnomaly: answered
        .filter((candidate) => strongest(candidate) > 0)
        .sort((a, b) => strongest(b) - strongest(a))
        .map((candidate) => candidate.kolId),
    },
  };
}
