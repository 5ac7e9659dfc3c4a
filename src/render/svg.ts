/**
 * @module The trend as an SVG line chart, for `<img>` embeds in docs and reports: a title, axis
 * labels with thousands separators, the minimum and maximum marked, and a text alternative for
 * screen readers. Days without a count break the line rather than being bridged.
 *
 * Rendered with `hono/html`: every interpolated value is escaped by construction, and only the
 * fragments built here are inserted as markup.
 */
import { html } from "hono/html";
import type { Trend } from "../schemas/trend.ts";

const WIDTH = 800;
const HEIGHT = 400;
const MARGIN = { top: 56, right: 32, bottom: 56, left: 96 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
const Y_TICKS = 5;

const thousands = new Intl.NumberFormat("en-US");

const round = (value: number) => Math.round(value * 10) / 10;

const STYLE = [
  ".axis{stroke:#9aa0a6;stroke-width:1}",
  ".grid{stroke:#e8eaed;stroke-width:1}",
  ".line{fill:none;stroke:#1a73e8;stroke-width:2.5;stroke-linejoin:round}",
  ".label{font-size:12px;fill:#5f6368}",
  ".mark{font-size:12px;fill:#202124;font-weight:600}",
  ".min{fill:#d93025}",
  ".max{fill:#188038}",
  ".heading{font-size:16px;fill:#202124;font-weight:600}",
].join("");

export function trendSvg(trend: Trend): string {
  const title = `Douyin followers of KOL ${trend.kolId}, ${trend.startDate} to ${trend.endDate}`;
  const { minFans, maxFans, firstFans, lastFans } = trend.summary;
  const points = trend.series;
  const n = Math.max(1, points.length - 1);
  const low = minFans ?? 0;
  const high = maxFans ?? 1;
  const span = high - low || Math.max(1, Math.abs(high) * 0.01);
  const x = (i: number) => MARGIN.left + (points.length === 1 ? PLOT_W / 2 : (i / n) * PLOT_W);
  const y = (fans: number) => MARGIN.top + PLOT_H - ((fans - low) / span) * PLOT_H;
  const bottom = MARGIN.top + PLOT_H;
  const right = MARGIN.left + PLOT_W;
  const midY = MARGIN.top + PLOT_H / 2;

  let path = "";
  let pen = false;
  points.forEach((point, i) => {
    if (point.fans === null) {
      pen = false;
      return;
    }
    path += `${pen ? "L" : "M"}${round(x(i))},${round(y(point.fans))}`;
    pen = true;
  });

  const marker = (kind: "min" | "max", fans: number | null) => {
    if (fans === null) return "";
    const i = points.findIndex((point) => point.fans === fans);
    const cx = round(x(i));
    const cy = round(y(fans));
    const label = `${kind} ${thousands.format(fans)} (${points[i]!.date})`;
    // The minimum sits on the bottom edge and the maximum on the top: both labels go above their
    // point (the date labels are below), anchored so they never leave the plot.
    const anchor = cx < MARGIN.left + 120 ? "start" : cx > right - 120 ? "end" : "middle";
    return html`
<circle cx="${cx}" cy="${cy}" r="4" class="${kind}"/><text x="${cx}" y="${cy - 10}" text-anchor="${anchor}" class="mark">${label}</text>`;
  };
  const description =
    minFans === null
      ? "No follower counts were available for this range."
      : `From ${thousands.format(firstFans ?? 0)} to ${thousands.format(lastFans ?? 0)} followers; ` +
        `lowest ${thousands.format(minFans)}, highest ${thousands.format(high)}.`;

  const grid = Array.from({ length: Y_TICKS }, (_, k) => {
    const value = low + (span * k) / (Y_TICKS - 1);
    const ty = round(y(value));
    return html`
<line x1="${MARGIN.left}" x2="${right}" y1="${ty}" y2="${ty}" class="grid"/><text x="${MARGIN.left - 8}" y="${ty + 4}" text-anchor="end" class="label">${thousands.format(Math.round(value))}</text>`;
  });
  const dates = [...new Set([0, Math.floor(n / 2), n].filter((i) => i < points.length))].map((i) => {
    const anchor = i === n && i > 0 ? "end" : "middle";
    return html`
<text x="${round(x(i))}" y="${bottom + 20}" text-anchor="${anchor}" class="label">${points[i]?.date ?? ""}</text>`;
  });

  // Nothing interpolated is a promise, so the result is synchronous: an escaped string.
  return html`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="title desc" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">
<title id="title">${title}</title>
<desc id="desc">${description}</desc>
<style>${STYLE}</style>
<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>
<text x="${MARGIN.left}" y="28" class="heading">${title}</text>${grid}
<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${bottom}" class="axis"/>
<line x1="${MARGIN.left}" x2="${right}" y1="${bottom}" y2="${bottom}" class="axis"/>${dates}
<text x="${MARGIN.left + PLOT_W / 2}" y="${HEIGHT - 10}" text-anchor="middle" class="label">Date (Asia/Shanghai)</text>
<text x="18" y="${midY}" text-anchor="middle" class="label" transform="rotate(-90 18 ${midY})">Followers</text>
${path ? html`<path d="${path}" class="line"/>` : ""}${marker("max", maxFans)}${marker("min", minFans)}
</svg>`.toString();
}
