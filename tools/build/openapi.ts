/**
 * @module Builds `/openapi.json` before the Worker runs, into the static assets directory
 * (wrangler.toml `[assets]`), with the `_headers` that let any origin read it, lays out the
 * `/docs` page's own files beside Swagger UI's, and writes each problem type's page words
 * (`problems/<type>.json`, tools/build/assets.ts). Run by `npm install` (after Swagger UI's files
 * are laid out) and by wrangler before every `dev` and `deploy` (`[build] command`), so the
 * document, the page and the words always match the code they describe.
 */
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openApiDocument } from "../../src/docs/openapi.ts";
import { ASSETS_DIR, writeIfChanged, writeProblemTexts } from "./assets.ts";
import { writeConsole } from "./console.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The static assets' headers: the document readable from any origin; the console (at `/`) held to
 * this origin's own scripts and calls, never framed, its key never sent in a Referer. */
const HEADERS = [
  "/openapi.json",
  "  Access-Control-Allow-Origin: *",
  "  Cache-Control: public, max-age=300",
  "/",
  "  Content-Security-Policy: default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  "  Referrer-Policy: no-referrer",
  "  X-Content-Type-Options: nosniff",
  "/console/*",
  "  X-Content-Type-Options: nosniff",
  "",
].join("\n");

export function writeOpenApi(dir = ASSETS_DIR): void {
  const { version } = JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { version: string };
  mkdirSync(dir, { recursive: true });
  writeIfChanged(`${dir}openapi.json`, JSON.stringify(openApiDocument(version)));
  writeIfChanged(`${dir}_headers`, HEADERS);
  mkdirSync(`${dir}docs`, { recursive: true });
  for (const file of ["index.html", "init.js"]) copyFileSync(`${root}src/docs/${file}`, `${dir}docs/${file}`);
  writeProblemTexts(dir);
  // The console at `/`: static files beside the document (tools/build/console.ts).
  writeConsole(dir);
}

if (import.meta.url === `file://${process.argv[1]}`) writeOpenApi();
