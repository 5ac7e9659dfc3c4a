/**
 * @module When each key last had a range of this KOL refreshed, kept by the KOL's coordinator:
 * a client's explicit refresh of one range is granted at most once per REFRESH_INTERVAL_SECONDS
 * per key (lookup/refresh.ts). Rows older than the interval are forgotten.
 */
import type { KolRange } from "../upstream/request.ts";

export function createRefreshTable(sql: SqlStorage): void {
  sql.exec(
    "CREATE TABLE IF NOT EXISTS refreshes (by_key TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (by_key, start_date, end_date))",
  );
}

/** When `by` last had `range` refreshed within `intervalMs` of `now`, or null. */
export function lastRefresh(sql: SqlStorage, by: string, range: KolRange, now: number, intervalMs: number): number | null {
  sql.exec("DELETE FROM refreshes WHERE at <= ?", now - intervalMs);
  const row = sql
    .exec<{ at: number }>(
      "SELECT at FROM refreshes WHERE by_key = ? AND start_date = ? AND end_date = ?",
      by,
      range.startDate,
      range.endDate,
    )
    .toArray()[0];
  return row?.at ?? null;
}

export function noteRefresh(sql: SqlStorage, by: string, range: KolRange, now: number): void {
  sql.exec(
    "INSERT OR REPLACE INTO refreshes (by_key, start_date, end_date, at) VALUES (?, ?, ?, ?)",
    by,
    range.startDate,
    range.endDate,
    now,
  );
}
