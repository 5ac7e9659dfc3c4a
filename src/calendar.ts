/**
 * @module Calendar arithmetic on `yyyy-MM-dd` strings, anchored to Asia/Shanghai.
 *
 * Douyin counts followers per Beijing day, so "today" and "settled" are decided on the
 * Shanghai calendar. Shanghai has had a fixed UTC+8 offset with no daylight saving since
 * 1991, so a constant offset is exact and cheaper than Intl in the hot path.
 */

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds since the epoch; injected so clock-dependent rules are testable. */
export type Clock = () => number;

/** Day number (days since 1970-01-01) of a `yyyy-MM-dd` string, or null if it is not a real date. */
export function dayNumber(date: string): number | null {
  const match = ISO_DATE.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March; a round trip exposes it.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    return null;
  }
  return ms / DAY_MS;
}

export function isCalendarDate(date: string): boolean {
  return dayNumber(date) !== null;
}

export function dateOfDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const day = dayNumber(date);
  if (day === null) throw new RangeError(`not a calendar date: ${date}`);
  return dateOfDayNumber(day + days);
}

/** Every date from `start` to `end`, both included. */
export function datesOf(start: string, end: string): string[] {
  const dates: string[] = [];
  for (let date = start; date <= end; date = addDays(date, 1)) dates.push(date);
  return dates;
}

/** Inclusive count of days from `start` to `end`. */
export function daysInRange(start: string, end: string): number {
  const a = dayNumber(start);
  const b = dayNumber(end);
  if (a === null || b === null) throw new RangeError(`not calendar dates: ${start}, ${end}`);
  return b - a + 1;
}

export function shanghaiToday(nowMs: number): string {
  return dateOfDayNumber(Math.floor((nowMs + SHANGHAI_OFFSET_MS) / DAY_MS));
}

/** Seconds until the next time the Shanghai clock reads `hour`:00 (by default midnight, when the
 * upstream's daily quota resets). */
export function secondsUntilShanghaiHour(nowMs: number, hour = 0): number {
  const shifted = nowMs + SHANGHAI_OFFSET_MS;
  let next = Math.floor(shifted / DAY_MS) * DAY_MS + hour * 3_600_000;
  if (next <= shifted) next += DAY_MS;
  return Math.max(1, Math.ceil((next - shifted) / 1000));
}

/** The hour (0-23) the Shanghai clock reads now. */
export function shanghaiHour(nowMs: number): number {
  return Math.floor(((nowMs + SHANGHAI_OFFSET_MS) % DAY_MS) / 3_600_000);
}
