import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { createEmulator } from "./src/emulator/emulator";
import { TEST_UPSTREAM_TOKEN } from "./test/support/constants";

// The real entry's outbound fetches (the upstream) reach this emulator, running beside workerd:
// no test can reach the network, and end-to-end tests exercise the deployed code path.
const emulator = createEmulator();

export default defineConfig({
  test: {
    teardownTimeout: 10_000,
    // CI also writes a JSON report, from which .ci/run prints a plain "N passed, N failed" line.
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".wrangler/test-results.json" },
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: { JUSTONEAPI_TOKEN: TEST_UPSTREAM_TOKEN },
              // Miniflare hands Node's undici Request; the emulator only uses its standard surface.
              outboundService: (request) => emulator.fetch(request as unknown as Request),
            },
          }),
        ],
        test: {
          name: "workers",
          include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
          // Property tests run FUZZ_RUNS cases each: a quick count by default, 10000 in `npm run test:fuzz`.
          provide: { fuzzRuns: Number(process.env.FUZZ_RUNS ?? 150) },
        },
      },
      {
        // Checks that need Node itself: building the deployable bundle with wrangler.
        test: { name: "node", include: ["test/node/**/*.test.ts"], environment: "node", testTimeout: 120_000 },
      },
    ],
  },
});
