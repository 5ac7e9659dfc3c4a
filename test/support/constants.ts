/** A distinctive token, so a leak scan can search every output for it. */
export const TEST_UPSTREAM_TOKEN = "upstream-secret-7Qm2xZ9k";

declare module "vitest" {
  export interface ProvidedContext {
    /** Cases per property test (FUZZ_RUNS). */
    fuzzRuns: number;
  }
}
