/**
 * @module Lays out the static assets of the `/docs` page (wrangler.toml `[assets]`): Swagger UI's
 * bundle, copied from the installed package so that no page ever loads anything from a third-party
 * CDN, then our page and the document (tools/build/openapi.ts). Runs after every install
 * (`postinstall`); the output is not committed.
 */
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { writeOpenApi } from "../build/openapi.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const out = `${root}node_modules/.xingtu-docs/docs/`;
const swagger = `${root}node_modules/swagger-ui-dist/`;

rmSync(`${root}node_modules/.xingtu-docs`, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"])
  copyFileSync(`${swagger}${file}`, `${out}${file === "LICENSE" ? "swagger-ui-LICENSE.txt" : file}`);
// The page's own files and the document it shows, built from the code (tools/build/openapi.ts, also
// run by wrangler before every `dev` and `deploy`).
writeOpenApi();
