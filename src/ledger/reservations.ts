/**
 * @module Reservations, for a ledger that admits calls under a daily limit: admission reserves a
 * slot before the call and the call's record releases it, so concurrent callers cannot overshoot.
 * A reservation whose record never came (a caller that died mid-call) stops counting after
 * RESERVATION_TTL_MS, longer than any call.
 */
const RESERVATION_TTL_MS = 5 * 60_000;

export function createReservationTable(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS reservations (id INTEGER PRIMARY KEY AUTOINCREMENT, day TEXT NOT NULL, at INTEGER NOT NULL)");
}

/** Reservations still open on `day` (lapsed ones are forgotten first). */
export function openReservations(sql: SqlStorage, day: string, now: number): number {
  sql.exec("DELETE FROM reservations WHERE at < ?", now - RESERVATION_TTL_MS);
  return sql.exec<{ open: number }>("SELECT COUNT(*) AS open FROM reservations WHERE day = ?", day).one().open;
}

export function reserve(sql: SqlStorage, day: string, now: number): number {
  return sql.exec<{ id: number }>("INSERT INTO reservations (day, at) VALUES (?, ?) RETURNING id", day, now).one().id;
}

export function release(sql: SqlStorage, reservation: number): void {
  sql.exec("DELETE FROM reservations WHERE id = ?", reservation);
}
