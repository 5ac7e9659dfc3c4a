/**
 * Property tests over what a client controls: paths, query strings and headers, with random
 * upstream faults behind them. Whatever arrives, the gateway answers with a documented status,
 * every error is a valid problem+json, and no secret appears in any output.
 */
import fc from "fast-check";
import { describe, expect, inject, it } from "vitest";
import { env } from "cloudflare:workers";
import { makeGateway, uniqueKol } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import { TEST_STANDARD_LIMIT } from "../support/constants.ts";
import { startInOneRateWindow } from "../support/rate-window.ts";
import { PROBLEMS } from "../../src/problem.ts";
import { problemSchema } from "../../src/schemas/problem.ts";
import type { Fault } from "../../tools/emulator/emulator.ts";
import { ENDPOINT_NAMES, UPSTREAM_ENDPOINTS } from "../../src/upstream/request.ts";

const RUNS = inject("fuzzRuns");
// Long mode (10,000 cases) needs more than vitest's default 5 s per property.
const TIMEOUT_MS = Math.max(5_000, RUNS * 5);
const DOCUMENTED_5XX = new Set<number>(
  Object.values(PROBLEMS)
    .map((p) => p.status)
    .filter((status) => status >= 500),
);
DOCUMENTED_5XX.delete(500);

const gateway = makeGateway({ env: { UPSTREAM_TIMEOUT_MS: "30" } });
const token = String(gateway.env.JUSTONEAPI_TOKEN);

const isoDate = fc
  .date({ min: new Date("2024-01-01T00:00:00Z"), max: new Date("2026-03-12T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
// Before MIN_DATE (2018-01-01): refused, never forwarded.
const ancientDate = fc
  .date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2017-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const dateLike = fc.oneof(
  isoDate,
  ancientDate,
  fc.constantFrom("2026-02-30", "2026-13-01", "0000-00-00", "2026-3-1", "2099-01-01", ""),
  fc.string({ maxLength: 12 }),
);
const kolLike = fc.oneof(
  fc.stringMatching(/^[0-9]{1,32}$/),
  fc.string({ maxLength: 40 }),
  fc.constantFrom("1&token=x", "1%26token%3Dx", "999301", "../../healthz"),
);
const paramName = fc.oneof(
  fc.constantFrom("kolId", "oAuthorId", "startDate", "endDate", "acceptCache", "token", "format", ""),
  fc.string({ maxLength: 10 }),
);
const paramValue = fc.oneof(dateLike, kolLike, fc.constantFrom("true", "false", "1", "0", "yes"), fc.string({ maxLength: 20 }));
const extraParams = fc.array(fc.tuple(paramName, paramValue), { maxLength: 4 });

const fault: fc.Arbitrary<Fault | null> = fc.option(
  fc.oneof(
    fc
      .constantFrom(0, 100, 101, 201, 202, 300, 301, 302, 303, 400, 404, 500, 503, 600, 601, 602, 777)
      .map((code): Fault => ({ kind: "code", code, times: 3 })),
    fc.constantFrom(0, 301, 500).map((code): Fault => ({ kind: "code", code, httpStatus: 500, times: 3 })),
    fc.constantFrom<Fault>(
      { kind: "malformed" },
      { kind: "truncated" },
      { kind: "wrong-shape" },
      { kind: "mismatch" },
      { kind: "reset", times: 3 },
      { kind: "network", times: 3 },
      { kind: "http", status: 503, times: 3 },
      { kind: "http", status: 404, times: 3 },
      { kind: "slow", delayMs: 100 },
    ),
  ),
  { nil: null },
);

function query(params: [string, string][]): string {
  const search = new URLSearchParams();
  for (const [name, value] of params) search.append(name, value);
  return search.toString();
}

async function checkAnswer(response: Response): Promise<void> {
  const text = await response.text();
  const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
  expect(`${headers}\n${text}\n${JSON.stringify(gateway.logs)}`).not.toContain(token);
  gateway.logs.length = 0;
  const status = response.status;
  expect(status === 500 || (status >= 500 && !DOCUMENTED_5XX.has(status)), `undocumented ${status}: ${text}`).toBe(false);
  if (status >= 400 && response.headers.get("Content-Type") === "image/svg+xml; charset=utf-8") {
    // A chart's error is an image of the problem (render/problem-svg.ts), naming its request.
    expect(text).toMatch(/^<svg /);
    expect(text).toContain(`Request ${response.headers.get("X-Request-Id")}`);
  } else if (status >= 400) {
    expect(response.headers.get("Content-Type")).toBe("application/problem+json");
    const problem = problemSchema.parse(JSON.parse(text));
    expect(problem.status).toBe(status);
    expect(problem.requestId).toBe(response.headers.get("X-Request-Id"));
  }
}

async function withFault(next: Fault | null, send: () => Promise<Response>): Promise<void> {
  if (next) gateway.emulator.queueFaults(next);
  await checkAnswer(await send());
  gateway.emulator.reset();
  await gateway.clearGuard();
}

describe("fuzzing", () => {
  it(
    "answers any query string on the trend route with a documented status",
    async () => {
      await fc.assert(
        fc.asyncProperty(kolLike, dateLike, dateLike, extraParams, fault, async (kolId, startDate, endDate, extra, next) => {
          const params: [string, string][] = [["startDate", startDate], ["endDate", endDate], ...extra];
          await withFault(next, () => gateway.request(`/v1/kols/${encodeURIComponent(kolId)}/daily-fans?${query(params)}`));
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  for (const endpoint of ENDPOINT_NAMES) {
    const { path, idParam } = UPSTREAM_ENDPOINTS[endpoint];
    it(
      `answers any query string on the ${endpoint} drop-in route with a documented status`,
      async () => {
        await fc.assert(
          fc.asyncProperty(kolLike, dateLike, dateLike, extraParams, fault, async (kolId, startDate, endDate, extra, next) => {
            const params: [string, string][] = [
              [idParam, kolId],
              ["startDate", startDate],
              ["endDate", endDate],
              ["token", token],
              ...extra,
            ];
            await withFault(next, () => gateway.request(`${path}?${query(params)}`));
          }),
          { numRuns: RUNS },
        );
      },
      TIMEOUT_MS,
    );
  }

  it(
    "answers any path with a documented status",
    async () => {
      const segment = fc.oneof(
        fc.constantFrom("v1", "kols", "daily-fans", "api", "healthz", "..", "%2e%2e", "%00"),
        fc.string({ maxLength: 12 }).map(encodeURIComponent),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(segment, { maxLength: 6 }), async (segments) => {
          await checkAnswer(await gateway.request(`/${segments.join("/")}?startDate=2026-03-01&endDate=2026-03-02`));
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    "answers any webhook body with a documented status",
    async () => {
      const value = fc.oneof(
        dateLike,
        kolLike,
        fc.boolean(),
        fc.integer(),
        fc.constant(null),
        fc.string({ maxLength: 30 }),
        fc.constantFrom(
          "https://receiver.test/x",
          "http://127.0.0.1/x",
          "https://10.0.0.1/x",
          "https://receiver.test:6379/x",
          "http://127.0.0.1:8788/__emulator/reset",
        ),
        fc.array(kolLike, { maxLength: 3 }),
      );
      const body = fc.oneof(
        fc.record({ kolId: kolLike, startDate: dateLike, endDate: dateLike }, { requiredKeys: [] }),
        fc.dictionary(paramName, value, { maxKeys: 6 }),
        fc.jsonValue(),
      );
      const raw = fc.oneof(
        body.map((b) => JSON.stringify(b)),
        fc.string({ maxLength: 60 }),
      );
      const contentType = fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", "");
      const encoding = fc.constantFrom(undefined, "gzip", "identity", "br");
      await fc.assert(
        fc.asyncProperty(raw, contentType, encoding, extraParams, fault, async (text, type, coding, params, next) => {
          const headers: Record<string, string> = {};
          if (type) headers["Content-Type"] = type;
          if (coding) headers["Content-Encoding"] = coding;
          const search = params.length > 0 ? `?${query(params)}` : "";
          await withFault(next, () => gateway.request(`/v1/webhooks/daily-fans${search}`, { method: "POST", body: text, headers }));
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    "answers any roster request (names, methods, bodies, ranges) with a documented status",
    async () => {
      const name = fc.oneof(
        fc.constantFrom("team", "a.b-c_d", "-bad", "x".repeat(65), "%2e%2e", ""),
        fc.string({ maxLength: 12 }).map(encodeURIComponent),
      );
      const ids = fc.oneof(fc.array(kolLike, { maxLength: 3 }), fc.constant([]), fc.jsonValue());
      const body = fc.oneof(
        fc.record(
          { kolIds: ids, startDate: dateLike, endDate: dateLike, format: fc.constantFrom("json", "csv", "xml") },
          { requiredKeys: [] },
        ),
        fc.dictionary(paramName, fc.oneof(ids, dateLike), { maxKeys: 4 }),
        fc.jsonValue(),
      );
      const route = fc.oneof(
        fc.tuple(fc.constantFrom("PUT", "GET", "DELETE", "POST"), name, fc.constant("")),
        fc.tuple(fc.constantFrom("POST", "GET"), name, fc.constant("/kols")),
        fc.tuple(
          fc.constantFrom("DELETE", "PUT"),
          name,
          kolLike.map((kolId) => `/kols/${encodeURIComponent(kolId)}`),
        ),
        fc.tuple(fc.constant("GET"), name, fc.constantFrom("/daily-fans", "/daily-fans.svg")),
        fc.tuple(fc.constantFrom("POST", "GET"), fc.constant(""), fc.constant("../kols/daily-fans")),
      );
      await fc.assert(
        fc.asyncProperty(
          route,
          body,
          dateLike,
          dateLike,
          extraParams,
          fault,
          async ([method, roster, suffix], payload, startDate, endDate, extra, next) => {
            const search = suffix.startsWith("/daily-fans") ? `?${query([["startDate", startDate], ["endDate", endDate], ...extra])}` : "";
            const init: RequestInit =
              method === "PUT" || method === "POST"
                ? { method, body: JSON.stringify(payload), headers: { "Content-Type": "application/json" } }
                : { method };
            await withFault(next, () => gateway.request(`/v1/rosters/${roster}${suffix}${search}`, init));
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    "answers any request headers with a documented status",
    async () => {
      const headerName = fc.oneof(
        fc.constantFrom(
          "Cache-Control",
          "Pragma",
          "Xingtu-Refresh",
          "If-None-Match",
          "X-Request-Id",
          "Authorization",
          "Accept",
          "Cookie",
          "CF-Connecting-IP",
        ),
        fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/),
      );
      const headerValue = fc.oneof(
        fc.constantFrom("no-cache", "max-age=0", "live", "settled", "*", '"abc"', 'W/"x"', "a\tb", "Bearer xte_wrong", "203.0.113.9"),
        fc.stringMatching(/^[\x20-\x7e]{0,40}$/),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(headerName, headerValue), { maxLength: 5 }), fault, async (pairs, next) => {
          const headers = new Headers();
          for (const [name, value] of pairs) headers.append(name, value);
          await withFault(next, () => gateway.request(`/v1/kols/123456/daily-fans?startDate=2026-03-01&endDate=2026-03-07`, { headers }));
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    "never makes more upstream calls than the key, the budget and the rate limit allowed",
    async () => {
      const spending = fc.constantFrom<Fault>(
        { kind: "slow", delayMs: 100 },
        { kind: "reset" },
        { kind: "huge" },
        { kind: "code", code: 301 },
        { kind: "code", code: 302 },
        { kind: "code", code: 201 },
        { kind: "ok" },
      );
      const bounds = fc.record({
        budget: fc.integer({ min: 1, max: 12 }),
        keyLimit: fc.integer({ min: 1, max: 12 }),
        standard: fc.boolean(),
        misses: fc.integer({ min: 1, max: 12 }),
        faults: fc.array(spending, { maxLength: 16 }),
      });
      await fc.assert(
        fc.asyncProperty(bounds, async ({ budget, keyLimit, standard, misses, faults }) => {
          // Each run is short (under a second): it needs only a few seconds of one window.
          await startInOneRateWindow(3_000);
          const bounded = makeGateway({ env: { UPSTREAM_TIMEOUT_MS: "30", UPSTREAM_DAILY_BUDGET: String(budget) } });
          const { key, record } = await createTestKey(env.KEYS, { tier: standard ? "standard" : "bulk", dailyUpstreamCalls: keyLimit });
          bounded.emulator.queueFaults(...faults);
          const path = () => `/v1/kols/${uniqueKol()}/daily-fans?startDate=2026-03-01&endDate=2026-03-05`;
          await Promise.all(Array.from({ length: misses }, () => bounded.request(path(), { as: key })));
          const calls = bounded.emulator.requests;
          expect(calls.length).toBeLessThanOrEqual(budget);
          // The key's own ledger (its /v1/usage may itself be past the rate limit by now).
          const usage = await env.KEY_LEDGER.get(env.KEY_LEDGER.idFromName(record.name)).usage("2026-03-10");
          expect(usage.billed + usage.uncertain).toBeLessThanOrEqual(keyLimit);
          // Each miss that called weighed two against the tier's window: itself and its call.
          if (standard) expect(new Set(calls.map((call) => call.kolId)).size).toBeLessThanOrEqual(Math.floor(TEST_STANDARD_LIMIT / 2));
        }),
        { numRuns: Math.max(15, RUNS / 10) },
      );
    },
    TIMEOUT_MS * 4,
  );
});
