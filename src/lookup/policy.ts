/**
 * @module What is cached, under which key, and for how long.
 *
 * Douyin revises a day's count for about a day after it ends, so a range whose every day is at
 * least two Shanghai days old is "settled" and kept long; anything newer is "live" and kept
 * briefly. The key names only the route version, the KOL and the dates: never a credential.
 */
import { dayNumber, shanghaiDayNumber } from "../calendar.ts";
import type { Config } from "../config/config.ts";
import type { KolRange } from "../upstream/request.ts";

export const CACHE_KEY_VERSION = "v1";

export function cacheKey(range: KolRange): string {
  return `${CACHE_KEY_VERSION}:daily-fans:${range.kolId}:${range.startDate}:${range.endDate}`;
}

export interface TtlDecision {
  settled: boolean;
  ttlSeconds: number;
}

export function ttlPolicy(endDate: string, nowMs: number, config: Pick<Config, "SETTLED_TTL_SECONDS" | "LIVE_TTL_SECONDS">): TtlDecision {
  // Compared as day numbers: every request asks, and writing a date out each time was 2 % of a hit.
  const settled = (dayNumber(endDate) ?? Infinity) <= shanghaiDayNumber(nowMs) - 2;
  return { settled, ttlSeconds: settled ? config.SETTLED_TTL_SECONDS : config.LIVE_TTL_SECONDS };
}
