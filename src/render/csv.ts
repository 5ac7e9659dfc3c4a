/**
 * @module The trend as CSV (RFC 4180): a header row, then `date,fans,delta` per day, CRLF line
 * ends; a missing count is an empty field, never a made-up number.
 */
import { parseAccept } from "hono/utils/accept";
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

export function rosterCsvFilename(trends: Pick<RosterTrends, "roster" | "startDate" | "endDate">): string {
  return `${trends.roster ? `roster-${trends.roster}` : "kols"}-daily-fans-${trends.startDate}-to-${trends.endDate}.csv`;
}

/** Whether a request asks for CSV: `format=csv`, or no format and `Accept: text/csv`. */
export const wantsCsv = (format: string | undefined, accept: string | undefined) =>
  format === "csv" || (format === undefined && accept !== undefined && prefersCsv(accept));

/** Whether `Accept` ranks CSV above JSON (its q values; a type at q=0 is refused; ties go to JSON). */
function prefersCsv(accept: string): boolean {
  const ranked = parseAccept(accept);
  const quality = (type: string) => Math.max(0, ...ranked.filter((entry) => entry.type.toLowerCase() === type).map((entry) => entry.q));
  return quality("text/csv") > quality("application/json");
}

/** A CSV answer's own headers: a download named `filename`. */
export const csvHeaders = (filename: string) => ({
  "Content-Type": "text/csv; charset=utf-8; header=present",
  "Content-Disposition": `attachment; filename="${filename}"`,
});
