/**
 * @module Builds `/openapi.json` before the Worker runs, into the static assets directory
 * (wrangler.toml `[assets]`), with the `_headers` that let any origin read it. Run by `npm install`
 * (after the docs assets are laid out) and by wrangler before every `dev` and `deploy`
 * (`[build] command`), so the document always matches the code it describes.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openApiDocument } from "../../src/docs/openapi.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
export const ASSETS_DIR = `${root}node_modules/.xingtu-docs/`;

export function writeOpenApi(dir = ASSETS_DIR): void {
  const { version } = JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { version: string };
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}openapi.json`, JSON.stringify(openApiDocument(version)));
  writeFileSync(`${dir}_headers`, "/openapi.json\n  Access-Control-Allow-Origin: *\n  Cache-Control: public, max-age=300\n");
}

if (import.meta.url === `file://${process.argv[1]}`) writeOpenApi();
