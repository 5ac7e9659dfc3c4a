/**
 * @module What crosses between a gateway isolate and a KOL's coordinator (Workers RPC): plain,
 * structured-cloneable values only. A problem travels as its type and options and is rebuilt
 * on the other side, since RPC keeps an error's message but not its class.
 */
import { ProblemError, type ProblemOptions, type ProblemType } from "../problem.ts";
import type { UpstreamAnswer, UpstreamTrace } from "../upstream/client.ts";
import type { KolRange, UpstreamQuery } from "../upstream/request.ts";
import type { AskedRefresh, RefreshVerdict } from "../lookup/refresh.ts";
import type { CallStart } from "../ledger/account-ledger.ts";

export interface MissRequest {
  query: UpstreamQuery;
  /** Skip the stored days and ask the upstream for the whole range (a client's `Xingtu-Refresh: settled`). */
  refresh: boolean;
  /** Treat stored live days as missing (the warm list keeps them current). */
  refetchLiveDays: boolean;
  /** With `refetchLiveDays`: live days fetched after this moment count as fetched again (default:
   * when the miss is planned). A background refresh gives its stale answer's time, so live days
   * another range's refresh fetched since are not bought again. */
  refetchSince?: number;
  /** Ask the upstream for the missing days only, never a wider window: a client's refresh buys only what it asked for. */
  narrow?: boolean;
  /** A client's explicit refresh, which the coordinator grants or declines (lookup/refresh.ts). */
  asked?: AskedRefresh;
  /** What the calling client's limits say of a call, when a client asks (not a background refresh). */
  caller?: CallerPass;
  /** A call the account ledger leased to the calling isolate (ledger/leases.ts), for this miss's call if it makes one. */
  account?: LeasedCall;
}

/**
 * What a miss carries of its caller's limits, so that the coordinator admits its call where it
 * decides it: the key whose daily limit its ledger keeps (asked directly, or a call it leased to the
 * isolate), and the request's rate limit, which only the calling isolate keeps.
 */
export interface CallerPass {
  /** Charges one more call's weight against the calling request's rate limit (in the calling isolate:
   * a round trip back, asked beside the key's admission and only when the miss must call); resolves
   * to the refusal, or null. */
  weigh?: () => Promise<ProblemParts | null>;
  /** The calling key's daily limit (absent: none): its ledger admits the call, unless the isolate
   * hands over a call the ledger leased to it (`leased`, a reservation of that ledger). */
  key?: { name: string; limit: number; leased: number | null };
}

/** A call the account ledger leased to an isolate, with what the account knew when it did. */
export interface LeasedCall {
  day: string;
  reservation: number;
  start: CallStart;
}

export interface ProblemParts {
  problemType: ProblemType;
  options: ProblemOptions;
}

/** What resolving a miss cost this caller, however it ended. */
interface MissCost {
  /** This caller's share: the calls it led (a coalesced caller's is zero). */
  upstream: UpstreamTrace;
  /** Answered by a call another caller led. */
  coalesced: boolean;
  /** An identical miss resolved by another caller, which stores the answer (so it is written once). */
  identical?: boolean;
  /** Days of the range served from stored days. */
  reusedDays: number;
  /** What became of the client's explicit refresh, when it asked for one. */
  refreshed?: RefreshVerdict;
  /** The calling key's reservation this miss took (its leased call, or one its ledger admitted): the usage record releases it. */
  keyReservation?: number;
  /** The key's leased call the miss carried was not used: the isolate may hand it to another miss. */
  keyCallUnused?: boolean;
  /** The account's leased call the miss carried was not used: the isolate may hand it to another miss. */
  accountCallUnused?: boolean;
  /** The miss's call learned something of the upstream's paths or range limit: the facts the isolate's leased calls carry are old. */
  accountLearned?: boolean;
}

export type MissOutcome =
  | (MissCost & {
      ok: true;
      answer: UpstreamAnswer;
      /** Built from stored days rather than one upstream answer for exactly this range. */
      fromDays: boolean;
      /** The call that answered said "no data" (201) for what was missing. */
      noDataCall: boolean;
      /** Built from stored live days: when the oldest of them was fetched (the answer is no fresher). */
      liveFetchedAt?: number;
    })
  | (MissCost & { ok: false; problem: ProblemParts });

/** Where a creator's answer would come from now, and what it would spend (the price first). */
export type QuoteSource = "stored-answer" | "stored-days" | "in-flight" | "kept-unusable" | "upstream";

export interface CreatorQuote {
  source: QuoteSource;
  /** Upstream calls the request would make now (0 or 1: one call, widened, brings every missing day). */
  calls: number;
  /** The window that call would ask for (null: no call). */
  window: KolRange | null;
}

/** Admits a call for the calling client (its rate limit's weight, its key's daily limit); resolves to the refusal, or null. */
export type KeyAdmission = () => Promise<ProblemParts | null>;

export const newUpstreamTrace = (): UpstreamTrace => ({ attempts: 0, billed: 0, uncertain: 0, elapsedMs: 0 });

/** A problem as it crosses RPC; anything that is not one stays an error of the gateway's own. */
export function problemParts(error: unknown): ProblemParts {
  if (error instanceof ProblemError) return { problemType: error.problemType, options: error.options };
  throw error;
}

export const reviveProblem = (parts: ProblemParts) => new ProblemError(parts.problemType, parts.options);
