/**
 * @module Wide calls. The maker bills per call (codes 0 and 201), not per day, so when a KOL's
 * coordinator must call the upstream it asks, in that one call, for the widest window that can be
 * useful: the missing days (the asked window) and the KOL's unstored days around them, up to
 * UPSTREAM_FETCH_DAYS days, never past today and never before MIN_DATE. Every day the answer brings
 * is stored (day-book.ts): settled days for good, live days (yesterday, today) for
 * LIVE_TTL_SECONDS, so later ranges inside the window cost no call meanwhile.
 *
 * The window grows towards the present first, then into the past: clients ask for ranges ending in
 * the last days, so the days just after the asked ones are the likeliest to be asked next.
 *
 * The maker documents no maximum range. When it refuses a widened window as invalid parameters
 * (code 400, unbilled), the asked window is asked once more (an attempt like any other: admitted by
 * the account ledger and counted), and the account ledger remembers the limit for every
 * coordinator (ledger/account-ledger.ts): later calls ask no wider than the widest window that
 * worked. A forced refresh, a gateway without day-level reuse and an isolate without its
 * coordinator never widen.
 */
import { addDays, dateOfDayNumber, dayNumber, daysInRange, shanghaiToday } from "../calendar.ts";
import type { Config } from "../config/config.ts";
import type { RangeLimit } from "../ledger/account-ledger.ts";
import { readDays, usableDay } from "./day-book.ts";
import { ProblemError } from "../problem.ts";
import type { UpstreamAnswer, UpstreamTrace } from "../upstream/client.ts";
import type { KolRange, UpstreamQuery } from "../upstream/request.ts";
import { dayPolicy, spendWith, type ResolveContext } from "./resolve.ts";

export interface WindowBounds {
  /** The most days the window may span (a wider asked window is asked as it is). */
  maxDays: number;
  /** The earliest day it may reach (MIN_DATE). */
  floor: string;
  /** The latest day it may reach by widening (today). */
  ceiling: string;
}

/** `asked` widened day by day over the days `unstored` says are not stored, towards the present first. */
export function wideWindow<T extends KolRange>(asked: T, unstored: (date: string) => boolean, bounds: WindowBounds): T {
  let start = dayNumber(asked.startDate)!;
  let end = dayNumber(asked.endDate)!;
  const [floor, ceiling] = [dayNumber(bounds.floor)!, dayNumber(bounds.ceiling)!];
  let room = bounds.maxDays - (end - start + 1);
  while (room > 0 && end < ceiling && unstored(dateOfDayNumber(end + 1))) [end, room] = [end + 1, room - 1];
  while (room > 0 && start > floor && unstored(dateOfDayNumber(start - 1))) [start, room] = [start - 1, room - 1];
  return { ...asked, startDate: dateOfDayNumber(start), endDate: dateOfDayNumber(end) };
}

/** The widest window to ask now: UPSTREAM_FETCH_DAYS, or the widest that worked since the upstream refused one. */
export const fetchDays = (config: Config, limit: RangeLimit | null) =>
  limit ? Math.min(config.UPSTREAM_FETCH_DAYS, limit.workedDays) : config.UPSTREAM_FETCH_DAYS;

/** `asked` widened over the KOL's days that are not stored (or no longer reusable) in the coordinator's table. */
export function widenOverStored(context: ResolveContext, sql: SqlStorage, asked: UpstreamQuery, maxDays: number): UpstreamQuery {
  // Stryker disable next-line ArithmeticOperator: a larger room only reads more stored days; wideWindow counts its own room
  const room = maxDays - daysInRange(asked.startDate, asked.endDate);
  if (room <= 0) return asked;
  const book = readDays(sql, addDays(asked.startDate, -room), addDays(asked.endDate, room));
  const policy = dayPolicy(context, null);
  const bounds = { maxDays, floor: context.config.MIN_DATE, ceiling: shanghaiToday(policy.now) };
  return wideWindow(asked, (date) => usableDay(book, date, policy) === undefined, bounds);
}

/**
 * One logical upstream call for `asked` widened by `widen` to at most the days the account allows
 * now; a widened window the upstream refuses as invalid parameters is asked again as `asked`, once.
 * Resolves with the window that was answered.
 */
export function spendWide(
  context: ResolveContext,
  asked: UpstreamQuery,
  widen: (maxDays: number) => UpstreamQuery,
  trace: UpstreamTrace,
): Promise<{ window: UpstreamQuery; answer: UpstreamAnswer }> {
  return spendWith(context, trace, async ({ rangeLimit, call, admitNext, learn }) => {
    const window = widen(fetchDays(context.config, rangeLimit));
    const days = daysInRange(window.startDate, window.endDate);
    const askedDays = daysInRange(asked.startDate, asked.endDate);
    try {
      const answer = await call(window);
      // The ledger hears only what widens a known limit: without one, nothing needs remembering.
      if (rangeLimit && days > rangeLimit.workedDays) learn({ workedDays: days });
      return { window, answer };
    } catch (error) {
      const refused = error instanceof ProblemError && error.problemType === "upstream-invalid-parameters";
      if (!refused || days === askedDays) throw error;
      learn({ refusedDays: days });
      context.runtime.log({
        level: "warn",
        msg: "the upstream refused a widened window as invalid parameters (unbilled); asking the missing days alone, and no window wider than one that worked from now on",
        kolId: asked.kolId,
        refused: `${window.startDate}..${window.endDate}`,
        refusedDays: days,
        asked: `${asked.startDate}..${asked.endDate}`,
      });
      await admitNext();
      const answer = await call(asked);
      learn({ workedDays: askedDays });
      return { window: asked, answer };
    }
  });
}
