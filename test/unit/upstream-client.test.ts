import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/config.ts";
import { fetchUpstream, type UpstreamTrace } from "../../src/upstream/client.ts";
import { buildUpstreamRequest } from "../../src/upstream/request.ts";
import { ProblemError } from "../../src/problem.ts";
import { platformRuntime } from "../../src/runtime.ts";
import { createEmulator, type Fault } from "../../tools/emulator/emulator.ts";

const TOKEN = "client-test-token-Zx81";
const query = { kolId: "1001", startDate: "2026-02-01", endDate: "2026-02-07" };

function harness(
  options: { faults?: Fault[]; env?: Record<string, string>; fetch?: (r: Request) => Promise<Response>; random?: number } = {},
) {
  const emulator = createEmulator();
  emulator.queueFaults(...(options.faults ?? []));
  const sleeps: number[] = [];
  const clock = { now: 0 };
  const trace: UpstreamTrace = { attempts: 0, billed: 0, uncertain: 0, elapsedMs: 0 };
  const config = configSchema.parse({ JUSTONEAPI_TOKEN: TOKEN, ...options.env });
  const deps = platformRuntime({
    fetch: options.fetch ?? emulator.fetch,
    now: () => clock.now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock.now += ms;
    },
    random: () => options.random ?? 0.5,
  });
  const answer = () => fetchUpstream(config, TOKEN, query, deps, trace);
  /** The call's data; fails the test on a "no data" answer. */
  const call = async () => {
    const result = await answer();
    if (result.kind !== "data") throw new Error(`expected data, got ${result.kind}`);
    return result.success;
  };
  return { answer, call, emulator, sleeps, trace };
}

async function failure(promise: Promise<unknown>): Promise<ProblemError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemError);
  return error as ProblemError;
}

describe("building the upstream request", () => {
  it("encodes every parameter instead of concatenating it", () => {
    const request = buildUpstreamRequest("https://api.justoneapi.com", "t&k=1", "kol-daily-fans", { ...query, kolId: "1&token=x" });
    const params = new URL(request.url).searchParams;
    expect(params.get("token")).toBe("t&k=1");
    expect(params.get("kolId")).toBe("1&token=x");
    expect(params.getAll("token")).toHaveLength(1);
  });

  it("sends acceptCache only as true or false", () => {
    expect(
      new URL(buildUpstreamRequest("https://a.test", "t", "kol-daily-fans", { ...query, acceptCache: true }).url).searchParams.get(
        "acceptCache",
      ),
    ).toBe("true");
    expect(
      new URL(buildUpstreamRequest("https://a.test", "t", "kol-daily-fans", { ...query, acceptCache: false }).url).searchParams.get(
        "acceptCache",
      ),
    ).toBe("false");
    expect(new URL(buildUpstreamRequest("https://a.test", "t", "kol-daily-fans", query).url).searchParams.has("acceptCache")).toBe(false);
  });

  it("never sends acceptCache to the successor's path, which never took it", () => {
    const url = new URL(buildUpstreamRequest("https://a.test", "t", "author-daily-fans", { ...query, acceptCache: true }).url);
    expect(url.pathname).toBe("/api/douyin-xingtu/gw/api/data_sp/get_author_daily_fans/v1");
    expect([...url.searchParams.keys()]).toEqual(["token", "oAuthorId", "startDate", "endDate"]);
  });
});

describe("reading the upstream's answer", () => {
  it("returns the validated body on code 0", async () => {
    const { call, trace } = harness();
    const result = await call();
    expect(result.data.daily).toHaveLength(7);
    expect(trace).toMatchObject({ attempts: 1, billed: 1, uncertain: 0 });
  });

  it("returns code 201 as a paid answer with no data", async () => {
    const { answer, trace } = harness({ faults: [{ kind: "code", code: 201 }] });
    const result = await answer();
    expect(result).toMatchObject({ kind: "no-data", raw: { code: 201, message: "No Content Available" } });
    expect(trace).toMatchObject({ attempts: 1, billed: 1 });
  });

  it('accepts code 0 sent as the string "0"', async () => {
    const { call } = harness({ faults: [{ kind: "ok", codeAsString: true }] });
    expect((await call()).raw.code).toBe("0");
  });

  it("reads a business error sent as a string code", async () => {
    const { call } = harness({ faults: [{ kind: "code", code: 600, codeAsString: true }] });
    expect((await failure(call())).problemType).toBe("upstream-permission-denied");
  });

  it("reads the business code even under HTTP 200", async () => {
    const { call } = harness({ faults: [{ kind: "code", code: 601 }] });
    expect((await failure(call())).problemType).toBe("upstream-insufficient-balance");
  });

  const finalCodes = [
    [100, "upstream-token-invalid", 502],
    [101, "upstream-token-invalid", 502],
    [202, "upstream-item-not-supported", 404],
    [404, "upstream-not-found", 502],
    [503, "upstream-unavailable", 503],
    [303, "upstream-quota-exceeded", 503],
    [400, "upstream-invalid-parameters", 400],
    [500, "upstream-internal-error", 502],
    [600, "upstream-permission-denied", 502],
    [601, "upstream-insufficient-balance", 502],
    [602, "upstream-spending-cap-reached", 502],
    [777, "upstream-unknown-code", 502],
  ] as const;
  for (const [code, type, status] of finalCodes) {
    it(`maps code ${code} to ${type} (${status}) without retrying`, async () => {
      const { call, trace, sleeps } = harness({ faults: [{ kind: "code", code, times: 5 }] });
      const error = await failure(call());
      expect(error.problemType).toBe(type);
      expect(error.status).toBe(status);
      expect(trace).toMatchObject({ attempts: 1, billed: 0 });
      expect(sleeps).toEqual([]);
    });
  }

  it("tells the operator what to fix for an account problem", async () => {
    const { call } = harness({ faults: [{ kind: "code", code: 100 }] });
    expect((await failure(call())).options.detail).toContain("wrangler secret put JUSTONEAPI_TOKEN");
  });

  it("sets Retry-After to the next Shanghai midnight on code 303", async () => {
    const { call } = harness({ faults: [{ kind: "code", code: 303 }] });
    // The harness clock starts at the epoch: 08:00 in Shanghai, 16 hours before midnight.
    expect((await failure(call())).options.retryAfterSeconds).toBe(16 * 3600);
  });

  it("rejects a body that is not JSON", async () => {
    const { call } = harness({ faults: [{ kind: "malformed" }] });
    expect((await failure(call())).problemType).toBe("upstream-invalid-response");
  });

  it("answers a billed code 0 of the wrong shape as unusable, counted billed", async () => {
    const { answer, trace } = harness({ faults: [{ kind: "wrong-shape" }] });
    expect(await answer()).toMatchObject({ kind: "unusable", reason: "its data does not have the documented shape" });
    expect(trace).toMatchObject({ attempts: 1, billed: 1, uncertain: 0 });
  });

  it("refuses to buffer a body past its size bound, and reads the code at its start: code 0 is billed", async () => {
    const { answer, trace } = harness({ faults: [{ kind: "huge" }] });
    expect(await answer()).toMatchObject({ kind: "unusable", reason: expect.stringContaining("larger than") });
    expect(trace).toMatchObject({ attempts: 1, billed: 1, uncertain: 0 });
  });

  it("counts a body past its size bound without a readable code as possibly billed", async () => {
    const huge = `{"data":"${"x".repeat(5 * 1024 * 1024)}","code":0}`;
    const { call, trace } = harness({ fetch: async () => new Response(huge) });
    const error = await failure(call());
    expect(error.problemType).toBe("upstream-invalid-response");
    expect(error.options.detail).toContain("larger than");
    expect(trace).toMatchObject({ attempts: 1, billed: 0, uncertain: 1 });
  });
});

describe("retrying", () => {
  it("retries code 301 with growing, jittered delays and then succeeds", async () => {
    const { call, trace, sleeps } = harness({ faults: [{ kind: "code", code: 301, times: 2 }] });
    await call();
    expect(trace.attempts).toBe(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]!).toBeGreaterThan(sleeps[0]!);
  });

  it("keeps jitter within half to all of each backoff step", async () => {
    const low = harness({ faults: [{ kind: "code", code: 301, times: 2 }], random: 0 });
    const high = harness({ faults: [{ kind: "code", code: 301, times: 2 }], random: 0.999 });
    await low.call();
    await high.call();
    low.sleeps.forEach((ms, i) => {
      expect(high.sleeps[i]!).toBeGreaterThan(ms);
      expect(high.sleeps[i]!).toBeLessThanOrEqual(ms * 2);
    });
  });

  it("gives up after the attempt bound with the last error", async () => {
    const { call, trace } = harness({ faults: [{ kind: "code", code: 301, times: 10 }] });
    const error = await failure(call());
    expect(error.problemType).toBe("upstream-collection-failed");
    expect(error.status).toBe(503);
    expect(error.options.retryAfterSeconds).toBeGreaterThan(0);
    expect(trace.attempts).toBe(3);
  });

  it("retries only when a whole attempt still fits the time budget", async () => {
    const { call, trace } = harness({
      faults: [{ kind: "code", code: 301, times: 10 }],
      env: { UPSTREAM_MAX_ATTEMPTS: "10", UPSTREAM_TIMEOUT_MS: "500", UPSTREAM_RETRY_BUDGET_MS: "1000" },
    });
    const error = await failure(call());
    expect(error.problemType).toBe("upstream-collection-failed");
    expect(error.options.retryAfterSeconds).toBeGreaterThan(0);
    // Delays of 187.5 ms, then 375 ms: a third attempt starting at 562.5 ms would end past 1000 ms.
    expect(trace.attempts).toBe(2);
  });

  it("retries code 302 once after a delay", async () => {
    const { call, trace, sleeps } = harness({ faults: [{ kind: "code", code: 302, times: 5 }] });
    const error = await failure(call());
    expect(error.problemType).toBe("upstream-rate-limited");
    expect(error.options.retryAfterSeconds).toBeGreaterThan(0);
    expect(trace.attempts).toBe(2);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]!).toBeGreaterThanOrEqual(1000);
  });

  it("never retries an HTTP 5xx without a code: it may have been billed", async () => {
    const { call, trace } = harness({ faults: [{ kind: "http", status: 503, times: 5 }] });
    const error = await failure(call());
    expect(error.problemType).toBe("upstream-http-error");
    expect(error.status).toBe(502);
    expect(trace).toMatchObject({ attempts: 1, uncertain: 1 });
  });

  it("honours the code in the body of an HTTP 500: code 0 is a billed success", async () => {
    const { call, trace } = harness({ faults: [{ kind: "code", code: 0, httpStatus: 500 }] });
    expect((await call()).data.daily).toHaveLength(7);
    expect(trace).toMatchObject({ attempts: 1, billed: 1 });
  });

  it("honours a retryable code under HTTP 500", async () => {
    const { call, trace } = harness({ faults: [{ kind: "code", code: 301, httpStatus: 500 }] });
    await call();
    expect(trace).toMatchObject({ attempts: 2, billed: 1 });
  });

  it("never retries a network error: the request may have been sent", async () => {
    const { call, trace } = harness({ faults: [{ kind: "network", times: 5 }] });
    expect((await failure(call())).problemType).toBe("upstream-unreachable");
    expect(trace).toMatchObject({ attempts: 1, uncertain: 1 });
  });

  it("never retries a connection reset mid-body", async () => {
    const { call, trace } = harness({ faults: [{ kind: "reset" }] });
    expect((await failure(call())).problemType).toBe("upstream-unreachable");
    expect(trace).toMatchObject({ attempts: 1, uncertain: 1 });
  });

  it("reports a timeout as 504 without retrying", async () => {
    const { call, trace } = harness({ faults: [{ kind: "slow", delayMs: 200 }], env: { UPSTREAM_TIMEOUT_MS: "20" } });
    const error = await failure(call());
    expect(error.problemType).toBe("upstream-timeout");
    expect(error.status).toBe(504);
    expect(trace.attempts).toBe(1);
  });
});

describe("the token", () => {
  it("never appears in a problem raised from any failure", async () => {
    const faults: Fault[] = [
      { kind: "code", code: 100 },
      { kind: "malformed" },
      { kind: "http", status: 500, body: TOKEN, times: 3 },
      { kind: "network", times: 3 },
    ];
    for (const fault of faults) {
      const error = await failure(harness({ faults: [fault] }).call());
      expect(JSON.stringify({ ...error.options, message: error.message })).not.toContain(TOKEN);
    }
  });

  it("is masked in the emulator's request log", async () => {
    const { call, emulator } = harness();
    await call();
    expect(JSON.stringify(emulator.requests)).not.toContain(TOKEN);
    expect(emulator.requests[0]!.token).toBe(`***(${TOKEN.length})`);
  });
});
