/**
 * @module The account ledger: one Durable Object (SQLite) for the upstream account, the one place
 * that admits each upstream call under the daily budget (UPSTREAM_DAILY_BUDGET) and keeps the
 * breaker that the upstream's 303, 601 and 602 open.
 *
 * Like the key ledger, admission reserves a slot before each attempt (reservations.ts), retries
 * and fail-overs included, so concurrent misses from every isolate and location cannot overshoot
 * the budget: the object runs one method at a time and each method is one transaction. When the
 * calls recorded reach the budget, the breaker opens (the guard says "stopped" at once, not only
 * when the next call is refused).
 * Callers pass their clock, so the ledger's day is the caller's Shanghai day.
 *
 * It also remembers a fail-over to the other upstream path (upstream/client.ts) for the whole
 * account: each admission hands it to the caller, so no coordinator probes a retired path that
 * another one already found gone, and `/healthz` reports it. It remembers the upstream's range
 * limit the same way (the maker documents none): once the upstream refuses a widened window as
 * invalid parameters (code 400, unbilled), each admission hands every coordinator the widest window
 * that worked, and none asks wider (coordination/wide-window.ts) for RANGE_LIMIT_KEEP_MS.
 */
import { DurableObject } from "cloudflare:workers";
import { BUDGET_REASON, reached, type BudgetRule } from "./budget.ts";

export type { BudgetRule } from "./budget.ts";
import { addDays, shanghaiToday } from "../calendar.ts";
import type { Bindings } from "../bindings.ts";
import type { Failover } from "../runtime.ts";
import {
  createReservationTable,
  leaseSize,
  leasedReservations,
  openReservations,
  releaseAll,
  reserve,
  reserveLeased,
} from "./reservations.ts";

export interface Breaker {
  reason: string;
  openedAt: number;
  until: number;
}

/** What today looks like: calls made and billed, open reservations, and the breaker if open. */
export interface AccountDay {
  day: string;
  calls: number;
  billed: number;
  reserved: number;
  /** Of those, calls leased to isolates whose lease still runs. */
  leased: number;
  breaker: Breaker | null;
  failover: Failover | null;
}

/**
 * The upstream's range limit as the account learned it: a widened window of `refusedDays` was
 * refused as invalid parameters, and `workedDays` is the widest window that worked since (0: none
 * yet). Calls ask no wider than `workedDays` until `until`.
 */
export interface RangeLimit {
  refusedDays: number;
  workedDays: number;
  since: number;
  until: number;
}

/** What one call learned of the range limit: a window of so many days was refused, or worked. */
export interface RangeLesson {
  refusedDays?: number;
  workedDays?: number;
}

/** What every call starts from: the account's fail-over, and its range limit (absent when none is known). */
export interface CallStart {
  failover: Failover | null;
  rangeLimit?: RangeLimit;
}

export type AccountAdmission =
  | (CallStart & { ok: true; reservation: number })
  /** The breaker was open (or the budget was reached and opened it). */
  | { ok: false; breaker: Breaker };

/** Calls leased to an isolate (none near the budget), or the open breaker. */
export type AccountLease = (CallStart & { ok: true; reservations: number[] }) | { ok: false; breaker: Breaker };

/** What a call cost, and the budget it was admitted under. */
export interface CallRecord {
  calls: number;
  billed: number;
  budget: BudgetRule;
  /** The caller's clock when the call ended. */
  now: number;
  /** The call's name in its coordinator's journal (coordination/call-journal.ts): a call recorded
   * under it once is not counted again (the journal's look may record what already landed). */
  call?: string;
}

const KEEP_DAYS = 40;

/** When the budget's last calls are reserved, not yet spent: ask again after this long (a lease's time). */
const RESERVED_RETRY_MS = 30_000;

/** A range limit is forgotten (and probed again, at the cost of one unbilled attempt) after a week:
 * the maker may widen it, and a 400 that was not about the range must not narrow calls for good. */
const RANGE_LIMIT_KEEP_MS = 7 * 24 * 3600 * 1000;

export class AccountLedger extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS days (day TEXT PRIMARY KEY, calls INTEGER NOT NULL, billed INTEGER NOT NULL)");
    createReservationTable(this.sql);
    // The journal's calls already recorded (kept a day or two: a lost call is recorded within minutes).
    this.sql.exec("CREATE TABLE IF NOT EXISTS recorded (call TEXT PRIMARY KEY, day TEXT NOT NULL)");
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS failover (one INTEGER PRIMARY KEY CHECK (one = 1), from_path TEXT NOT NULL, to_path TEXT NOT NULL, since INTEGER NOT NULL, until INTEGER NOT NULL)",
    );
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS breaker (one INTEGER PRIMARY KEY CHECK (one = 1), reason TEXT NOT NULL, opened_at INTEGER NOT NULL, until INTEGER NOT NULL)",
    );
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS range_limit (one INTEGER PRIMARY KEY CHECK (one = 1), refused_days INTEGER NOT NULL, worked_days INTEGER NOT NULL, since INTEGER NOT NULL, until INTEGER NOT NULL)",
    );
  }

  /** Admits one upstream call on `day`, unless the breaker is open or calls and reservations reach the budget. */
  admit(day: string, budget: BudgetRule, now: number): AccountAdmission {
    const granted = this.grant(day, budget, now, () => [reserve(this.sql, day, now)]);
    if (!granted.ok) return granted;
    const { reservations, ...known } = granted;
    return { ...known, reservation: reservations[0]! };
  }

  /**
   * Leases up to `want` calls on `day` to a gateway isolate (reservations.ts), usable until
   * `until`: none near the budget (`leaseSize`: those calls are admitted one at a time). Refused as
   * `admit` is. Each leased call is released by its call's record, or given back.
   */
  lease(day: string, budget: BudgetRule, now: number, want: number, until: number): AccountLease {
    return this.grant(day, budget, now, (left) => reserveLeased(this.sql, day, until, leaseSize(want, left)));
  }

  /** Releases leased calls an isolate did not use. */
  giveBack(reservations: number[]): void {
    releaseAll(this.sql, reservations);
  }

  /** Reserves what `take` takes of the calls left today, with what every call starts from, unless the breaker is open or the budget reached. */
  private grant(day: string, budget: BudgetRule, now: number, take: (left: number) => number[]): AccountLease {
    this.liftRaisedBudget(day, budget, now);
    const open = this.openBreaker(now);
    if (open) return { ok: false, breaker: open };
    const today = this.day(day, now);
    if (reached(budget, today.calls)) return { ok: false, breaker: this.budgetSpent(budget, now) };
    const spent = today.calls + today.reserved;
    // The rest is reserved: calls under way, or leased to isolates (which may give some back). The
    // breaker opens once the calls are recorded; until then this refusal says when to ask again.
    if (reached(budget, spent)) {
      const reason = `${BUDGET_REASON} of ${budget.limit} upstream calls reached, counting the calls under way or leased`;
      return { ok: false, breaker: { reason, openedAt: now, until: now + RESERVED_RETRY_MS } };
    }
    const rangeLimit = this.rangeLimit(now);
    const reservations = take(budget.limit > 0 ? budget.limit - spent : Infinity);
    return { ok: true, reservations, failover: this.failover(now), ...(rangeLimit ? { rangeLimit } : {}) };
  }

  /** Counts what an admitted call cost and releases its attempts' reservations; `failover`, when
   * given, is what the call learned of the upstream's paths (null: the configured path is back),
   * and `range` what it learned of the upstream's range limit. */
  record(day: string, reservations: number[], cost: CallRecord, failover?: Failover | null, range?: RangeLesson): void {
    const { calls, billed, budget } = cost;
    releaseAll(this.sql, reservations);
    // A record with no name (an isolate's own call) is never a repeat: noted under NULL, SQLite would keep it apart anyway.
    if (cost.call !== undefined && !this.firstRecordOf(cost.call, day)) return;
    if (range) this.learnRange(range, cost.now);
    if (failover === null) this.sql.exec("DELETE FROM failover");
    if (failover) {
      this.sql.exec(
        "INSERT OR REPLACE INTO failover (one, from_path, to_path, since, until) VALUES (1, ?, ?, ?, ?)",
        failover.from,
        failover.to,
        failover.since,
        failover.until,
      );
    }
    this.sql.exec(
      `INSERT INTO days (day, calls, billed) VALUES (?, ?, ?)
       ON CONFLICT(day) DO UPDATE SET calls = calls + excluded.calls, billed = billed + excluded.billed`,
      day,
      calls,
      billed,
    );
    this.sql.exec("DELETE FROM days WHERE day < ?", addDays(day, -KEEP_DAYS));
    this.sql.exec("DELETE FROM recorded WHERE day < ?", addDays(day, -1));
    const total = this.sql.exec<{ calls: number }>("SELECT calls FROM days WHERE day = ?", day).one().calls;
    if (reached(budget, total) && !this.openBreaker(cost.now)) this.budgetSpent(budget, cost.now);
  }

  /** Notes that the journal's call `call` was recorded; false when it already was. */
  private firstRecordOf(call: string, day: string): boolean {
    return this.sql.exec("INSERT OR IGNORE INTO recorded (call, day) VALUES (?, ?) RETURNING call", call, day).toArray().length > 0;
  }

  /** Opens the breaker for the rest of the day: the daily budget is spent. */
  private budgetSpent(budget: BudgetRule, now: number): Breaker {
    return this.open(`${BUDGET_REASON} of ${budget.limit} upstream calls reached`, now, budget.resetAt);
  }

  /** Opens the breaker until `until` (the upstream said the quota, the balance or the cap is gone). */
  open(reason: string, now: number, until: number): Breaker {
    const breaker = { reason, openedAt: now, until };
    this.sql.exec("INSERT OR REPLACE INTO breaker (one, reason, opened_at, until) VALUES (1, ?, ?, ?)", reason, now, until);
    return breaker;
  }

  /** Closes the breaker (`npm run guard -- clear`); true when one was open. */
  clear(now: number, day: string, budget: BudgetRule): boolean {
    const wasOpen = this.openBreaker(now) !== null;
    this.sql.exec("DELETE FROM breaker");
    // A spent budget is not lifted by clearing: only a larger budget or the next day lifts it.
    if (reached(budget, this.day(day, now).calls)) this.budgetSpent(budget, now);
    return wasOpen;
  }

  /** A breaker the budget opened today closes once the budget is raised past today's calls (or set
   * to none). One opened on an earlier day lasts to its end, the quota's reset (QUOTA_RESET_HOUR). */
  private liftRaisedBudget(day: string, budget: BudgetRule, now: number): void {
    const open = this.openBreaker(now);
    if (!open?.reason.startsWith(BUDGET_REASON) || shanghaiToday(open.openedAt) !== day) return;
    // Stryker disable next-line OptionalChaining: a breaker the budget opened today was opened by today's calls, whose row is there
    const calls = this.sql.exec<{ calls: number }>("SELECT calls FROM days WHERE day = ?", day).toArray()[0]?.calls ?? 0;
    if (!reached(budget, calls)) this.sql.exec("DELETE FROM breaker");
  }

  /** The day as it stands; with the budget in force, a breaker it no longer holds is closed first. */
  day(day: string, now: number, budget?: BudgetRule): AccountDay {
    if (budget) this.liftRaisedBudget(day, budget, now);
    const rows = this.sql.exec<{ calls: number; billed: number }>("SELECT calls, billed FROM days WHERE day = ?", day).toArray();
    const reserved = openReservations(this.sql, day, now);
    return {
      day,
      calls: rows[0]?.calls ?? 0,
      billed: rows[0]?.billed ?? 0,
      reserved,
      leased: leasedReservations(this.sql, day),
      breaker: this.openBreaker(now),
      failover: this.failover(now),
    };
  }

  private failover(now: number): Failover | null {
    const row = this.sql
      .exec<{ from_path: string; to_path: string; since: number; until: number }>("SELECT from_path, to_path, since, until FROM failover")
      .toArray()[0];
    if (!row || row.until <= now) return null;
    return { from: row.from_path as Failover["from"], to: row.to_path as Failover["to"], since: row.since, until: row.until };
  }

  /** The range limit known now, if any. */
  rangeLimit(now: number): RangeLimit | null {
    const row = this.sql
      .exec<{ refused_days: number; worked_days: number; since: number; until: number }>(
        "SELECT refused_days, worked_days, since, until FROM range_limit",
      )
      .toArray()[0];
    if (!row || row.until <= now) return null;
    return { refusedDays: row.refused_days, workedDays: row.worked_days, since: row.since, until: row.until };
  }

  /**
   * Keeps the narrowest refused window and the widest that worked below it. A window as wide as the
   * refused one that worked says the limit is gone (lifted, or the 400 was about something else).
   */
  private learnRange(lesson: RangeLesson, now: number): void {
    const known = this.rangeLimit(now);
    const refused = Math.min(known?.refusedDays ?? Infinity, lesson.refusedDays ?? Infinity);
    const worked = Math.max(known?.workedDays ?? 0, lesson.workedDays ?? 0);
    if (refused === Infinity) return;
    if (worked >= refused) {
      this.sql.exec("DELETE FROM range_limit");
      return;
    }
    const refusedNow = lesson.refusedDays !== undefined;
    const [since, until] = known && !refusedNow ? [known.since, known.until] : [now, now + RANGE_LIMIT_KEEP_MS];
    this.sql.exec(
      "INSERT OR REPLACE INTO range_limit (one, refused_days, worked_days, since, until) VALUES (1, ?, ?, ?, ?)",
      refused,
      worked,
      since,
      until,
    );
  }

  private openBreaker(now: number): Breaker | null {
    const row = this.sql
      .exec<{ reason: string; opened_at: number; until: number }>("SELECT reason, opened_at, until FROM breaker")
      .toArray()[0];
    return row && row.until > now ? { reason: row.reason, openedAt: row.opened_at, until: row.until } : null;
  }
}
