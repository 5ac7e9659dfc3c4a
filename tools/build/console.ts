/**
 * @module Builds the console (packages/console) into the static assets (wrangler.toml `[assets]`):
 * `index.html` at `/` and its script and styles under `/console/`, bundled with esbuild (Hono's own
 * JSX for the DOM: no framework beyond the one the gateway already ships). Static files only, so the
 * Worker's bundle and start-up carry none of it. Run with the document's build (tools/build/openapi.ts).
 */
import { buildSync } from "esbuild";
import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ASSETS_DIR, writeIfChanged } from "./assets.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const source = `${root}packages/console/`;

export function writeConsole(dir = ASSETS_DIR): void {
  mkdirSync(`${dir}console`, { recursive: true });
  const built = buildSync({
    entryPoints: [`${source}src/main.tsx`],
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "hono/jsx/dom",
    write: false,
    legalComments: "none",
  });
  writeIfChanged(`${dir}console/app.js`, built.outputFiles[0]!.text);
  writeIfChanged(`${dir}console/app.css`, readFileSync(`${source}src/app.css`, "utf8"));
  writeIfChanged(`${dir}index.html`, readFileSync(`${source}index.html`, "utf8"));
}

if (import.meta.url === `file://${process.argv[1]}`) writeConsole();
