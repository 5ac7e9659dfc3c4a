/**
 * @module Day-level reuse: what the upstream said about each day of a KOL, kept by that KOL's
 * coordinator (coordination/kol-coordinator.ts) in its SQLite storage, one row per day.
 *
 * A day's count and delta do not depend on the range they were asked in, so any later request
 * can reuse them. Values are kept exactly as the upstream sent them (strings stay strings), so
 * the drop-in route can rebuild the upstream's own body. A day the upstream answered without
 * data is kept as known-empty, not re-asked. Live days (the last two) are reusable for
 * LIVE_TTL_SECONDS after they were fetched. Settled days are kept for good: Douyin no longer revises
 * them, and the upstream stops serving old days (its history depth, undocumented), so this table is
 * the KOL's archive. Only a client's `Xingtu-Refresh: settled` buys a settled range again.
 */
import * as z from "zod/mini";
import { addDays, shanghaiToday } from "../calendar.ts";

const rawCount = z.union([z.string(), z.number()]);

const storedDaySchema = z.object({
  /** The day's follower count (`daily[].fans_cnt`), as sent; null when the upstream had none. */
  fans: z.nullable(rawCount),
  /** The change from the day before (`delta[].fans_cnt`), as sent; null when the upstream had none. */
  delta: z.nullable(rawCount),
  /** When it was fetched (ms since the epoch). */
  fetchedAt: z.number(),
  /** At least two Shanghai days old when fetched: Douyin no longer revises it. */
  settled: z.boolean(),
});

export type StoredDay = z.infer<typeof storedDaySchema>;

/** A KOL's stored days, by date. */
export type DayBook = Map<string, StoredDay>;

export interface DayPolicy {
  now: number;
  /** How long a live day is reusable after it was fetched. */
  liveMs: number;
  /** A live day fetched at or before this moment is not reusable (a refresh of the live days asked then). */
  fetchedAfter?: number;
}

export interface RawPoint {
  date: string;
  fans_cnt: string | number;
}

/** The upstream's `daily` and `delta` exactly as sent (validated before they get here). */
export interface RawSeries {
  daily: RawPoint[];
  delta: RawPoint[];
}

/** The stored day if it is still reusable under the policy (a settled one always is), else undefined. */
export function usableDay(book: DayBook, date: string, policy: DayPolicy): StoredDay | undefined {
  const day = book.get(date);
  if (!day || day.settled) return day;
  if (policy.fetchedAfter !== undefined && day.fetchedAt <= policy.fetchedAfter) return undefined;
  const age = policy.now - day.fetchedAt;
  return age >= 0 && age < policy.liveMs ? day : undefined;
}

/**
 * The days an answer tells, for every date it was asked about. A day the answer has on one side
 * only (a count without its delta, or the reverse) is served as it came but not stored: it is
 * asked again next time, never kept for a week as half a day.
 */
export function daysOf(dates: string[], raw: RawSeries, now: number): DayBook {
  const lastSettled = addDays(shanghaiToday(now), -2);
  const fans = new Map(raw.daily.map((point) => [point.date, point.fans_cnt]));
  const deltas = new Map(raw.delta.map((point) => [point.date, point.fans_cnt]));
  const book: DayBook = new Map();
  for (const date of dates) {
    const [count, delta] = [fans.get(date) ?? null, deltas.get(date) ?? null];
    if ((count === null) !== (delta === null)) continue;
    book.set(date, { fans: count, delta, fetchedAt: now, settled: date <= lastSettled });
  }
  return book;
}

/** The coordinator's table of days (one KOL per object, so the date is the key). */
export function createDayTable(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS days (date TEXT PRIMARY KEY, fetched_at INTEGER NOT NULL, day TEXT NOT NULL)");
}

/** The stored days from `startDate` to `endDate`; a row that no longer parses is simply missing. */
export function readDays(sql: SqlStorage, startDate: string, endDate: string): DayBook {
  const book: DayBook = new Map();
  const rows = sql.exec<{ date: string; day: string }>("SELECT date, day FROM days WHERE date BETWEEN ? AND ?", startDate, endDate);
  for (const row of rows) {
    const parsed = storedDaySchema.safeParse(JSON.parse(row.day));
    if (parsed.success) book.set(row.date, parsed.data);
  }
  return book;
}

// Stryker disable next-line LogicalOperator: a stored day has both values or neither (daysOf keeps no half day), so either operator tells the same
const hasData = (day: StoredDay) => day.fans !== null || day.delta !== null;

/**
 * Stores days (one transaction: the object's writes before its next await commit together). Nothing
 * is ever forgotten: a date has one row, which a later answer replaces, so a live day's row is
 * replaced when the day is asked again (settled by then). An answer without data for a day never
 * replaces a settled day stored with data: the upstream stopped serving it (its history depth),
 * and the archive outlives that.
 */
export function writeDays(sql: SqlStorage, book: DayBook): void {
  if (book.size === 0) return;
  // Stryker disable next-line MethodExpression: daysOf builds every book it is given in date order, so its keys are already sorted
  const dates = [...book.keys()].sort();
  const stored = readDays(sql, dates[0]!, dates[dates.length - 1]!);
  const rows = [...book]
    .filter(([date, day]) => {
      const kept = stored.get(date);
      return !(kept?.settled && hasData(kept) && !hasData(day));
    })
    .map(([date, day]) => [date, day.fetchedAt, JSON.stringify(day)]);
  // One statement for the whole window (a wide call brings up to a year): one crossing into SQLite, not one a day.
  sql.exec(
    "INSERT OR REPLACE INTO days (date, fetched_at, day) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)",
    JSON.stringify(rows),
  );
}
