/**
 * @module `GET /problems/{type}`: what each problem `type` URI names, so a URI opened from an error
 * explains itself. A short page for browsers (HTML, English with a line of Simplified Chinese),
 * JSON for everything else, both from the one list in problem.ts. No key needed, nothing spent.
 */
import { Hono } from "hono/tiny";
import { PROBLEMS, ProblemError, problemTypeUri, type ProblemType } from "../problem.ts";
import type { ProblemPage } from "../schemas/problem.ts";
import type { Bindings } from "../bindings.ts";

export const PROBLEM_PAGE_PATH = "/problems/:type";

const isProblemType = (type: string): type is ProblemType => Object.hasOwn(PROBLEMS, type);

export function problemPage(type: ProblemType): ProblemPage {
  const { status, title, meaning, action, zh } = PROBLEMS[type];
  return { type: problemTypeUri(type), title, status, meaning, action, zh };
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot" }[c]};`);
/** Escaped, with `code` spans as the texts write them. */
const prose = (text: string) => escape(text).replace(/`([^`]+)`/g, "<code>$1</code>");

function html(page: ProblemPage): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(page.title)} · Xingtu Edge</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1f2328}code{background:#f3f4f6;padding:0 .2em;border-radius:3px}.type{color:#57606a}</style>
</head>
<body>
<main>
<p class="type"><code>${escape(page.type)}</code> · HTTP ${page.status}</p>
<h1>${escape(page.title)}</h1>
<p>${prose(page.meaning)}</p>
<h2>What to do</h2>
<p>${prose(page.action)}</p>
<p lang="zh-CN">${escape(page.zh)}</p>
<p><a href="/docs">API reference</a></p>
</main>
</body>
</html>
`;
}

export function problemRoutes() {
  return new Hono<{ Bindings: Bindings }>().get(PROBLEM_PAGE_PATH, (c) => {
    const type = c.req.param("type");
    if (!isProblemType(type)) {
      throw new ProblemError("not-found", { detail: `There is no problem type /problems/${type.slice(0, 100)}.` });
    }
    const page = problemPage(type);
    const headers = { "Cache-Control": "public, max-age=3600", Vary: "Accept" };
    // Browsers ask for HTML first; curl (*/*) and API clients get the JSON.
    if (c.req.header("Accept")?.includes("text/html")) return c.html(html(page), 200, headers);
    return c.json(page, 200, headers);
  });
}
