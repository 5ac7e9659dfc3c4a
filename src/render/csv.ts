/**
 * @module The trend as CSV (RFC 4180): a header row, then `date,fans,delta` per day, CRLF line
 * ends; a missing count is an empty field, never a made-up number.
 */
import type { Trend } from "../schemas/trend.ts";
import type { RosterTrends } from "../schemas/roster-answers.ts";

function field(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

type Row = (string | number | null)[];

const csv = (rows: Row[]) => rows.map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";

export function trendCsv(trend: Trend): string {
  return csv([["date", "fans", "delta"], ...trend.series.map((point) => [point.date, point.fans, point.delta])]);
}

/** A roster in long form, `kolId,date,fans,delta`, one row per answered creator and day: what a
 * spreadsheet pivots. Creators that could not be answered have no rows (the JSON lists why). */
export function rosterCsv(trends: RosterTrends): string {
  const rows: Row[] = [["kolId", "date", "fans", "delta"]];
  for (const member of trends.members) {
    if (member.ok) for (const point of member.series) rows.push([member.kolId, point.date, point.fans, point.delta]);
  }
  return csv(rows);
}

export function csvFilename(trend: Pick<Trend, "kolId" | "startDate" | "endDate">): string {
  return `kol-${trend.kolId}-daily-fans-${trend.startDate}-to-${trend.endDate}.csv`;
}
