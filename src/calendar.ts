/**
 * @module Calendar arithmetic on `yyyy-MM-dd` strings, anchored to Asia/Shanghai.
 *
 * Douyin counts followers per Beijing day, so "today" and "settled" are decided on the
 * Shanghai calendar. Shanghai has had a fixed UTC+8 offset with no daylight saving since
 * 1991, so a constant offset is exact and cheaper than Intl in the hot path.
 */

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Milliseconds since the epoch; injected so clock-dependent rules are testable. */
export type Clock = () => number;

/** Day number (days since 1970-01-01) of a `yyyy-MM-dd` string, or null if it is not a real date. */
export function dayNumber(date: string): number | null {
  // Read digit by digit, without a regular expression or a Date: every point of a 365-day answer
  // passes here twice, so this is on a miss's hot path.
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return null;
  const year = digitsAt(date, 0, 4);
  const month = digitsAt(date, 5, 7);
  const day = digitsAt(date, 8, 10);
  // Years before 100 are not served (Date.UTC would read them as 19xx).
  if (year < 100 || month < 1 || month > 12 || day < 1) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0)) return null;
  // Days from the civil date (Howard Hinnant's algorithm), counted from 1970-01-01.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The number written by the ASCII digits from `from` to `to`, or -1 if one is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

export function isCalendarDate(date: string): boolean {
  return dayNumber(date) !== null;
}

/** The `yyyy-MM-dd` date of a day number (dayNumber's inverse), for years 100 to 9999. */
export function dateOfDayNumber(day: number): string {
  // Hinnant's inverse, without a Date: a wide call's year of days passes here several times a miss.
  const shifted = day + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const date = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, "0")}-${month < 10 ? "0" : ""}${month}-${date < 10 ? "0" : ""}${date}`;
}

export function addDays(date: string, days: number): string {
  const day = dayNumber(date);
  if (day === null) throw new RangeError(`not a calendar date: ${date}`);
  return dateOfDayNumber(day + days);
}

/** Every date from `start` to `end`, both included (none when `end` is before `start`); throws on a string that is not a date. */
export function datesOf(start: string, end: string): string[] {
  const first = dayNumber(start);
  const last = dayNumber(end);
  if (first === null || last === null) throw new RangeError(`not calendar dates: ${start}, ${end}`);
  const dates: string[] = [];
  for (let day = first; day <= last; day++) dates.push(dateOfDayNumber(day));
  return dates;
}

/** Inclusive count of days from `start` to `end`. */
export function daysInRange(start: string, end: string): number {
  const a = dayNumber(start);
  const b = dayNumber(end);
  if (a === null || b === null) throw new RangeError(`not calendar dates: ${start}, ${end}`);
  return b - a + 1;
}

/** Today in Asia/Shanghai, as a day number (see dayNumber). */
export const shanghaiDayNumber = (nowMs: number) => Math.floor((nowMs + SHANGHAI_OFFSET_MS) / DAY_MS);

let today: { day: number; date: string } | undefined;

/** Today's date in Asia/Shanghai; every request asks, so the day's date is written once a day. */
export function shanghaiToday(nowMs: number): string {
  const day = shanghaiDayNumber(nowMs);
  if (today?.day !== day) today = { day, date: dateOfDayNumber(day) };
  return today.date;
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
