/**
 * The OpenAPI document against Redocly's recommended rules: no error and no warning. (Node-side,
 * for the linter; the document's own tests are in openapi.test.ts, checked with the Worker's types.)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../src/docs/openapi.ts";

const document = openApiDocument("0.0.0-test");

describe("the OpenAPI document", () => {
  it("passes redocly lint (its recommended rules) with no error and no warning", () => {
    const dir = mkdtempSync(join(tmpdir(), "xingtu-openapi-"));
    try {
      const file = join(dir, "openapi.json");
      writeFileSync(file, JSON.stringify(document));
      // Offline and quiet: no telemetry, no update check.
      const run = () =>
        execFileSync(process.execPath, ["node_modules/@redocly/cli/bin/cli.js", "lint", file, "--format", "json"], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
          env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", CI: "true" },
        });
      let output: string;
      try {
        output = run();
      } catch (error) {
        output = (error as { stdout: string }).stdout;
      }
      const report = JSON.parse(output) as {
        totals: { errors: number; warnings: number };
        problems: { ruleId: string; message: string }[];
      };
      expect(report.problems.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
