/**
 * @module Trends as CSV (RFC 4180): a header row (in the answer's language), then a row per day,
 * CRLF line ends; a missing count is an empty field, never a made-up number.
 */
import { parseAccept } from "hono/utils/accept";
import type { Trend } from "../schemas/trend.ts";
import type { RosterTrends } from "../schemas/roster-answers.ts";
import { datesOf } from "../calendar.ts";
import { WORDS, type Lang } from "./language.ts";

/** A cell. Text a person typed (a label) that a spreadsheet would run as a formula (it starts with
 * = + - @ or a tab or return: OWASP's CSV injection) gets a leading apostrophe, shown as text;
 * numbers are written as they are. */
function field(value: string | number | null): string {
  if (value === null) return "";
  const text = typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

type Row = (string | number | null)[];

const csv = (rows: Row[]) => rows.map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";

/** The CSV of a language, with a UTF-8 byte-order mark when asked: Excel reads a file without one
 * as the system's legacy code page, so Chinese labels and headers come out garbled. */
export interface CsvOptions {
  lang: Lang;
  bom?: boolean;
}

const BOM = "\uFEFF";
const csvOf = (rows: Row[], { bom }: CsvOptions) => (bom ? BOM : "") + csv(rows);

export function trendCsv(trend: Trend, options: CsvOptions): string {
  const words = WORDS[options.lang].csv;
  return csvOf([[words.date, words.fans, words.delta], ...trend.series.map((point) => [point.date, point.fans, point.delta])], options);
}

/** A roster in long form, `kolId,date,fans,delta,label`, one row per answered creator and day: what
 * a spreadsheet pivots (the label last, so columns read by position before labels existed stay put).
 * Creators that could not be answered have no rows (the JSON lists why). */
export function rosterCsv(trends: RosterTrends, options: CsvOptions): string {
  const words = WORDS[options.lang].csv;
  const rows: Row[] = [[words.kolId, words.date, words.fans, words.delta, words.label]];
  for (const member of trends.members) {
    if (member.ok) for (const point of member.series) rows.push([member.kolId, point.date, point.fans, point.delta, member.label ?? null]);
  }
  return csvOf(rows, options);
}

/** A roster in wide form: one row per date, one column of follower counts per answered creator,
 * headed by its label (with its id when two share one), else its id: what a chart in a sheet reads. */
export function rosterWideCsv(trends: RosterTrends, options: CsvOptions): string {
  const answered = trends.members.filter((member) => member.ok);
  const labels = answered.map((member) => member.label);
  const heading = answered.map((member, i) =>
    member.label === undefined
      ? member.kolId
      : labels.indexOf(member.label) !== i || labels.lastIndexOf(member.label) !== i
        ? `${member.label} (${member.kolId})`
        : member.label,
  );
  const counts = answered.map((member) => new Map(member.series.map((point) => [point.date, point.fans])));
  const rows: Row[] = [[WORDS[options.lang].csv.date, ...heading]];
  for (const date of datesOf(trends.startDate, trends.endDate)) rows.push([date, ...counts.map((byDate) => byDate.get(date) ?? null)]);
  return csvOf(rows, options);
}

export function csvFilename(trend: Pick<Trend, "kolId" | "startDate" | "endDate">): string {
  return `kol-${trend.kolId}-daily-fans-${trend.startDate}-to-${trend.endDate}.csv`;
}

export function rosterCsvFilename(trends: Pick<RosterTrends, "roster" | "startDate" | "endDate">, wide = false): string {
  return `${trends.roster ? `roster-${trends.roster}` : "kols"}-daily-fans${wide ? "-wide" : ""}-${trends.startDate}-to-${trends.endDate}.csv`;
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

/** A CSV answer's own headers: a download named `filename` (RFC 6266: a name with characters
 * beyond ASCII, a Chinese roster's, goes as `filename*`, beside an ASCII stand-in for old clients). */
export function csvHeaders(filename: string) {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  const disposition =
    ascii === filename
      ? `attachment; filename="${filename}"`
      : `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
  return { "Content-Type": "text/csv; charset=utf-8; header=present", "Content-Disposition": disposition };
}
