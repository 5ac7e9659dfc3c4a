/**
 * @module The spend guard: the account ledger (ledger/account-ledger.ts) as a lookup sees it.
 * When the upstream says the daily quota (303), the balance (601) or the spending cap (602) is
 * gone, or the gateway's own daily call budget is spent, no upstream call is made until the quota
 * resets (QUOTA_RESET_HOUR in Asia/Shanghai, midnight by default) or an operator clears it
 * (`npm run guard -- clear`). Misses are refused at once with 503 and Retry-After; answers in the
 * cache keep being served. The ledger is asked only on misses, and when it cannot be asked nothing
 * is spent.
 */
import { secondsUntilShanghaiHour, shanghaiToday } from "../calendar.ts";
import type { Config } from "../config/config.ts";
import { ProblemError, type ProblemType } from "../problem.ts";
import { BUSINESS_CODES } from "../upstream/codes.ts";
import { BUDGET_REASON } from "./budget.ts";
import type {
  AccountAdmission,
  AccountDay,
  AccountLease,
  AccountLedger,
  Breaker,
  CallStart,
  RangeLesson,
  RangeLimit,
} from "./account-ledger.ts";
import type { LeaseSource } from "./leases.ts";
import type { LeasedCall } from "../coordination/protocol.ts";
import { ledgerUnavailable } from "./unavailable.ts";
import type { Failover } from "../runtime.ts";

/** The upstream's codes that stop every call (303, 601, 602), by the problem each becomes. */
const OPENING_CODES = new Map(
  Object.entries(BUSINESS_CODES).flatMap(([code, known]) =>
    known.opensGuard && known.type ? [[known.type, `${code}, ${known.name.toLowerCase()}`] as const] : [],
  ),
);

/** Whether a refusal says the account's calls are stopped (the breaker is open, or the upstream's answer opens it). */
export const callsStopped = (problemType: string) => problemType === "spend-guard-open" || OPENING_CODES.has(problemType as ProblemType);

/** The account's one ledger. */
export const accountLedgerOf = (namespace: DurableObjectNamespace<AccountLedger>) =>
  namespace.get(namespace.idFromName("upstream-account"));

/** What an admitted call cost, and what it learned of the upstream's paths and range limit (undefined: nothing new). */
export interface CallCost {
  attempts: number;
  billed: number;
  failover?: Failover | null;
  range?: RangeLesson;
}

/** A miss's leased call of the account's, until its first attempt takes it (null then). */
export interface HeldCall {
  call: LeasedCall | null;
  /** The call was admitted ahead by the coordinator itself (beside the key's admission), not leased to the isolate. */
  ahead?: boolean;
  /** The miss's call learned something of the upstream's paths or range limit (set after it). */
  learned?: boolean;
}

/** Where a KOL's coordinator writes down each call it makes, until the account ledger has its
 * record (coordination/call-journal.ts): a call its object did not live to record is recorded by the next. */
export interface CallJournal {
  /** The call's first attempt is about to go out, admitted with `reservations`. */
  started(day: string, reservations: number[]): CallEntry;
}
export interface CallEntry {
  /** The call's name in the journal, which its record carries (the ledger counts a call once). */
  call: string;
  /** Another attempt was admitted: the call's reservations now. */
  admitted(reservations: number[]): void;
  /** The call ended, having cost this; its record is on its way to the account ledger. */
  ended(cost: { attempts: number; billed: number }): void;
  /** The account ledger took the record (true), or could not be reached (false). */
  recorded(landed: boolean): void;
}
export interface GuardStatus {
  budget: { limit: number; used: number; day: string } | null;
  today: AccountDay;
}

/** Whether the upstream is being called, and the open breaker, as `/healthz` and `/v1/spend-guard` show them. */
export function breakerView(breaker: Breaker | null) {
  return {
    upstreamCalls: breaker ? ("stopped" as const) : ("allowed" as const),
    breaker: breaker ? { reason: breaker.reason, until: new Date(breaker.until).toISOString() } : null,
  };
}

/** What is left of the account's daily budget (null: none): calls admitted and under way count, as the ledger counts them;
 * calls leased to isolates are still left (they are there for those isolates' next misses). */
export const budgetLeft = (status: GuardStatus): number | null =>
  status.budget ? Math.max(0, status.budget.limit - status.budget.used - (status.today.reserved - status.today.leased)) : null;

/**
 * `defer` keeps work running after the answer has gone (`waitUntil`): recording what a call cost
 * need not delay the answer, since the call's reservation already counts against the budget.
 */
export function createSpendGuard(
  namespace: DurableObjectNamespace<AccountLedger>,
  config: Config,
  now: () => number,
  defer: (work: Promise<unknown>) => void,
) {
  const ledger = () => accountLedgerOf(namespace);
  const resetAt = (at: number) => at + secondsUntilShanghaiHour(at, config.QUOTA_RESET_HOUR) * 1000;
  /** The daily budget as the ledger applies it to a call at `at`. */
  const budgetAt = (at: number) => ({ limit: config.UPSTREAM_DAILY_BUDGET, resetAt: resetAt(at) });

  // Clearing lifts what the upstream said; a spent budget is lifted only by a larger one (or the reset).
  const remedy = (breaker: Breaker) =>
    breaker.reason.startsWith(BUDGET_REASON)
      ? "raise UPSTREAM_DAILY_BUDGET (wrangler.toml [vars]; 0: none) to spend more today"
      : "`npm run guard -- clear` once resolved";
  /** Records what a call admitted on `day` and made at `at` cost, and what it learned; `call`: its name in its coordinator's journal. */
  const record = (day: string, reservations: number[], spent: CallCost, at: number, call?: string) =>
    ledger().record(
      day,
      reservations,
      { calls: spent.attempts, billed: spent.billed, budget: budgetAt(at), now: now(), call },
      spent.failover,
      spent.range,
    );
  const refuse = (breaker: Breaker) =>
    new ProblemError("spend-guard-open", {
      detail: `The gateway stopped calling the upstream (${breaker.reason}) until ${new Date(breaker.until).toISOString()}; cached answers are still served.`,
      operator: remedy(breaker),
      retryAfterSeconds: Math.max(1, (breaker.until - now()) / 1000),
    });

  const reach = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch {
      throw ledgerUnavailable("The upstream account's ledger");
    }
  };

  return {
    /**
     * Runs one logical upstream call, each of its attempts (retries and a fail-over included)
     * admitted by the ledger before it is made: the call's first attempt here, the others through
     * `admitNext`, which throws the spend guard's problem when the ledger refuses. The call starts
     * from what the account knows (its fail-over, its range limit). Records what the call cost (its
     * attempts and billed answers) and learned; opens the breaker when the upstream said the quota
     * or the balance is gone.
     */
    async spend<T>(
      call: (failover: Failover | null, admitNext: () => Promise<void>, rangeLimit: RangeLimit | null) => Promise<T>,
      cost: () => CallCost,
      leased?: HeldCall,
      journal?: CallJournal,
    ): Promise<T> {
      const at = now();
      const day = shanghaiToday(at);
      const budget = budgetAt(at);
      // Stryker disable next-line ArrayDeclaration: releasing an id no reservation has deletes no row; the real ids are still pushed and released.
      const reservations: number[] = [];
      const admitOne = async () => {
        const admission = await reach(async (): Promise<AccountAdmission> => {
          // RPC types a union result as a union of promises: await it to get the union back.
          const answer: AccountAdmission = await ledger().admit(day, budget, now());
          return answer;
        });
        if (!admission.ok) throw refuse(admission.breaker);
        reservations.push(admission.reservation);
        return admission;
      };
      // A call the ledger leased to the miss's isolate admits the first attempt without asking it.
      const held = leased?.call?.day === day ? leased.call : null;
      if (held) {
        leased!.call = null;
        reservations.push(held.reservation);
      }
      const first = held ? held.start : await admitOne();
      const entry = journal?.started(day, reservations);
      const admitNext = async () => {
        await admitOne();
        entry?.admitted(reservations);
      };
      try {
        return await call(first.failover, admitNext, first.rangeLimit ?? null);
      } catch (error) {
        const opening = error instanceof ProblemError ? OPENING_CODES.get(error.problemType) : undefined;
        if (opening) await reach(() => ledger().open(`the upstream answered ${opening}`, now(), resetAt(now())));
        throw error;
      } finally {
        const spent = cost();
        entry?.ended(spent);
        // The record lands after the answer has gone: until then the reservation counts the call,
        // so the budget stays exact. One that does not land is the journal's to record again
        // (without a journal, an isolate on its own: the reservation lapses).
        defer(
          record(day, reservations, spent, at, entry?.call).then(
            // Stryker disable next-line OptionalChaining: without a journal (an isolate on its own) there is no one to tell; the mutant throws inside deferred work that nothing reads
            () => entry?.recorded(true),
            // Stryker disable next-line OptionalChaining: without a journal (an isolate on its own) there is no one to tell; the mutant throws inside deferred work that nothing reads
            () => entry?.recorded(false),
          ),
        );
      }
    },
    async status(): Promise<GuardStatus> {
      const at = now();
      const today = await reach(() => ledger().day(shanghaiToday(at), at, budgetAt(at)));
      const budget = config.UPSTREAM_DAILY_BUDGET > 0 ? { limit: config.UPSTREAM_DAILY_BUDGET, used: today.calls, day: today.day } : null;
      return { budget, today };
    },
    /** One call admitted now for `spend` to make later (asked beside the key's admission); null when
     * refused or out of reach (`spend` then asks again, and says why). */
    admitAhead: async (): Promise<LeasedCall | null> => {
      const at = now();
      const day = shanghaiToday(at);
      // Stryker disable next-line ArrowFunction: a ledger out of reach answers undefined or null, and both are read as no admission
      const admission: AccountAdmission | null = await Promise.resolve(ledger().admit(day, budgetAt(at), at)).catch(() => null);
      if (!admission?.ok) return null;
      const { reservation, failover, rangeLimit } = admission;
      return { day, reservation, start: { failover, ...(rangeLimit ? { rangeLimit } : {}) } };
    },
    /** Records a call made at `at` that its maker could not record (coordination/call-journal.ts): throws when the ledger is out of reach. */
    recordCall: record,
    /** Gives back calls admitted and not made. */
    giveBack: (reservations: number[]) =>
      ledger()
        .giveBack(reservations)
        .catch(() => undefined),
    /** The account ledger as a lease pool sees it (ledger/leases.ts): a lease not granted throws. */
    leases: {
      lease: async (day: string, want: number, until: number) => {
        const lease: AccountLease = await ledger().lease(day, budgetAt(now()), now(), want, until);
        if (!lease.ok) throw refuse(lease.breaker);
        const { reservations, failover, rangeLimit } = lease;
        return { reservations, start: { failover, ...(rangeLimit ? { rangeLimit } : {}) } };
      },
      giveBack: (reservations: number[]) => ledger().giveBack(reservations),
    } satisfies LeaseSource<CallStart>,
    /** The upstream's range limit as the account knows it now (null: none known). */
    rangeLimit: () => reach(() => ledger().rangeLimit(now())),
    /** Closes the breaker; true when one was open. */
    clear: () => {
      const at = now();
      return reach(() => ledger().clear(at, shanghaiToday(at), budgetAt(at)));
    },
  };
}

export type SpendGuard = ReturnType<typeof createSpendGuard>;
