import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { createEmulator } from "./tools/emulator/emulator.ts";
import { writeProblemTexts } from "./tools/build/assets.ts";
import {
  RECEIVER_HOST,
  TEST_AUTH_FAILURE_LIMIT,
  TEST_SIGNING_SECRET,
  TEST_STANDARD_LIMIT,
  TEST_UPSTREAM_TOKEN,
} from "./test/support/constants.ts";

// The problem pages' words are static assets (wrangler.toml `[assets]`, read through the ASSETS
// binding): written from the code before every run, as wrangler does before `dev` and `deploy`.
writeProblemTexts();

// The real entry's outbound fetches reach this process: the upstream's host goes to the emulator,
// receiver.test to a webhook receiver that records what it gets. No test can reach the network,
// and end-to-end tests exercise the deployed code path, local Queues included.
const emulator = createEmulator();
const received: { headers: Record<string, string>; body: string }[] = [];

async function outbound(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.hostname !== RECEIVER_HOST) return emulator.fetch(request);
  if (url.pathname === "/__received") return Response.json(received);
  received.push({ headers: Object.fromEntries(request.headers), body: await request.text() });
  return new Response(null, { status: 204 });
}

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
              bindings: {
                JUSTONEAPI_TOKEN: TEST_UPSTREAM_TOKEN,
                WEBHOOK_SIGNING_SECRET: TEST_SIGNING_SECRET,
                CALLBACK_HOSTS: RECEIVER_HOST,
              },
              // Small, known limits, so a test can reach the standard tier's in a few requests;
              // test clients use the bulk tier unless a test is about limits.
              ratelimits: {
                RATE_LIMIT_STANDARD: { namespace_id: "1001", simple: { limit: TEST_STANDARD_LIMIT, period: 60 } },
                RATE_LIMIT_BULK: { namespace_id: "1002", simple: { limit: 1_000_000, period: 60 } },
                RATE_LIMIT_AUTH_FAILURES: { namespace_id: "1003", simple: { limit: TEST_AUTH_FAILURE_LIMIT, period: 60 } },
              },
              // Miniflare hands Node's undici Request; the emulator only uses its standard surface.
              outboundService: (request) => outbound(request as unknown as Request),
              // The MCP Worker is not part of this runtime: tests that use it bind MCP to its handler
              // themselves (test/integration/mcp.test.ts), with the test gateway as its GATEWAY.
              serviceBindings: { MCP: () => new Response("the MCP Worker is bound per test", { status: 503 }) },
            },
          }),
        ],
        test: {
          name: "workers",
          // Rate-limit tests may wait up to 10 s for a fresh window (test/support/rate-window.ts).
          testTimeout: 30_000,
          include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
          // Property tests run FUZZ_RUNS cases each: a quick count by default, 10000 in `npm run test:fuzz`.
          // The spend-floor replays' size: a quick one by default, the bench's own in `npm run bench`.
          provide: { fuzzRuns: Number(process.env.FUZZ_RUNS ?? 150), spendFloorRequests: Number(process.env.SPEND_FLOOR_REQUESTS ?? 1000) },
        },
      },
      {
        // Checks that need Node itself: building the deployable bundle with wrangler.
        test: { name: "node", include: ["test/node/**/*.test.ts"], environment: "node", testTimeout: 120_000 },
      },
      {
        // The local run (npm start) driven by Debian's Chromium: the docs page and the SVG chart.
        test: { name: "browser", include: ["test/browser/**/*.test.ts"], environment: "node", testTimeout: 60_000, hookTimeout: 120_000 },
      },
    ],
  },
});
