/**
 * @module Several creators on one chart (a roster's comparison chart): absolute follower counts,
 * or each creator indexed to 100 on its first day with a count, so creators of any size compare.
 * Up to ten lines, each with its own colour and dash and a legend; the text alternative states
 * each creator's change. Shares the single chart's frame, round ticks and accessibility.
 */
import { html } from "hono/html";
import { datesOf } from "../calendar.ts";
import type { AnsweredMember, RosterTrends } from "../schemas/roster-answers.ts";
import { chartSvg, fitted, linePath, plotWidth, WIDTH, xScale, yScale } from "./chart.ts";
import { signed, signedPercent } from "./numbers.ts";
import { WORDS, type Lang } from "./language.ts";

export const COMPARE_MODES = ["absolute", "indexed"] as const;
export type CompareMode = (typeof COMPARE_MODES)[number];
/** Lines one chart keeps legible. */
export const MAX_COMPARED = 10;

// Ten colours told apart by most colour-blind readers, each line also with its own dash.
const COLOURS = ["#1a73e8", "#e8710a", "#188038", "#d93025", "#9334e6", "#12b5cb", "#e52592", "#795548", "#5f6368", "#f9ab00"];
const DASHES = ["", "6 3", "2 3", "8 3 2 3", "", "6 3", "2 3", "8 3 2 3", "", "6 3"];

const STYLE = COLOURS.map(
  (colour, i) =>
    `.s${i}{fill:none;stroke:${colour};stroke-width:2;stroke-linejoin:round${DASHES[i] ? `;stroke-dasharray:${DASHES[i]}` : ""}}`,
).join("");

/** How a creator is named on a chart: its label, else its id. */
const nameOf = (member: AnsweredMember) => member.label ?? member.kolId;

function valuesOf(member: AnsweredMember, dates: string[], mode: CompareMode): (number | null)[] {
  const byDate = new Map(member.series.map((point) => [point.date, point.fans]));
  const base = member.summary.firstFans;
  return dates.map((date) => {
    const fans = byDate.get(date) ?? null;
    if (fans === null || mode === "absolute") return fans;
    // Unrounded: a creator of millions moves by hundredths of a point, and rounding drew stairs.
    return base ? (fans / base) * 100 : null;
  });
}

/** Index ticks with as many decimals as their step needs, the same for all: 99.95, 100.00, 100.05. */
function indexLabel(ticks: number[]): (value: number) => string {
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : 1;
  const decimals = Math.min(4, Math.max(0, -Math.floor(Math.log10(step))));
  return (value) => value.toFixed(decimals);
}

/** `notLookedUp`: the roster's creators past the last one looked up (the chart had its lines). */
export function compareSvg(trends: RosterTrends, mode: CompareMode, lang: Lang, width = WIDTH, notLookedUp = 0): string {
  const words = WORDS[lang];
  const answered = trends.members.filter((member): member is AnsweredMember => member.ok);
  const shown = answered.slice(0, MAX_COMPARED);
  const dates = datesOf(trends.startDate, trends.endDate);
  const lines = shown.map((member) => valuesOf(member, dates, mode));
  const all = lines.flat().filter((value): value is number => value !== null);
  const scale = yScale(all.length ? Math.min(...all) : 0, all.length ? Math.max(...all) : 1);
  const x = xScale(dates.length, plotWidth(width));
  const who = trends.roster ? words.roster(trends.roster) : words.creators(answered.length);
  const title = words.rosterTitle(who, trends.startDate, trends.endDate);
  const changes = shown.map((member) => {
    const { change, changeRate } = member.summary;
    const name = nameOf(member);
    return change === null ? `${name}: ${words.noCounts}` : `${name}: ${signed(change)} (${signedPercent(changeRate ?? 0)})`;
  });
  const left = answered.length - shown.length + notLookedUp;
  // What the chart leaves out is said on it, not only in its text alternative.
  const omitted = [left > 0 ? words.notDrawn(left, MAX_COMPARED) : "", trends.failed > 0 ? words.notAnswered(trends.failed) : ""]
    .filter(Boolean)
    .join(lang === "en" ? "; " : "；");
  const description =
    (shown.length ? `${words.changeOver}: ${changes.join(lang === "en" ? "; " : "；")}.` : words.noneHadCounts) +
    (omitted ? ` ${omitted}.` : "");

  return chartSvg({
    title,
    description,
    yLabel: mode === "indexed" ? words.indexed : words.followers,
    words,
    note: omitted || undefined,
    width,
    scale,
    dates,
    style: STYLE,
    tickLabel: mode === "indexed" ? indexLabel(scale.ticks) : undefined,
    legend: shown.map((member, i) => ({ label: member.label === undefined ? member.kolId : fitted(member.label), className: `s${i}` })),
    body: html`${lines.map((values, i) => {
      const path = linePath(values, x, scale.y);
      return path ? html`<path d="${path}" class="s${i}"/>` : "";
    })}`,
  });
}
