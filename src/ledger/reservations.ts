/**
 * @module Reservations, for a ledger that admits calls under a daily limit: admission reserves a
 * slot before the call and the call's record releases it, so concurrent callers cannot overshoot.
 * A reservation whose record never came (a caller that died mid-call) stops counting after
 * RESERVATION_TTL_MS, longer than any call.
 *
 * A ledger may also lease reservations to a gateway isolate (ledger/leases.ts): calls admitted
 * ahead, which the isolate hands to its misses so that they do not wait for the ledger. A leased
 * reservation counts like any other until the call made with it is recorded or it is given back
 * unused; one its isolate lost (an isolate evicted or crashed) lapses RESERVATION_TTL_MS after the
 * lease's end, as if its call had started then.
 */
import { ensureColumn } from "../sql.ts";

const RESERVATION_TTL_MS = 5 * 60_000;

export function createReservationTable(sql: SqlStorage): void {
  sql.exec(
    "CREATE TABLE IF NOT EXISTS reservations (id INTEGER PRIMARY KEY AUTOINCREMENT, day TEXT NOT NULL, at INTEGER NOT NULL, leased INTEGER NOT NULL DEFAULT 0)",
  );
  // Ledgers made before leased calls were told apart lack the column (their rows are calls admitted).
  ensureColumn(sql, "reservations", "leased", "INTEGER NOT NULL DEFAULT 0");
}

/** Reservations still open on `day` (lapsed ones are forgotten first). */
export function openReservations(sql: SqlStorage, day: string, now: number): number {
  sql.exec("DELETE FROM reservations WHERE at < ?", now - RESERVATION_TTL_MS);
  return sql.exec<{ open: number }>("SELECT COUNT(*) AS open FROM reservations WHERE day = ?", day).one().open;
}

/** Reserves one call on `day`, as of `at` (now; a lease's end for a leased call). */
export function reserve(sql: SqlStorage, day: string, at: number, leased = false): number {
  return sql.exec<{ id: number }>("INSERT INTO reservations (day, at, leased) VALUES (?, ?, ?) RETURNING id", day, at, leased ? 1 : 0).one()
    .id;
}

/** Releases a reservation; none (null) matches no row (`id = NULL` is never true), so nothing. */
export function release(sql: SqlStorage, reservation: number | null): void {
  sql.exec("DELETE FROM reservations WHERE id = ?", reservation);
}

/** Releases each of `reservations`: their calls were recorded, or they were given back unused. */
export function releaseAll(sql: SqlStorage, reservations: number[]): void {
  for (const reservation of reservations) release(sql, reservation);
}

/** Leases are granted only while this many times the calls asked are left: near a budget or limit
 * each call is admitted when it is made, so no call sits leased in one isolate while a miss in
 * another is refused. */
const LEASE_MARGIN = 16;

/** How many of `want` calls a lease takes when `left` are left: all of them, or none near the end. */
export const leaseSize = (want: number, left: number): number => (left >= want * LEASE_MARGIN ? want : 0);

/** Leased reservations not yet used or given back (counted apart in views: calls held by isolates,
 * not calls under way, though some may be; one whose lease ended is held until its isolate's next
 * miss gives it back, or it lapses). */
export function leasedReservations(sql: SqlStorage, day: string): number {
  return sql.exec<{ leased: number }>("SELECT COUNT(*) AS leased FROM reservations WHERE day = ? AND leased = 1", day).one().leased;
}

/** Reserves `count` calls on `day`, leased until `until`. */
export const reserveLeased = (sql: SqlStorage, day: string, until: number, count: number): number[] =>
  Array.from({ length: count }, () => reserve(sql, day, until, true));
