import { describe, expect, it } from "vitest";
import { dropInPath, makeGateway, trendPath, uniqueKol } from "../support/gateway";
import type { Fault } from "../../src/emulator/emulator";

const RANGE = ["2026-03-01", "2026-03-05"] as const;

interface Expectation {
  fault: Fault;
  status: number;
  type: string;
  retryAfter?: boolean;
}

const matrix: Record<string, Expectation> = {
  "code 100": { fault: { kind: "code", code: 100 }, status: 502, type: "upstream-token-invalid" },
  "code 301 after retries": { fault: { kind: "code", code: 301, times: 9 }, status: 503, type: "upstream-collection-failed", retryAfter: true },
  "code 302": { fault: { kind: "code", code: 302, times: 9 }, status: 503, type: "upstream-rate-limited", retryAfter: true },
  "code 303": { fault: { kind: "code", code: 303 }, status: 503, type: "upstream-quota-exceeded", retryAfter: true },
  "code 400": { fault: { kind: "code", code: 400 }, status: 400, type: "upstream-invalid-parameters" },
  "code 500": { fault: { kind: "code", code: 500 }, status: 502, type: "upstream-internal-error" },
  "code 600": { fault: { kind: "code", code: 600 }, status: 502, type: "upstream-permission-denied" },
  "code 601": { fault: { kind: "code", code: 601 }, status: 502, type: "upstream-insufficient-balance" },
  "code 602": { fault: { kind: "code", code: 602 }, status: 502, type: "upstream-spending-cap-reached" },
  "an unknown code": { fault: { kind: "code", code: 999 }, status: 502, type: "upstream-unknown-code" },
  "HTTP 503 with HTML": { fault: { kind: "http", status: 503, times: 9 }, status: 502, type: "upstream-http-error" },
  "malformed JSON": { fault: { kind: "malformed" }, status: 502, type: "upstream-invalid-response" },
  "truncated JSON": { fault: { kind: "truncated" }, status: 502, type: "upstream-invalid-response" },
  "JSON of the wrong shape": { fault: { kind: "wrong-shape" }, status: 502, type: "upstream-invalid-response" },
  "a huge body": { fault: { kind: "huge" }, status: 502, type: "upstream-invalid-response" },
  "repeated network errors": { fault: { kind: "network", times: 9 }, status: 502, type: "upstream-unreachable" },
  "a timeout": { fault: { kind: "slow", delayMs: 500 }, status: 504, type: "upstream-timeout" },
};

describe("upstream failures through the gateway", () => {
  for (const [name, expected] of Object.entries(matrix)) {
    it(`answers ${expected.status} ${expected.type} for ${name}`, async () => {
      const gateway = makeGateway({ env: { UPSTREAM_TIMEOUT_MS: "50" } });
      gateway.emulator.queueFaults(expected.fault);
      const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
      expect(response.status).toBe(expected.status);
      expect(response.headers.get("Content-Type")).toBe("application/problem+json");
      const problem = await response.json<Record<string, unknown>>();
      expect(problem).toMatchObject({ type: `/problems/${expected.type}`, status: expected.status });
      expect(problem.requestId).toBe(response.headers.get("X-Request-Id"));
      expect(problem).not.toHaveProperty("stack");
      if (expected.retryAfter) expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
      else expect(response.headers.has("Retry-After")).toBe(false);
    });
  }

  it("logs the request id of the failure it answered", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 601 });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(gateway.logs).toContainEqual(
      expect.objectContaining({ requestId: response.headers.get("X-Request-Id"), status: 502, upstream: expect.objectContaining({ code: 601 }) }),
    );
  });

  it("gives upstream-style clients the upstream's own code on the drop-in route", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 303 });
    const response = await gateway.request(dropInPath(uniqueKol(), ...RANGE));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 303, type: "/problems/upstream-quota-exceeded", message: expect.stringContaining("303") });
  });

  it("serves a daily/delta mismatch with nulls rather than invented values", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "mismatch" });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    const body = await response.json<{ series: { date: string; fans: number | null; delta: number | null }[] }>();
    expect(body.series[0]).toMatchObject({ date: "2026-03-01", fans: null });
    expect(body.series[4]).toMatchObject({ date: "2026-03-05", delta: null });
    expect(body.series.filter((p) => p.fans !== null && p.delta !== null)).toHaveLength(3);
  });
});
