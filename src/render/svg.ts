/**
 * @module The trend as an SVG line chart, for `<img>` embeds in docs and reports: a title, axis
 * ticks on round values with thousands separators, the minimum and maximum marked (their labels
 * clear of the line: the maximum's above its point, the minimum's below), and a text alternative
 * for screen readers. Days without a count break the line rather than being bridged.
 */
import { html } from "hono/html";
import type { Trend } from "../schemas/trend.ts";
import { chartSvg, fittedHeading, linePath, MARGIN, plotWidth, round, WIDTH, xScale, yScale } from "./chart.ts";
import { thousands } from "./numbers.ts";
import { WORDS, type Lang } from "./language.ts";

const STYLE = [".line{fill:none;stroke:#1a73e8;stroke-width:2.5;stroke-linejoin:round}", ".min{fill:#d93025}", ".max{fill:#188038}"].join(
  "",
);

/** The trend's chart, titled with the creator's `name` when one is given (its id beside it). */
export function trendSvg(trend: Trend, lang: Lang, width = WIDTH, name?: string): string {
  const words = WORDS[lang];
  const titled = (shown?: string) => words.trendTitle(trend.kolId, trend.startDate, trend.endDate, shown);
  const title = titled(name);
  const { minFans, maxFans, firstFans, lastFans } = trend.summary;
  const points = trend.series;
  const scale = yScale(minFans ?? 0, maxFans ?? 1);
  const x = xScale(points.length, plotWidth(width));
  const right = MARGIN.left + plotWidth(width);
  const path = linePath(
    points.map((point) => point.fans),
    x,
    scale.y,
  );

  const marker = (kind: "min" | "max", fans: number | null) => {
    if (fans === null) return "";
    const i = points.findIndex((point) => point.fans === fans);
    const cx = round(x(i));
    const cy = round(scale.y(fans));
    const label = `${words[kind]} ${thousands(fans)} (${points[i]!.date})`;
    // The scale leaves room above the maximum and below the minimum: each label goes there,
    // anchored so it never leaves the plot.
    const anchor = cx < MARGIN.left + 120 ? "start" : cx > right - 120 ? "end" : "middle";
    return html`
<circle cx="${cx}" cy="${cy}" r="4" class="${kind}"/><text x="${cx}" y="${kind === "max" ? cy - 10 : cy + 20}" text-anchor="${anchor}" class="mark">${label}</text>`;
  };
  const description =
    minFans === null
      ? words.noCountsInRange
      : words.fromTo(thousands(firstFans ?? 0), thousands(lastFans ?? 0), thousands(minFans), thousands(maxFans ?? minFans));

  return chartSvg({
    title,
    ...(name === undefined ? {} : { heading: fittedHeading(titled, name, width) }),
    description,
    yLabel: words.followers,
    words,
    width,
    scale,
    dates: points.map((point) => point.date),
    style: STYLE,
    body: html`${path ? html`<path d="${path}" class="line"/>` : ""}${marker("max", maxFans)}${marker("min", minFans)}`,
  });
}
