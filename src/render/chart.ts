/**
 * @module What the SVG charts share: the frame (title, text alternative, axes, the y grid on round
 * values, dates below), and a y scale whose ticks fall on round numbers (d3-array's "nice"
 * ticks: 3,100,000 rather than 3,112,941) with room above and below the data, so the min and max
 * labels stay clear of the line.
 *
 * Rendered with `hono/html`: every interpolated value is escaped by construction.
 */
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { nice, ticks } from "d3-array";
import { thousands } from "./numbers.ts";
import type { Words } from "./language.ts";

/** A CJK-capable stack, so Chinese titles and labels never fall back to boxes. */
export const FONTS =
  "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif";

export const WIDTH = 800;
export const HEIGHT = 400;
export const MARGIN = { top: 56, right: 32, bottom: 56, left: 96 };
export const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
/** The widths a chart is laid out at (`width=`): its text keeps its size, the plot takes the rest. */
export const MIN_WIDTH = 400;
export const MAX_WIDTH = 1600;
export const plotWidth = (width: number) => width - MARGIN.left - MARGIN.right;
export const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
const Y_TICKS = 5;
/** Headroom above and below the data, as a share of its span, for the min and max labels. */
const HEADROOM = 0.12;

export const round = (value: number) => Math.round(value * 10) / 10;

export interface YScale {
  y: (value: number) => number;
  ticks: number[];
}

/** A y scale over [low, high], widened by the headroom and then to round ticks; never below zero
 * for counts that are not (a follower count is never negative, so an axis of negative counts says nothing). */
export function yScale(low: number, high: number): YScale {
  const span = high - low || Math.max(1, Math.abs(high) * 0.01);
  const below = low - span * HEADROOM;
  const [from, to] = nice(low >= 0 ? Math.max(0, below) : below, high + span * HEADROOM, Y_TICKS);
  const y = (value: number) => MARGIN.top + PLOT_H - ((value - from) / (to - from)) * PLOT_H;
  return { y, ticks: ticks(from, to, Y_TICKS) };
}

/** x positions of `count` days across a plot `plotW` wide. */
export function xScale(count: number, plotW = PLOT_W): (i: number) => number {
  const n = Math.max(1, count - 1);
  return (i) => MARGIN.left + (count === 1 ? plotW / 2 : (i / n) * plotW);
}

/** An SVG path through the points that have a value; a gap breaks the line rather than bridging it. */
export function linePath(values: (number | null)[], x: (i: number) => number, y: (value: number) => number): string {
  let path = "";
  let pen = false;
  values.forEach((value, i) => {
    if (value === null) {
      pen = false;
      return;
    }
    path += `${pen ? "L" : "M"}${round(x(i))},${round(y(value))}`;
    pen = true;
  });
  return path;
}

/**
 * The headers every SVG chart is sent with. It carries text a caller chose (a creator's name, a
 * roster's labels), escaped; opened on its own in a browser tab it runs nothing and loads nothing
 * all the same: its only style is its own inline <style>.
 */
export const SVG_HEADERS = {
  "Content-Type": "image/svg+xml; charset=utf-8",
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
} as const;

export interface Frame {
  title: string;
  /** The visible heading, when it is not the title itself (a name cut short to fit: fittedHeading). */
  heading?: string;
  description: string;
  /** The y axis's name. */
  yLabel: string;
  scale: YScale;
  dates: string[];
  style: string;
  /** The marks: lines, markers, legend. */
  body: HtmlEscapedString | Promise<HtmlEscapedString> | string;
  /** How a tick value is written. */
  tickLabel?: (value: number) => string;
  /** Named series (the comparison chart): a legend of swatches under the heading, in rows. */
  legend?: { label: string; className: string }[];
  /** A visible line under the plot, for what the chart leaves out. */
  note?: string;
  /** The chart's width in pixels (MIN_WIDTH to MAX_WIDTH; WIDTH unless asked). */
  width?: number;
  words: Words;
}

const LEGEND_ROW = 20;
/** The narrowest legend column: a swatch and about 18 Latin letters (or 9 CJK) at 12 px. */
const MIN_LEGEND_COLUMN = 134;
const HEADING_LINE = 18;

const FRAME_STYLE = [
  ".axis{stroke:#9aa0a6;stroke-width:1}",
  ".grid{stroke:#e8eaed;stroke-width:1}",
  ".label{font-size:12px;fill:#5f6368}",
  ".mark{font-size:12px;fill:#202124;font-weight:600}",
  ".heading{font-size:16px;fill:#202124;font-weight:600}",
  ".note{font-size:12px;fill:#b06000;font-weight:600}",
  ".heading.small{font-size:12px}",
].join("");

/** Half-widths a legend entry's text may take: a CJK character is two, so 8 of them or 16 Latin
 * letters (and the ellipsis) fit the entry's column at 12 px, wide letters included. */
const LEGEND_TEXT_WIDTH = 16;

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u;
/** An emoji (one drawn as a picture): as wide as a CJK character. */
const PICTURE = /\p{Extended_Pictographic}/u;
/** Half-widths a character takes: two for a CJK (full-width) one or an emoji. */
export const isWide = (char: string) => WIDE.test(char) || PICTURE.test(char);
const halfWidths = (char: string) => (isWide(char) ? 2 : 1);

/** Made on first use: a segmenter loads the platform's text-boundary data, about 13 ms of CPU, which
 * every isolate's start-up would pay though only charts need it. */
let segmenter: Intl.Segmenter | undefined;
/** What a reader sees as one character each: an emoji's ZWJ sequence or a letter with its marks is
 * one, so a name is never cut inside one. */
const graphemes = (text: string) =>
  Array.from((segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" })).segment(text), (part) => part.segment);

/** `label` cut to a legend column, with an ellipsis when cut (an id is never cut: it must stay exact). */
export function fitted(label: string): string {
  let width = 0;
  let fit = "";
  for (const char of graphemes(label)) {
    width += halfWidths(char);
    if (width > LEGEND_TEXT_WIDTH) return `${fit}…`;
    fit += char;
  }
  return fit;
}

/** A half-width's pixels in the heading's bold 16 px, on average (a Latin letter or digit). */
const HEADING_HALF = 9.5;
export const halvesOf = (text: string) => graphemes(text).reduce((sum, char) => sum + halfWidths(char), 0);

/** The heading in one line, or two (at its last comma) when the chart is too narrow for one; and
 * whether a line is still too long for 16 px (it is then set smaller). */
function headingLines(title: string, room: number): { lines: string[]; small: boolean } {
  const cut = Math.max(title.lastIndexOf(", "), title.lastIndexOf("，"));
  const lines = halvesOf(title) * HEADING_HALF <= room || cut < 0 ? [title] : [title.slice(0, cut + 1).trim(), title.slice(cut + 1).trim()];
  return { lines, small: lines.some((line) => halvesOf(line) * HEADING_HALF > room) };
}

/** The smaller heading's size against the heading's (`.heading.small`: 12 px for 16). */
const SMALL_HEADING = 12 / 16;

/**
 * The heading `title` makes of `name`, the name cut short (…) until every line fits a chart `width`
 * wide, at the smaller size if need be, or it is one character: what follows the name (a creator's
 * id, the range) stays in sight. The title itself (the text alternative) keeps the whole name.
 */
export function fittedHeading(title: (name: string) => string, name: string, width: number): string {
  const room = width - MARGIN.left - 8;
  const fits = (heading: string) =>
    headingLines(heading, room).lines.every((line) => halvesOf(line) * HEADING_HALF * SMALL_HEADING <= room);
  let kept = graphemes(name);
  let heading = title(name);
  while (kept.length > 1 && !fits(heading)) {
    kept = kept.slice(0, -1);
    heading = title(`${kept.join("")}…`);
  }
  return heading;
}

function legendOf(items: NonNullable<Frame["legend"]>, plotW: number, top: number) {
  const perRow = Math.max(1, Math.min(5, Math.floor(plotW / MIN_LEGEND_COLUMN)));
  const column = plotW / perRow;
  return items.map((item, i) => {
    const lx = round(MARGIN.left + (i % perRow) * column);
    const ly = top + 48 + Math.floor(i / perRow) * LEGEND_ROW;
    return html`
<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" class="${item.className}"/><text x="${lx + 24}" y="${ly}" class="label">${item.label}</text>`;
  });
}

export function chartSvg(frame: Frame): string {
  const width = frame.width ?? WIDTH;
  const plotW = plotWidth(width);
  const { lines: heading, small } = headingLines(frame.heading ?? frame.title, width - MARGIN.left - 8);
  const headingHeight = (heading.length - 1) * HEADING_LINE;
  const perRow = Math.max(1, Math.min(5, Math.floor(plotW / MIN_LEGEND_COLUMN)));
  // The heading's second line and the legend's rows push the plot down, a note adds a line below:
  // the chart grows by as much.
  const legendHeight = frame.legend ? Math.ceil(frame.legend.length / perRow) * LEGEND_ROW + 8 : 0;
  const shift = headingHeight + legendHeight;
  const height = HEIGHT + shift + (frame.note ? 20 : 0);
  const bottom = MARGIN.top + PLOT_H;
  const right = MARGIN.left + plotW;
  const midY = MARGIN.top + PLOT_H / 2;
  const tickLabel = frame.tickLabel ?? thousands;
  const x = xScale(frame.dates.length, plotW);
  const last = Math.max(0, frame.dates.length - 1);
  const grid = frame.scale.ticks.map((value) => {
    const ty = round(frame.scale.y(value));
    return html`
<line x1="${MARGIN.left}" x2="${right}" y1="${ty}" y2="${ty}" class="grid"/><text x="${MARGIN.left - 8}" y="${ty + 4}" text-anchor="end" class="label">${tickLabel(value)}</text>`;
  });
  const dates = [...new Set([0, Math.floor(last / 2), last].filter((i) => i < frame.dates.length))].map((i) => {
    const anchor = i === last && i > 0 ? "end" : "middle";
    return html`
<text x="${round(x(i))}" y="${bottom + 20}" text-anchor="${anchor}" class="label">${frame.dates[i] ?? ""}</text>`;
  });
  // Nothing interpolated is a promise, so the result is synchronous: an escaped string.
  return html`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="title desc" font-family="${FONTS}">
<title id="title">${frame.title}</title>
<desc id="desc">${frame.description}</desc>
<style>${FRAME_STYLE + frame.style}</style>
<rect width="${width}" height="${height}" fill="#ffffff"/>
${heading.map((line, i) => html`<text x="${MARGIN.left}" y="${28 + i * HEADING_LINE}" class="heading${small ? " small" : ""}">${line}</text>`)}${
    frame.legend ? legendOf(frame.legend, plotW, headingHeight) : ""
  }
<g${shift ? html` transform="translate(0 ${shift})"` : ""}>${grid}
<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${bottom}" class="axis"/>
<line x1="${MARGIN.left}" x2="${right}" y1="${bottom}" y2="${bottom}" class="axis"/>${dates}
<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle" class="label">${frame.words.date}</text>${
    frame.note
      ? html`
<text x="${MARGIN.left}" y="${HEIGHT + 10}" class="note">${frame.note}</text>`
      : ""
  }
<text x="18" y="${midY}" text-anchor="middle" class="label" transform="rotate(-90 18 ${midY})">${frame.yLabel}</text>
${frame.body}
</g>
</svg>`.toString();
}
