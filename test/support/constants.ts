/** A distinctive token, so a leak scan can search every output for it. */
export const TEST_UPSTREAM_TOKEN = "upstream-secret-7Qm2xZ9k";

/** The Worker secret WEBHOOK_SIGNING_SECRET in tests. */
export const TEST_SIGNING_SECRET = "test-signing-secret-9f3Kq2LmZ";

/** The host of the webhook receiver that vitest.config.ts runs beside workerd. */
export const RECEIVER_HOST = "receiver.test";

/** Requests per minute the standard tier allows in tests (vitest.config.ts). */
export const TEST_STANDARD_LIMIT = 10;

/** Failed authentication attempts per address per minute in tests (vitest.config.ts). */
export const TEST_AUTH_FAILURE_LIMIT = 5;

declare module "vitest" {
  export interface ProvidedContext {
    /** Cases per property test (FUZZ_RUNS). */
    fuzzRuns: number;
    /** Requests per spend-floor replay (SPEND_FLOOR_REQUESTS). */
    spendFloorRequests: number;
  }
}
