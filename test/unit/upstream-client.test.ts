import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/config.ts";
import { fetchUpstream, type UpstreamTrace } from "../../src/upstream/client.ts";
import { buildUpstreamRequest } from "../../src/upstream/request.ts";
import { ProblemError } from "../../src/problem.ts";
import type { LogFields } from "../../src/log.ts";
import { platformRuntime, type Runtime } from "../../src/runtime.ts";
import { createEmulator, type Fault } from "../../tools/emulator/emulator.ts";

const TOKEN = "client-test-token-Zx81";
const query = { kolId: "1001", startDate: "2026-02-01", endDate: "2026-02-07" };

function harness(
  options: {
    faults?: Fault[];
    env?: Record<string, string>;
    fetch?: (r: Request) => Promise<Response>;
    random?: number;
    /** Admits each attempt after the first (a retry, a fail-over); the default admits them all. */
    admitNext?: () => Promise<void>;
    abortAfter?: Runtime["abortAfter"];
  } = {},
) {
  const emulator = createEmulator();
  emulator.queueFaults(...(options.faults ?? []));
  const sleeps: number[] = [];
  const logs: LogFields[] = [];
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
    log: (fields) => logs.push(fields),
    ...(options.abortAfter ? { abortAfter: options.abortAfter } : {}),
  });
  const answer = () => fetchUpstream(config, TOKEN, query, deps, trace, options.admitNext);
  /** The call's data; fails the test on a "no data" answer. */
  const call = async () => {
    const result = await answer();
    if (result.kind !== "data") throw new Error(`expected data, got ${result.kind}`);
    return result.success;
  };
  return { answer, call, clock, config, deps, emulator, logs, sleeps, trace };
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
    expect((await failure(call())).options.operator).toContain("wrangler secret put JUSTONEAPI_TOKEN");
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

/** An upstream that answers every call with this JSON body (and status). */
const answering =
  (body: unknown, status = 200) =>
  async () =>
    Response.json(body, { status });

/** A billed code-0 answer for the harness's range (2026-02-01..07) with these series and fields. */
const billed = (daily: unknown[], more: Record<string, unknown> = {}) => ({ code: 0, data: { daily, delta: [], ...more } });
const day = (date: string, fans_cnt: unknown = "10") => ({ date, fans_cnt });

describe("what the upstream asks for", () => {
  it("asks for JSON", () => {
    // The request says what the gateway can read: the maker's JSON envelope.
    expect(buildUpstreamRequest("https://a.test", "t", "author-daily-fans", query).headers.get("Accept")).toBe("application/json");
  });
});

describe("answers at the size bound", () => {
  const BOUND = 4 * 1024 * 1024;

  it("reads an answer of exactly the bound in full, its declared length included", async () => {
    // A billed answer at the bound is data, not an oversized (unusable) answer.
    const json = JSON.stringify(billed([day("2026-02-01")]));
    const body = json + " ".repeat(BOUND - json.length);
    const { answer, trace } = harness({
      fetch: async () => new Response(body, { headers: { "Content-Length": String(BOUND) } }),
    });
    expect(await answer()).toMatchObject({ kind: "data", success: { data: { daily: [{ date: "2026-02-01", fans_cnt: 10 }] } } });
    expect(trace).toMatchObject({ billed: 1, uncertain: 0 });
  });

  it("looks for the code of an oversized answer only in its first kilobyte", async () => {
    // Past that, the start of the body is not an envelope that can be read: nobody can tell it was billed.
    const huge = " ".repeat(1100) + '{"code":0,"data":"' + "x".repeat(BOUND);
    const { call, trace } = harness({ fetch: async () => new Response(huge) });
    expect((await failure(call())).problemType).toBe("upstream-invalid-response");
    expect(trace).toMatchObject({ billed: 0, uncertain: 1 });
  });

  it("keeps the last code the upstream sent when a later, oversized answer has none to read", async () => {
    // The request's log line then names the code of the collection that failed before it.
    const answers = [Response.json({ code: 301, message: "Collection Failed" }), new Response("x".repeat(BOUND + 1))];
    const { call, trace } = harness({ fetch: async () => answers.shift()! });
    await failure(call());
    expect(trace).toMatchObject({ attempts: 2, lastCode: 301 });
  });
});

describe("what a failure says and what it may have cost", () => {
  it("says the path does not exist when both paths answer HTTP 404, and counts nothing paid", async () => {
    const { call, trace } = harness({ fetch: async () => new Response("Not Found", { status: 404 }) });
    const error = await failure(call());
    expect(error.problemType).toBe("upstream-api-invalid");
    expect(error.options.detail).toBe("The upstream answered HTTP 404: this path does not exist there.");
    expect(trace).toMatchObject({ attempts: 2, billed: 0, uncertain: 0 });
  });

  it("names an undocumented code, and counts the call as possibly billed", async () => {
    const { call, trace } = harness({ fetch: answering({ code: 777, message: "new" }) });
    const error = await failure(call());
    expect(error.options.detail).toBe("The upstream answered the undocumented code 777.");
    expect(trace).toMatchObject({ attempts: 1, billed: 0, uncertain: 1 });
  });

  it("gives a code without an operator's remedy its name and nothing else", async () => {
    const { call } = harness({ faults: [{ kind: "code", code: 202 }] });
    expect((await failure(call())).options.detail).toBe("The upstream answered code 202 (Item Not Supported).");
  });

  it("counts a timed-out call as possibly billed", async () => {
    // An upstream that never answers: only the attempt's timeout ends the call.
    const hanging = (request: Request) =>
      new Promise<Response>((_, reject) => request.signal.addEventListener("abort", () => reject(new Error("aborted"))));
    const { call, trace } = harness({ fetch: hanging, env: { UPSTREAM_TIMEOUT_MS: "10" } });
    expect((await failure(call())).problemType).toBe("upstream-timeout");
    expect(trace).toMatchObject({ attempts: 1, billed: 0, uncertain: 1 });
  });

  it("reads the code of an answer that carries no data at all", async () => {
    // A quota refusal sent as `{code, message}` alone is still a quota refusal (it opens the spend
    // guard), not an answer "without a business code" that may have been billed.
    const { call, trace } = harness({ fetch: answering({ code: 303, message: "Daily Quota Exceeded" }) });
    expect((await failure(call())).problemType).toBe("upstream-quota-exceeded");
    expect(trace).toMatchObject({ attempts: 1, billed: 0, uncertain: 0, lastCode: 303 });
  });

  it("keeps no request id when the maker sent none, or a null one", async () => {
    for (const requestId of [undefined, null]) {
      const { call, trace } = harness({ fetch: answering({ code: 500, message: "x", requestId }) });
      await failure(call());
      expect(trace.requestId).toBeUndefined();
    }
  });
});

describe("each attempt's timeout", () => {
  it("is cancelled once the attempt has its answer, so no timer outlives the call", async () => {
    // A timer left running outlives the call: up to UPSTREAM_TIMEOUT_MS of pending work in the
    // coordinator's Durable Object after every answer, for nothing.
    const timers = { started: 0, cancelled: 0 };
    const abortAfter = () => {
      timers.started++;
      return { signal: new AbortController().signal, cancel: () => void timers.cancelled++ };
    };
    const { call } = harness({ faults: [{ kind: "code", code: 301 }], abortAfter });
    await call();
    expect(timers).toEqual({ started: 2, cancelled: 2 });
  });
});

describe("admitting attempts", () => {
  it("asks for no admission when the first attempt answers: the caller admitted it", async () => {
    let asked = 0;
    const { call } = harness({ admitNext: async () => void asked++ });
    await call();
    expect(asked).toBe(0);
  });

  it("makes a retry only once it is admitted: a refusal ends the call after its one request", async () => {
    const refusal = new ProblemError("spend-guard-open", { detail: "the budget refuses another call" });
    const { answer, emulator } = harness({
      faults: [{ kind: "code", code: 301 }],
      admitNext: () => Promise.reject(refusal),
    });
    await expect(answer()).rejects.toBe(refusal);
    expect(emulator.requests).toHaveLength(1);
  });
});

describe("the fail-over's end", () => {
  it("calls the configured path again from the instant the fail-over ends", async () => {
    const { call, clock, config, deps, emulator } = harness({ env: { UPSTREAM_ENDPOINT: "author-daily-fans" } });
    deps.isolate.upstreamFailover = { from: config.UPSTREAM_ENDPOINT, to: "kol-daily-fans", since: 0, until: 60_000 };
    clock.now = 60_000;
    await call();
    expect(emulator.requests.map((sent) => sent.endpoint)).toEqual(["author-daily-fans"]);
  });
});

describe("reading a billed answer as far as it can be read", () => {
  it("answers a code 0 without any data as unusable, counted billed", async () => {
    const { answer, trace } = harness({ fetch: answering({ code: 0, message: "ok" }) });
    expect(await answer()).toMatchObject({ kind: "unusable", reason: "its data does not have the documented shape" });
    expect(trace).toMatchObject({ billed: 1, uncertain: 0 });
  });

  it("drops points that are not objects or whose date is not text, and serves the rest", async () => {
    const odd = [null, 7, { date: null, fans_cnt: "1" }, { date: 20260302, fans_cnt: "1" }, { date: [..."2026-02-03"], fans_cnt: "1" }];
    const { call, logs } = harness({ fetch: answering(billed([...odd, day("2026-02-04")])) });
    expect((await call()).data.daily).toEqual([{ date: "2026-02-04", fans_cnt: 10 }]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        dropped: { "without a calendar date": ["daily[0]", "daily[1]", "daily[2]", "daily[3]", "daily[4]"] },
      }),
    );
  });

  it("drops a day whose count is a list, even of one integer", async () => {
    const { call, logs } = harness({ fetch: answering(billed([day("2026-02-01", ["12"]), day("2026-02-02", [12]), day("2026-02-03")])) });
    expect((await call()).data.daily).toEqual([{ date: "2026-02-03", fans_cnt: 10 }]);
    expect(logs).toContainEqual(expect.objectContaining({ dropped: { "without a count": ["daily 2026-02-01", "daily 2026-02-02"] } }));
  });

  it("reads a rate sent as a list as absent", async () => {
    const { call } = harness({
      fetch: answering(billed([day("2026-02-01")], { fans_growth_rate: ["1.5"], fans_growth_rate_v2: { value: [2.5] } })),
    });
    const { data } = await call();
    expect(data.fans_growth_rate).toBeUndefined();
    expect(data.fans_growth_rate_v2).toBeUndefined();
  });

  it("drops the days outside the range asked for, from what it serves and from what it passes on", async () => {
    const { call, logs } = harness({
      fetch: answering(billed([day("2026-01-31"), day("2026-02-01"), day("2026-02-07"), day("2026-02-08")])),
    });
    const success = await call();
    expect(success.data.daily.map((point) => point.date)).toEqual(["2026-02-01", "2026-02-07"]);
    expect((success.raw.data as { daily: { date: string }[] }).daily.map((point) => point.date)).toEqual(["2026-02-01", "2026-02-07"]);
    expect(logs).toContainEqual(
      expect.objectContaining({ dropped: { "outside the asked range": ["daily 2026-01-31", "daily 2026-02-08"] } }),
    );
  });
});
