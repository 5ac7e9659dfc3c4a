/**
 * @module Anomalous days in a creator's series: days whose follower change departs from that
 * creator's own normal over the range, the kind of jump bought followers make, or the fall a purge
 * does.
 *
 * The normal is robust, so the anomalies themselves cannot hide it: the median of the daily
 * changes, and their median absolute deviation (MAD). A day's score is the modified z-score
 * (Iglewicz and Hoaglin): 0.6745 x (change - median) / MAD; at or past `threshold`
 * (ANOMALY_THRESHOLD, 3.5 by default, their recommendation) in either direction the day is
 * flagged, `spike` above and `drop` below.
 */
import type { TrendPoint } from "../schemas/trend.ts";

export interface Anomaly {
  date: string;
  /** The day's change in followers. */
  delta: number;
  /** The modified z-score, rounded to 2 decimals: how far from the creator's normal, and which way. */
  score: number;
  kind: "spike" | "drop";
}

/** The modified z-score's constant: the MAD of a normal distribution is 0.6745 standard deviations. */
const MAD_TO_SIGMA = 0.6745;
/** Fewer days than this say nothing of a normal: no day is flagged. */
export const MIN_DAYS_FOR_ANOMALIES = 7;
/** A series that barely moves has a MAD near 0; one follower is the smallest change that counts. */
const MIN_MAD = 1;

function median(sorted: number[]): number {
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function anomaliesOf(series: readonly TrendPoint[], threshold: number): Anomaly[] {
  const days = series.filter((point): point is TrendPoint & { delta: number } => point.delta !== null);
  if (days.length < MIN_DAYS_FOR_ANOMALIES) return [];
  const center = median(days.map((point) => point.delta).sort((a, b) => a - b));
  const mad = Math.max(MIN_MAD, median(days.map((point) => Math.abs(point.delta - center)).sort((a, b) => a - b)));
  return days.flatMap((point): Anomaly[] => {
    const score = (MAD_TO_SIGMA * (point.delta - center)) / mad;
    if (Math.abs(score) < threshold) return [];
    return [{ date: point.date, delta: point.delta, score: Math.round(score * 100) / 100, kind: score > 0 ? "spike" : "drop" }];
  });
}
