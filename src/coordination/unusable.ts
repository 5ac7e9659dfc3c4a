/**
 * @module A KOL's billed answers that could not be read, kept by its coordinator (one row per
 * window) until UNUSABLE_TTL_SECONDS have passed: a miss whose missing days a kept window covers
 * is answered with it, so an upstream that bills a broken answer is not paid again on every request.
 */
import type { UpstreamAnswer } from "../upstream/client.ts";
import type { KolRange } from "../upstream/request.ts";

type Unusable = Extract<UpstreamAnswer, { kind: "unusable" }>;

export function createUnusableTable(sql: SqlStorage): void {
  sql.exec(
    "CREATE TABLE IF NOT EXISTS unusable (start_date TEXT NOT NULL, end_date TEXT NOT NULL, until INTEGER NOT NULL, reason TEXT NOT NULL, code INTEGER NOT NULL)",
  );
}

export function keepUnusable(sql: SqlStorage, window: KolRange, answer: Unusable, until: number): void {
  sql.exec(
    "INSERT INTO unusable (start_date, end_date, until, reason, code) VALUES (?, ?, ?, ?, ?)",
    window.startDate,
    window.endDate,
    until,
    answer.reason,
    Number(answer.raw.code),
  );
}

/** The kept unusable answer whose window covers every one of `dates` (sorted), if any. */
export function keptUnusable(sql: SqlStorage, dates: readonly string[], now: number): Unusable | null {
  if (dates.length === 0) return null;
  sql.exec("DELETE FROM unusable WHERE until <= ?", now);
  const row = sql
    .exec<{ reason: string; code: number }>(
      "SELECT reason, code FROM unusable WHERE start_date <= ? AND end_date >= ? ORDER BY until DESC LIMIT 1",
      dates[0]!,
      dates[dates.length - 1]!,
    )
    .toArray()[0];
  return row ? { kind: "unusable", raw: { code: row.code, data: null }, reason: row.reason } : null;
}
