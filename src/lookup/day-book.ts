/**
 * @module Day-level reuse: what the upstream said about each day of each KOL, kept per KOL and
 * calendar year (one KV value per KOL-year, so a 365-day range costs at most two reads).
 *
 * A day's count and delta do not depend on the range they were asked in, so any later request
 * can reuse them. Values are kept exactly as the upstream sent them (strings stay strings), so
 * the drop-in route can rebuild the upstream's own body. A day the upstream answered without
 * data is kept as known-empty, not re-asked. Settled days are reusable for SETTLED_TTL_SECONDS;
 * live days (the last two) only for LIVE_TTL_SECONDS after they were fetched.
 */
import * as z from "zod";
import { addDays, shanghaiToday } from "../calendar.ts";
import type { Store } from "../cache/types.ts";

const rawCount = z.union([z.string(), z.number()]);

const storedDaySchema = z.object({
  /** The day's follower count (`daily[].fans_cnt`), as sent; null when the upstream had none. */
  fans: rawCount.nullable(),
  /** The change from the day before (`delta[].fans_cnt`), as sent; null when the upstream had none. */
  delta: rawCount.nullable(),
  /** When it was fetched (ms since the epoch). */
  fetchedAt: z.number(),
  /** At least two Shanghai days old when fetched: Douyin no longer revises it. */
  settled: z.boolean(),
});
const dayDocSchema = z.object({ days: z.record(z.string(), storedDaySchema) });

export type StoredDay = z.infer<typeof storedDaySchema>;
type DayDoc = z.infer<typeof dayDocSchema>;

/** `v2`: days are named objects (v1 kept positional tuples, which this version does not read). */
export const dayDocKey = (kolId: string, year: string) => `v2:days:${kolId}:${year}`;

const yearsOf = (dates: string[]) => [...new Set(dates.map((date) => date.slice(0, 4)))];

export interface DayPolicy {
  now: number;
  settledMs: number;
  liveMs: number;
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

/** A KOL's stored days for the years a range touches. */
export interface DayBook {
  kolId: string;
  docs: Map<string, DayDoc>;
}

/** The stored day, however old. */
export function storedDay(book: DayBook, date: string): StoredDay | undefined {
  return book.docs.get(date.slice(0, 4))?.days[date];
}

/** The stored day if it is still reusable under the policy, else undefined. */
export function usableDay(book: DayBook, date: string, policy: DayPolicy): StoredDay | undefined {
  const day = storedDay(book, date);
  if (!day) return undefined;
  const age = policy.now - day.fetchedAt;
  return age >= 0 && age < (day.settled ? policy.settledMs : policy.liveMs) ? day : undefined;
}

/**
 * Records the upstream's answer for every date it was asked about. A day the answer has on one
 * side only (a count without its delta, or the reverse) is served as it came but not stored: it
 * is asked again next time, never kept for a week as half a day.
 */
export function recordDays(book: DayBook, dates: string[], raw: RawSeries, now: number): void {
  const lastSettled = addDays(shanghaiToday(now), -2);
  const fans = new Map(raw.daily.map((point) => [point.date, point.fans_cnt]));
  const deltas = new Map(raw.delta.map((point) => [point.date, point.fans_cnt]));
  for (const date of dates) {
    const [count, delta] = [fans.get(date) ?? null, deltas.get(date) ?? null];
    if ((count === null) !== (delta === null)) continue;
    const year = date.slice(0, 4);
    const doc = book.docs.get(year) ?? { days: {} };
    doc.days[date] = { fans: count, delta, fetchedAt: now, settled: date <= lastSettled };
    book.docs.set(year, doc);
  }
}

/** The book for `dates`, or null when the store could not be read. */
export async function readDayBook(store: Store, kolId: string, dates: string[]): Promise<DayBook | null> {
  const years = yearsOf(dates);
  const reads = await Promise.all(years.map((year) => store.get(dayDocKey(kolId, year))));
  const docs = new Map<string, DayDoc>();
  for (const [i, read] of reads.entries()) {
    if (!read.ok) return null;
    const parsed = dayDocSchema.safeParse(read.value);
    docs.set(years[i]!, parsed.success ? parsed.data : { days: {} });
  }
  return { kolId, docs };
}

/** Writes back the years `dates` touch. Another isolate's concurrent write may win: it is a cache. */
export async function writeDayBook(store: Store, book: DayBook, dates: string[], keepSeconds: number): Promise<boolean> {
  const results = await Promise.all(
    yearsOf(dates).map((year) => store.put(dayDocKey(book.kolId, year), book.docs.get(year) ?? { days: {} }, keepSeconds)),
  );
  return results.every(Boolean);
}
