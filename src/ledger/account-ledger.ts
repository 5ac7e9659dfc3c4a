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
 * another one already found gone, and `/healthz` reports it.
 */
import { DurableObject } from "cloudflare:workers";
import { addDays } from "../calendar.ts";
import type { Bindings } from "../bindings.ts";
import type { Failover } from "../runtime.ts";
import { createReservationTable, openReservations, release, reserve } from "./reservations.ts";

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
  breaker: Breaker | null;
  failover: Failover | null;
}

export type AccountAdmission =
  | { ok: true; reservation: number; failover: Failover | null }
  /** The breaker was open (or the budget was reached and opened it). */
  | { ok: false; breaker: Breaker };

/** What a call cost, and the budget it was admitted under. */
export interface CallRecord {
  calls: number;
  billed: number;
  budget: BudgetRule;
  /** The caller's clock when the call ended. */
  now: number;
}

export interface BudgetRule {
  /** Calls a Shanghai day; 0: no budget. */
  limit: number;
  /** When a breaker opened now would close (the next QUOTA_RESET_HOUR). */
  resetAt: number;
}

const KEEP_DAYS = 40;

export class AccountLedger extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS days (day TEXT PRIMARY KEY, calls INTEGER NOT NULL, billed INTEGER NOT NULL)");
    createReservationTable(this.sql);
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS failover (one INTEGER PRIMARY KEY CHECK (one = 1), from_path TEXT NOT NULL, to_path TEXT NOT NULL, since INTEGER NOT NULL, until INTEGER NOT NULL)",
    );
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS breaker (one INTEGER PRIMARY KEY CHECK (one = 1), reason TEXT NOT NULL, opened_at INTEGER NOT NULL, until INTEGER NOT NULL)",
    );
  }

  /** Admits one upstream call on `day`, unless the breaker is open or calls and reservations reach the budget. */
  admit(day: string, budget: BudgetRule, now: number): AccountAdmission {
    const open = this.openBreaker(now);
    if (open) return { ok: false, breaker: open };
    const today = this.day(day, now);
    if (budget.limit > 0 && today.calls + today.reserved >= budget.limit) {
      return { ok: false, breaker: this.open(`daily budget of ${budget.limit} upstream calls reached`, now, budget.resetAt) };
    }
    return { ok: true, reservation: reserve(this.sql, day, now), failover: this.failover(now) };
  }

  /** Counts what an admitted call cost and releases its attempts' reservations; `failover`, when
   * given, is what the call learned of the upstream's paths (null: the configured path is back). */
  record(day: string, reservations: number[], cost: CallRecord, failover?: Failover | null): void {
    const { calls, billed, budget } = cost;
    for (const reservation of reservations) release(this.sql, reservation);
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
    const total = this.sql.exec<{ calls: number }>("SELECT calls FROM days WHERE day = ?", day).one().calls;
    if (budget.limit > 0 && total >= budget.limit && !this.openBreaker(cost.now)) {
      this.open(`daily budget of ${budget.limit} upstream calls reached`, cost.now, budget.resetAt);
    }
  }

  /** Opens the breaker until `until` (the upstream said the quota, the balance or the cap is gone). */
  open(reason: string, now: number, until: number): Breaker {
    const breaker = { reason, openedAt: now, until };
    this.sql.exec("INSERT OR REPLACE INTO breaker (one, reason, opened_at, until) VALUES (1, ?, ?, ?)", reason, now, until);
    return breaker;
  }

  /** Closes the breaker (`npm run guard -- clear`); true when one was open. */
  clear(now: number): boolean {
    const wasOpen = this.openBreaker(now) !== null;
    this.sql.exec("DELETE FROM breaker");
    return wasOpen;
  }

  day(day: string, now: number): AccountDay {
    const rows = this.sql.exec<{ calls: number; billed: number }>("SELECT calls, billed FROM days WHERE day = ?", day).toArray();
    const reserved = openReservations(this.sql, day, now);
    return {
      day,
      calls: rows[0]?.calls ?? 0,
      billed: rows[0]?.billed ?? 0,
      reserved,
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

  private openBreaker(now: number): Breaker | null {
    const row = this.sql
      .exec<{ reason: string; opened_at: number; until: number }>("SELECT reason, opened_at, until FROM breaker")
      .toArray()[0];
    return row && row.until > now ? { reason: row.reason, openedAt: row.opened_at, until: row.until } : null;
  }
}
