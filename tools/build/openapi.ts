/**
 * @module Builds `/openapi.json` before the Worker runs, into the static assets directory
 * (wrangler.toml `[assets]`), with the `_headers` that let any origin read it, and lays out the
 * `/docs` page's own files beside Swagger UI's. Run by `npm install` (after Swagger UI's files are
 * laid out) and by wrangler before every `dev` and `deploy` (`[build] command`), so the document
 * and the page always match the code they describe.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openApiDocument } from "../../src/docs/openapi.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
export const ASSETS_DIR = `${root}node_modules/.xingtu-docs/`;

export function writeOpenApi(dir = ASSETS_DIR): void {
  const { version } = JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { version: string };
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}openapi.json`, JSON.stringify(openApiDocument(version)));
  writeFileSync(`${dir}_headers`, "/openapi.json\n  Access-Control-Allow-Origin: *\n  Cache-Control: public, max-age=300\n");
  mkdirSync(`${dir}docs`, { recursive: true });
  for (const file of ["index.html", "init.js"]) copyFileSync(`${root}src/docs/${file}`, `${dir}docs/${file}`);
}

if (import.meta.url === `file://${process.argv[1]}`) writeOpenApi();
