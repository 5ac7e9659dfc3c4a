/**
 * @module `GET /problems/{type}`: what each problem `type` URI names, so a URI opened from an error
 * explains itself. A short page for browsers (HTML, English with a line of Simplified Chinese),
 * JSON for everything else. No key needed, nothing spent.
 *
 * The page's status and title come from problem.ts; its words (docs/problem-texts.ts) are not in
 * the Worker's bundle: they are built into the static assets beside `/openapi.json`, one file per
 * type, and read here through the assets binding, so no isolate loads them to serve data. Every
 * `/problems/*` request reaches this route first (wrangler.toml `run_worker_first`): the files are
 * read only through the binding, never served at addresses of their own.
 */
import { Hono } from "hono/tiny";
import { PROBLEMS, ProblemError, problemTextsAsset, problemTypeUri, type ProblemType } from "../problem.ts";
import type { ProblemPage } from "../schemas/problem.ts";
import type { Bindings } from "../bindings.ts";

export const PROBLEM_PAGE_PATH = "/problems/:type";

const isProblemType = (type: string): type is ProblemType => Object.hasOwn(PROBLEMS, type);

type Texts = Pick<ProblemPage, "meaning" | "action" | "zh">;

const isTexts = (value: unknown): value is Texts =>
  typeof value === "object" &&
  value !== null &&
  ["meaning", "action", "zh"].every((name) => typeof (value as Record<string, unknown>)[name] === "string");

/** The type's page: its words from the assets, or the 503 `gateway-misconfigured` problem saying why not. */
export async function problemPage(assets: Fetcher | undefined, type: ProblemType, origin: string): Promise<ProblemPage> {
  const path = problemTextsAsset(type);
  const unreadable = (why: string) =>
    new ProblemError("gateway-misconfigured", {
      detail: `The page of /problems/${type} cannot be read from the static assets (${path}: ${why}). Operator: \`npm run deploy\` builds and uploads them (\`npm run openapi\` locally).`,
    });
  if (!assets) throw unreadable("the ASSETS binding is missing");
  let texts: unknown;
  try {
    const response = await assets.fetch(new URL(path, origin));
    if (!response.ok) {
      await response.body?.cancel();
      throw unreadable(`HTTP ${response.status}`);
    }
    texts = await response.json();
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    throw unreadable(error instanceof SyntaxError ? "not JSON" : "unreachable");
  }
  if (!isTexts(texts)) throw unreadable("not the page's words");
  const { status, title } = PROBLEMS[type];
  return { type: problemTypeUri(type), title, status, meaning: texts.meaning, action: texts.action, zh: texts.zh };
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
  return new Hono<{ Bindings: Bindings }>().get(PROBLEM_PAGE_PATH, async (c) => {
    const type = c.req.param("type");
    if (!isProblemType(type)) {
      throw new ProblemError("not-found", { detail: `There is no problem type /problems/${type.slice(0, 100)}.` });
    }
    const page = await problemPage(c.env.ASSETS, type, c.req.url);
    const headers = { "Cache-Control": "public, max-age=3600", Vary: "Accept" };
    // Browsers ask for HTML first; curl (*/*) and API clients get the JSON.
    if (c.req.header("Accept")?.includes("text/html")) return c.html(html(page), 200, headers);
    return c.json(page, 200, headers);
  });
}
