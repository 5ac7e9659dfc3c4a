/**
 * @module What the builds of the static assets share (wrangler.toml `[assets]`): where they go, a
 * safe way to write one, and the problem pages' words (`problems/<type>.json`, from
 * src/docs/problem-texts.ts), which routes/problems.ts reads through the assets binding. The words
 * are written by tools/build/openapi.ts (on install and before every `wrangler dev` and `deploy`)
 * and by vitest.config.ts before the tests, which imports only this module: none of the document's.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PROBLEM_TEXTS } from "../../src/docs/problem-texts.ts";
import { problemTextsAsset, type ProblemType } from "../../src/problem.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
export const ASSETS_DIR = `${root}node_modules/.xingtu-docs/`;

/**
 * Writes `text` to `file` unless it already holds it, through a file beside it and a rename, so that
 * a runtime (or another test run) reading the assets meanwhile sees the old file or the new one,
 * never half of one.
 */
export function writeIfChanged(file: string, text: string): void {
  try {
    if (readFileSync(file, "utf8") === text) return;
  } catch {
    // Not there yet.
  }
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, file);
}

/** Every problem type's page words, one JSON file each, where the route reads them. */
export function writeProblemTexts(dir = ASSETS_DIR): void {
  mkdirSync(`${dir}problems`, { recursive: true });
  for (const [type, texts] of Object.entries(PROBLEM_TEXTS) as [ProblemType, (typeof PROBLEM_TEXTS)[ProblemType]][]) {
    writeIfChanged(`${dir}${problemTextsAsset(type).slice(1)}`, JSON.stringify(texts));
  }
}
