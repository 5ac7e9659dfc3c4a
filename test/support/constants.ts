/** A distinctive token, so a leak scan can search every output for it. */
export const TEST_UPSTREAM_TOKEN = "upstream-secret-7Qm2xZ9k";

/** Requests per minute the standard tier allows in tests (vitest.config.ts). */
export const TEST_STANDARD_LIMIT = 10;

declare module "vitest" {
  export interface ProvidedContext {
    /** Cases per property test (FUZZ_RUNS). */
    fuzzRuns: number;
  }
}
