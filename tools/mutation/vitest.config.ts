/**
 * The workers project of the suite (vitest.config.ts), narrowed to the test files a mutation
 * group names in MUTATION_TESTS: Stryker runs, for each mutant, the tests of these files that
 * cover it, and stops at the first that fails.
 */
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import suite from "../../vitest.config.ts";

const projects = (suite.test?.projects ?? []) as TestProjectInlineConfiguration[];
const workers = projects.find((project) => project.test?.name === "workers");
if (!workers) throw new Error("vitest.config.ts has no workers project");
const include = (process.env.MUTATION_TESTS ?? "").split(",").filter(Boolean);
if (include.length === 0) throw new Error("MUTATION_TESTS names no test file (run `npm run test:mutation`)");

export default defineConfig({
  test: { ...suite.test, reporters: ["default"], projects: [{ ...workers, test: { ...workers.test, include } }] },
});
