/**
 * @module The trend as CSV (RFC 4180): a header row, then `date,fans,delta` per day, CRLF line
 * ends; a missing count is an empty field, never a made-up number.
 */
import type { Trend } from "../schemas/trend.ts";

function field(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function trendCsv(trend: Trend): string {
  const rows = [["date", "fans", "delta"], ...trend.series.map((point) => [point.date, point.fans, point.delta])];
  return rows.map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";
}

export function csvFilename(trend: Pick<Trend, "kolId" | "startDate" | "endDate">): string {
  return `kol-${trend.kolId}-daily-fans-${trend.startDate}-to-${trend.endDate}.csv`;
}
