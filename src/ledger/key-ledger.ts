/**
 * @module The key ledger: one Durable Object (SQLite) per client key, the one place that admits
 * that key's upstream calls under its daily limit and keeps its daily usage.
 *
 * Admission reserves a slot before the call and the call's record releases it (reservations.ts),
 * so concurrent misses from every isolate and location cannot overshoot the limit: the object
 * runs one method at a time, and each method is one transaction.
 *
 * A call that may have been billed (a timeout, a broken connection, an answer without a code)
 * counts as spent: the limit holds billed and uncertain calls together.
 */
import { DurableObject } from "cloudflare:workers";
import { addDays } from "../calendar.ts";
import type { Bindings } from "../bindings.ts";
import { ensureColumn } from "../sql.ts";
import {
  createReservationTable,
  leaseSize,
  leasedReservations,
  openReservations,
  release,
  releaseAll,
  reserve,
  reserveLeased,
} from "./reservations.ts";
import { changeRecord, type ChangeResult, type RecordChange } from "../auth/record-changes.ts";

/** One Shanghai day of a key's usage. */
export interface DayUsage {
  day: string;
  /** Data requests answered for the key (hits and misses). */
  requests: number;
  hits: number;
  /** Upstream calls its misses made, how many of them the maker bills, and how many may have been billed. */
  calls: number;
  billed: number;
  uncertain: number;
}

export type UsageDelta = Omit<DayUsage, "day">;

export type Admission = { ok: true; reservation: number } | { ok: false };

/** Calls admitted and not yet recorded: under way (`inFlight`), or leased to isolates (`leased`). */
export interface ReservedCalls {
  inFlight: number;
  leased: number;
}

/** Days of usage kept per key. */
const KEEP_DAYS = 40;

export class KeyLedger extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;
  /** The last record change under way (changeRecord). */
  private changing: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS usage (
      day TEXT PRIMARY KEY, requests INTEGER NOT NULL, hits INTEGER NOT NULL, calls INTEGER NOT NULL, billed INTEGER NOT NULL,
      uncertain INTEGER NOT NULL DEFAULT 0)`);
    // Ledgers made before uncertain calls were counted lack the column.
    ensureColumn(this.sql, "usage", "uncertain", "INTEGER NOT NULL DEFAULT 0");
    createReservationTable(this.sql);
  }

  /** Admits one upstream call on `day` when spent calls (billed or maybe) and open reservations stay
   * under `limit` (only a key with a limit is asked: ledger/usage.ts). */
  admit(day: string, limit: number, now: number): Admission {
    const { billed, uncertain } = this.usage(day);
    // Stryker disable next-line ObjectLiteral: the one caller reads only `ok`, which `{}` lacks alike.
    if (billed + uncertain + openReservations(this.sql, day, now) >= limit) return { ok: false };
    return { ok: true, reservation: reserve(this.sql, day, now) };
  }

  /** Leases up to `want` of the key's calls on `day` to a gateway isolate, usable until `until`
   * (reservations.ts): none near the limit (`leaseSize`). */
  lease(day: string, limit: number, now: number, want: number, until: number): number[] {
    const { billed, uncertain } = this.usage(day);
    const left = limit - billed - uncertain - openReservations(this.sql, day, now);
    return reserveLeased(this.sql, day, until, leaseSize(want, left));
  }

  /** Releases leased calls an isolate did not use. */
  giveBack(reservations: number[]): void {
    releaseAll(this.sql, reservations);
  }

  /** Adds what requests cost on `day`, and releases the reservation their call held. */
  record(day: string, delta: UsageDelta, reservation: number | null): void {
    release(this.sql, reservation);
    this.sql.exec(
      `INSERT INTO usage (day, requests, hits, calls, billed, uncertain) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(day) DO UPDATE SET requests = requests + excluded.requests, hits = hits + excluded.hits,
         calls = calls + excluded.calls, billed = billed + excluded.billed, uncertain = uncertain + excluded.uncertain`,
      day,
      delta.requests,
      delta.hits,
      delta.calls,
      delta.billed,
      delta.uncertain,
    );
    this.sql.exec("DELETE FROM usage WHERE day < ?", addDays(day, -KEEP_DAYS));
  }

  /** The day's usage, with the calls admitted and not yet recorded: under way now, or leased to isolates. */
  usageNow(day: string, now: number): DayUsage & ReservedCalls {
    // Lapsed reservations go first (openReservations), leased ones among them too.
    const open = openReservations(this.sql, day, now);
    const leased = leasedReservations(this.sql, day);
    return { ...this.usage(day), inFlight: open - leased, leased };
  }

  /**
   * Changes the key's record (revoke, rotate, set): one change at a time, each reading the record
   * the one before it wrote, so concurrent changes through the API never undo each other. (A KV
   * call lets other requests into the object meanwhile: the chain, not the object, orders them.)
   */
  changeRecord(name: string, change: RecordChange): Promise<ChangeResult> {
    const result = this.changing.then(() => changeRecord(this.env.KEYS, name, change));
    this.changing = result.catch(() => undefined);
    return result;
  }

  /** The days from `from` to `to` (yyyy-MM-dd, inclusive) with any usage, oldest first. */
  history(from: string, to: string): DayUsage[] {
    return this.sql
      .exec<Pick<DayUsage, keyof DayUsage>>(
        "SELECT day, requests, hits, calls, billed, uncertain FROM usage WHERE day >= ? AND day <= ? ORDER BY day",
        from,
        to,
      )
      .toArray();
  }

  usage(day: string): DayUsage {
    const rows = this.sql
      .exec<Omit<DayUsage, "day">>("SELECT requests, hits, calls, billed, uncertain FROM usage WHERE day = ?", day)
      .toArray();
    return { day, ...(rows[0] ?? { requests: 0, hits: 0, calls: 0, billed: 0, uncertain: 0 }) };
  }
}
