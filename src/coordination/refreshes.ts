/**
 * @module When a KOL's days were last bought again on a client's explicit refresh, kept by the
 * KOL's coordinator: days one refresh bought are not bought again on request, by any key, for
 * REFRESH_INTERVAL_SECONDS (lookup/refresh.ts). A refresh is declined when the days it would buy
 * overlap such days: another range, or another key, does not buy the same days twice. Rows older
 * than the interval are forgotten.
 */
import { addDays, shanghaiToday } from "../calendar.ts";
import type { RefreshMode } from "../lookup/refresh.ts";

/** The first and last day a refresh buys. */
export interface DaySpan {
  startDate: string;
  endDate: string;
}

export function createRefreshTable(sql: SqlStorage): void {
  sql.exec(
    "CREATE TABLE IF NOT EXISTS refreshes (by_key TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (by_key, start_date, end_date))",
  );
}

/** The days a refresh of `range` buys: all of them (`settled`), or those Douyin may still revise (`live`: from yesterday on). */
export function refreshedDays(range: DaySpan, mode: RefreshMode, now: number): DaySpan {
  if (mode === "settled") return { startDate: range.startDate, endDate: range.endDate };
  const firstLive = addDays(shanghaiToday(now), -1);
  // (`>=` is equivalent: on equal dates either side is the same date.)
  return { startDate: range.startDate > firstLive ? range.startDate : firstLive, endDate: range.endDate };
}

/** When a refresh last bought any of `days` within `intervalMs` of `now`, or null. */
export function lastRefresh(sql: SqlStorage, days: DaySpan, now: number, intervalMs: number): number | null {
  sql.exec("DELETE FROM refreshes WHERE at <= ?", now - intervalMs);
  return sql
    .exec<{ at: number | null }>(
      "SELECT MAX(at) AS at FROM refreshes WHERE start_date <= ? AND end_date >= ?",
      days.endDate,
      days.startDate,
    )
    .one().at;
}

/** Takes back the note `noteRefresh` left at `at`: the refresh bought nothing. */
export function forgetRefresh(sql: SqlStorage, by: string, days: DaySpan, at: number): void {
  sql.exec("DELETE FROM refreshes WHERE by_key = ? AND start_date = ? AND end_date = ? AND at = ?", by, days.startDate, days.endDate, at);
}

export function noteRefresh(sql: SqlStorage, by: string, days: DaySpan, now: number): void {
  sql.exec(
    "INSERT OR REPLACE INTO refreshes (by_key, start_date, end_date, at) VALUES (?, ?, ?, ?)",
    by,
    days.startDate,
    days.endDate,
    now,
  );
}
