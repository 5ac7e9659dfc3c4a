/**
 * @module The trend as an SVG line chart, for `<img>` embeds in docs and reports: a title, axis
 * labels with thousands separators, the minimum and maximum marked, and a text alternative for
 * screen readers. Days without a count break the line rather than being bridged.
 */
import type { Trend } from "../schemas/trend.ts";

const WIDTH = 800;
const HEIGHT = 400;
const MARGIN = { top: 56, right: 32, bottom: 56, left: 96 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
const Y_TICKS = 5;

const thousands = new Intl.NumberFormat("en-US");

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[ch]!);
}

const round = (value: number) => Math.round(value * 10) / 10;

export function trendSvg(trend: Trend): string {
  const title = `Douyin followers of KOL ${trend.kolId}, ${trend.startDate} to ${trend.endDate}`;
  const { minFans, maxFans } = trend.summary;
  const points = trend.series;
  const n = Math.max(1, points.length - 1);
  const low = minFans ?? 0;
  const high = maxFans ?? 1;
  const span = high - low || Math.max(1, Math.abs(high) * 0.01);
  const x = (i: number) => MARGIN.left + (points.length === 1 ? PLOT_W / 2 : (i / n) * PLOT_W);
  const y = (fans: number) => MARGIN.top + PLOT_H - ((fans - low) / span) * PLOT_H;

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

  const yTicks = Array.from({ length: Y_TICKS }, (_, k) => low + (span * k) / (Y_TICKS - 1));
  const xTickIndexes = [...new Set([0, Math.floor(n / 2), n].filter((i) => i < points.length))];
  const marker = (kind: "min" | "max", fans: number | null) => {
    if (fans === null) return "";
    const i = points.findIndex((point) => point.fans === fans);
    const cx = round(x(i));
    const cy = round(y(fans));
    const label = `${kind} ${thousands.format(fans)} (${points[i]!.date})`;
    // The minimum sits on the bottom edge and the maximum on the top: both labels go above their
    // point (the date labels are below), anchored so they never leave the plot.
    const anchor = cx < MARGIN.left + 120 ? "start" : cx > MARGIN.left + PLOT_W - 120 ? "end" : "middle";
    return `<circle cx="${cx}" cy="${cy}" r="4" class="${kind}"/><text x="${cx}" y="${cy - 10}" text-anchor="${anchor}" class="mark">${escapeXml(label)}</text>`;
  };
  const description =
    minFans === null
      ? "No follower counts were available for this range."
      : `From ${thousands.format(trend.summary.firstFans ?? 0)} to ${thousands.format(trend.summary.lastFans ?? 0)} followers; lowest ${thousands.format(minFans)}, highest ${thousands.format(high)}.`;

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="title desc" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">`,
    `<title id="title">${escapeXml(title)}</title>`,
    `<desc id="desc">${escapeXml(description)}</desc>`,
    `<style>.axis{stroke:#9aa0a6;stroke-width:1}.grid{stroke:#e8eaed;stroke-width:1}.line{fill:none;stroke:#1a73e8;stroke-width:2.5;stroke-linejoin:round}.label{font-size:12px;fill:#5f6368}.mark{font-size:12px;fill:#202124;font-weight:600}.min{fill:#d93025}.max{fill:#188038}.heading{font-size:16px;fill:#202124;font-weight:600}</style>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="28" class="heading">${escapeXml(title)}</text>`,
    ...yTicks.map((value) => {
      const ty = round(y(value));
      return `<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${ty}" y2="${ty}" class="grid"/><text x="${MARGIN.left - 8}" y="${ty + 4}" text-anchor="end" class="label">${thousands.format(Math.round(value))}</text>`;
    }),
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_H}" class="axis"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${MARGIN.top + PLOT_H}" y2="${MARGIN.top + PLOT_H}" class="axis"/>`,
    ...xTickIndexes.map(
      (i) =>
        `<text x="${round(x(i))}" y="${MARGIN.top + PLOT_H + 20}" text-anchor="${i === n && i > 0 ? "end" : "middle"}" class="label">${points[i]?.date ?? ""}</text>`,
    ),
    `<text x="${MARGIN.left + PLOT_W / 2}" y="${HEIGHT - 10}" text-anchor="middle" class="label">Date (Asia/Shanghai)</text>`,
    `<text x="18" y="${MARGIN.top + PLOT_H / 2}" text-anchor="middle" class="label" transform="rotate(-90 18 ${MARGIN.top + PLOT_H / 2})">Followers</text>`,
    path ? `<path d="${path}" class="line"/>` : "",
    marker("max", maxFans),
    marker("min", minFans),
    `</svg>`,
  ].join("\n");
}
