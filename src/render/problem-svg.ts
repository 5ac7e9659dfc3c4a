/**
 * @module A problem as an image, for the chart routes: an `<img>` (a report, a chat message, a
 * spreadsheet's picture cell) shows nothing but a broken-image icon for a JSON error, so a chart
 * route answers its errors as a chart-sized SVG that says, in English and Simplified Chinese, what
 * went wrong and what to do, with the same status and headers as the problem+json it stands for.
 */
import { html } from "hono/html";
import type { Problem } from "../schemas/problem.ts";
import { FONTS, halvesOf, HEIGHT, isWide, WIDTH } from "./chart.ts";

const MAX_DETAIL_LINES = 6;

/** `text` as words, spaces, and each wide (CJK) character on its own: where a line may break. */
function tokensOf(text: string): string[] {
  const tokens: string[] = [];
  for (const char of text) {
    const last = tokens.at(-1);
    const space = /\s/.test(char);
    const joins = last !== undefined && !isWide(char) && !isWide(last.at(-1)!) && /\s/.test(last) === space;
    if (joins) tokens[tokens.length - 1] += char;
    else tokens.push(char);
  }
  return tokens;
}

/**
 * `text` in lines that fit `room` pixels at a font whose half-width is `half` pixels (a CJK
 * character is two): Latin text breaks at spaces, Chinese between any two characters. At most
 * `most` lines, the last cut with an ellipsis.
 */
export function wrapped(text: string, room: number, half: number, most: number): string[] {
  const fits = Math.floor(room / half);
  const lines: string[] = [];
  let line = "";
  for (const token of tokensOf(text)) {
    if (/^\s+$/.test(token)) {
      if (line) line += " ";
      continue;
    }
    if (line.trim() && halvesOf(line) + halvesOf(token) > fits) {
      lines.push(line.trim());
      line = token;
    } else line += token;
  }
  if (line.trim()) lines.push(line.trim());
  if (lines.length <= most) return lines;
  const last = [...lines[most - 1]!];
  return [...lines.slice(0, most - 1), `${last.slice(0, Math.max(0, last.length - 2)).join("")}…`];
}

/** `zh`: the problem's one line of Simplified Chinese, when it could be read (its page's words);
 * `width`: the chart's own (the image takes the size the chart would have). */
export function problemSvg(problem: Problem, zh: string | null, width = WIDTH): string {
  const room = width - 80;
  const title = wrapped(problem.title, room, 11.5, 2);
  // The detail's `code` marks are for Markdown readers; in an image they are noise.
  const detail = wrapped(problem.detail.replace(/`/g, ""), room, 8, MAX_DETAIL_LINES);
  const chinese = zh ? wrapped(zh, room, 8, 2) : [];
  let y = 106;
  const titleLines = title.map((line, i) => html`<text x="40" y="${y + i * 28}" class="title">${line}</text>`);
  y += (title.length - 1) * 28 + 44;
  const detailLines = detail.map((line, i) => html`<text x="40" y="${y + i * 24}" class="detail">${line}</text>`);
  y += detail.length * 24 + 20;
  const zhLines = chinese.map((line, i) => html`<text x="40" y="${y + i * 24}" class="zh" lang="zh-CN">${line}</text>`);
  return html`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}" role="img" aria-labelledby="title desc" font-family="${FONTS}">
<title id="title">${problem.title} (HTTP ${problem.status})</title>
<desc id="desc">${problem.detail}</desc>
<style>.title{font-size:22px;font-weight:600;fill:#1f2328}.status{font-size:14px;fill:#57606a}.detail{font-size:15px;fill:#1f2328}.zh{font-size:15px;fill:#1f2328}.type{font-size:13px;fill:#57606a}</style>
<rect width="${width}" height="${HEIGHT}" fill="#fff8f5" stroke="#d93025" stroke-width="2"/>
<text x="40" y="70" class="status">HTTP ${problem.status} · ${problem.type}</text>
${titleLines}
${detailLines}
${zhLines}
<text x="40" y="${HEIGHT - 30}" class="type">Request ${problem.requestId}</text>
</svg>`.toString();
}
