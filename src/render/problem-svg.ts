/**
 * @module A problem as an image, for the chart routes: an `<img>` (a report, a chat message, a
 * spreadsheet's picture cell) shows nothing but a broken-image icon for a JSON error, so a chart
 * route answers its errors as a chart-sized SVG that says, in English and Simplified Chinese, what
 * went wrong and what to do, with the same status and headers as the problem+json it stands for.
 */
import { html } from "hono/html";
import type { Problem } from "../schemas/problem.ts";
import { FONTS, HEIGHT, WIDTH } from "./chart.ts";

const LINE_CHARS = 84;
const MAX_LINES = 6;

/** `text` broken at spaces into lines of at most LINE_CHARS, MAX_LINES at most (the last cut with an ellipsis). */
function wrapped(text: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > LINE_CHARS) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES - 1), `${lines[MAX_LINES - 1]!.slice(0, LINE_CHARS - 1)}…`] : lines;
}

/** `zh`: the problem's one line of Simplified Chinese, when it could be read (its page's words). */
export function problemSvg(problem: Problem, zh: string | null): string {
  // The detail's `code` marks are for Markdown readers; in an image they are noise.
  const detail = wrapped(problem.detail.replace(/`/g, ""));
  const lines = detail.map((line, i) => html`<text x="40" y="${150 + i * 24}" class="detail">${line}</text>`);
  const zhY = 150 + detail.length * 24 + 20;
  return html`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="title desc" font-family="${FONTS}">
<title id="title">${problem.title} (HTTP ${problem.status})</title>
<desc id="desc">${problem.detail}</desc>
<style>.title{font-size:22px;font-weight:600;fill:#1f2328}.status{font-size:14px;fill:#57606a}.detail{font-size:15px;fill:#1f2328}.zh{font-size:15px;fill:#1f2328}.type{font-size:13px;fill:#57606a}</style>
<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff8f5" stroke="#d93025" stroke-width="2"/>
<text x="40" y="70" class="status">HTTP ${problem.status} · ${problem.type}</text>
<text x="40" y="106" class="title">${problem.title}</text>
${lines}
${zh ? html`<text x="40" y="${zhY}" class="zh" lang="zh-CN">${zh}</text>` : ""}
<text x="40" y="${HEIGHT - 30}" class="type">Request ${problem.requestId}</text>
</svg>`.toString();
}
