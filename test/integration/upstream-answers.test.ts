/**
 * What a client and the operator see of each kind of upstream answer, beyond its problem type:
 * the problem's detail and Retry-After, what was paid (Xingtu-Upstream-* headers, the request's
 * log line), how long the gateway waited between attempts, which path it called, and the log
 * lines that tell the operator about a billed answer it could not fully use.
 */
import { reset } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol } from "../support/gateway.ts";
import type { LogFields } from "../../src/log.ts";
import { otherEndpoint, type UpstreamEndpoint } from "../../src/upstream/request.ts";

// Quota and balance codes open the account's spend guard: each test starts with it closed.
afterEach(() => reset());

const RANGE = ["2026-03-01", "2026-03-05"] as const;
const BIG = 5 * 1024 * 1024;
const CONFIGURED: UpstreamEndpoint = "author-daily-fans";
const OTHER = otherEndpoint(CONFIGURED);

type Gateway = ReturnType<typeof makeGateway>;

interface Problem {
  type: string;
  detail: string;
}

/** The request's own log line (one per client request): what it cost and what the upstream said. */
function requestLine(gateway: Gateway): { upstream: Record<string, unknown> } & LogFields {
  const lines = gateway.logs.filter((line) => line.msg === "request");
  expect(lines).toHaveLength(1);
  return lines[0] as { upstream: Record<string, unknown> } & LogFields;
}

/** An upstream that answers every call with this body (and status). */
const answering =
  (body: string, status = 200) =>
  async () =>
    new Response(body, { status, headers: { "Content-Type": "application/json" } });

describe("the problem's detail names the upstream's code as its maker does", () => {
  // The maker's names (its business-code table and OpenAPI document), and what the operator must
  // do where the code is an account problem only the operator can fix.
  const codes: [code: number, name: string, operator: RegExp | null][] = [
    [100, "Invalid or Inactive Token", /Operator: .*wrangler secret put JUSTONEAPI_TOKEN/],
    [101, "Token Rejected", /Operator: .*wrangler secret put JUSTONEAPI_TOKEN/],
    [202, "Item Not Supported", null],
    [303, "Daily Quota Exceeded", null],
    [400, "Invalid Parameters", null],
    [404, "Not Found", null],
    [500, "Internal Server Error", null],
    [503, "Service Unavailable", null],
    [600, "Permission Denied", /Operator: enable this endpoint/],
    [601, "Insufficient Balance", /Operator: top up/],
    [602, "Spending Cap Reached", /Operator: raise the token's spending cap/],
  ];
  for (const [code, name, operator] of codes) {
    it(`code ${code}: "${name}"${operator ? ", with the operator's remedy" : ", with no remedy to invent"}`, async () => {
      const gateway = makeGateway();
      gateway.emulator.queueFaults({ kind: "code", code });
      const problem = await (await gateway.request(trendPath(uniqueKol(), ...RANGE))).json<Problem>();
      expect(problem.detail).toContain(`code ${code} (${name})`);
      if (operator) expect(problem.detail).toMatch(operator);
      else expect(problem.detail).not.toContain("Operator");
    });
  }

  it('code 300 on both paths: "API invalid", telling the operator to change UPSTREAM_ENDPOINT', async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 300, times: 2 });
    const problem = await (await gateway.request(trendPath(uniqueKol(), ...RANGE))).json<Problem>();
    expect(problem.detail).toContain("code 300 (API invalid)");
    expect(problem.detail).toMatch(/Operator: .*UPSTREAM_ENDPOINT/);
  });

  it('code 301 after the last retry: "Collection Failed"', async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 301, times: 3 });
    const problem = await (await gateway.request(trendPath(uniqueKol(), ...RANGE))).json<Problem>();
    expect(problem.detail).toContain("code 301 (Collection Failed)");
  });

  it('code 302 after its one retry: "Rate Limit Exceeded"', async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 302, times: 2 });
    const problem = await (await gateway.request(trendPath(uniqueKol(), ...RANGE))).json<Problem>();
    expect(problem.detail).toContain("code 302 (Rate Limit Exceeded)");
  });
});

describe("Retry-After says when asking again can help", () => {
  // The upstream's own waits: a failed collection and an unavailable service pass soon, a rate
  // limit takes a minute, a timed-out call may still be collected (and billed) for a while.
  for (const [code, times, seconds] of [
    [301, 3, 30],
    [302, 2, 60],
    [503, 1, 30],
  ] as const) {
    it(`code ${code}: ${seconds} s`, async () => {
      const gateway = makeGateway();
      gateway.emulator.queueFaults({ kind: "code", code, times });
      const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
      expect(response.headers.get("Retry-After")).toBe(String(seconds));
    });
  }

  it("a timeout: 60 s", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_TIMEOUT_MS: "50" } });
    gateway.emulator.queueFaults({ kind: "slow", delayMs: 500 });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(response.headers.get("Retry-After")).toBe("60");
  });

  it("code 303: until the quota resets at QUOTA_RESET_HOUR in Shanghai", async () => {
    // The test clock is 12:00 in Shanghai: a reset at 15:00 is 3 hours away.
    const gateway = makeGateway({ env: { QUOTA_RESET_HOUR: "15" } });
    gateway.emulator.queueFaults({ kind: "code", code: 303 });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(response.headers.get("Retry-After")).toBe(String(3 * 3600));
  });
});

describe("the codes that say the money is gone stop every call; the others do not", () => {
  for (const code of [303, 601, 602]) {
    it(`code ${code} stops the next miss before it reaches the upstream`, async () => {
      const gateway = makeGateway();
      gateway.emulator.queueFaults({ kind: "code", code });
      await gateway.request(trendPath(uniqueKol(), ...RANGE));
      const next = await gateway.request(trendPath(uniqueKol(), ...RANGE));
      expect((await next.json<Problem>()).type).toBe("/problems/spend-guard-open");
      expect(gateway.emulator.requests).toHaveLength(1);
    });
  }

  it("code 303 sent without any data stops the next miss too: the code decides, not the rest of the envelope", async () => {
    const gateway = makeGateway({ fetch: answering(JSON.stringify({ code: 303, message: "Daily Quota Exceeded" })) });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    const next = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect((await next.json<Problem>()).type).toBe("/problems/spend-guard-open");
    expect(gateway.upstreamFetches).toBe(1);
  });

  // Account problems the operator must fix, but that do not spend anything: the next creator may
  // still be answered (600 is one endpoint's permission, 100 a token, 500 the upstream's error).
  for (const code of [100, 500, 600]) {
    it(`code ${code} leaves the next miss to the upstream`, async () => {
      const gateway = makeGateway();
      gateway.emulator.queueFaults({ kind: "code", code });
      await gateway.request(trendPath(uniqueKol(), ...RANGE));
      expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
      expect(gateway.emulator.requests).toHaveLength(2);
    });
  }
});

describe("waiting between attempts", () => {
  it("waits a jittered second to two after a rate limit (1.5 s at the test's jitter of one half)", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 302 });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
    expect(gateway.sleeps).toEqual([1500]);
  });

  it("doubles its back-off after each failed collection from a quarter second, and never waits past 4 s", async () => {
    // Equal jitter at one half: three quarters of each step of 250 ms x 2^n, capped at 4 s.
    const gateway = makeGateway({ env: { UPSTREAM_MAX_ATTEMPTS: "8", UPSTREAM_RETRY_BUDGET_MS: "600000" } });
    gateway.emulator.queueFaults({ kind: "code", code: 301, times: 7 });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
    expect(gateway.sleeps).toEqual([187.5, 375, 750, 1500, 3000, 3000, 3000]);
  });

  it("makes a retry whose whole attempt ends exactly at the end of the retry budget", async () => {
    // The rate limit's wait is 1.5 s and an attempt may take 0.5 s: a budget of 2 s just fits.
    const gateway = makeGateway({ env: { UPSTREAM_TIMEOUT_MS: "500", UPSTREAM_RETRY_BUDGET_MS: "2000" } });
    gateway.emulator.queueFaults({ kind: "code", code: 302 });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(response.status).toBe(200);
    expect(response.headers.get("Xingtu-Upstream-Calls")).toBe("2");
  });

  it("counts the time it waited as the upstream's time (Server-Timing)", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 301 });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(response.headers.get("Server-Timing")).toMatch(/upstream;dur=187\.5;desc="2 upstream attempt\(s\)"/);
  });

  it("does not spend its retries on a fail-over: the other path still gets every attempt", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_ENDPOINT: CONFIGURED } });
    gateway.emulator.retire({ endpoint: CONFIGURED, as: "code-300" });
    gateway.emulator.queueFaults({ kind: "code", code: 301, times: 2 });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(response.status).toBe(200);
    expect(response.headers.get("Xingtu-Upstream-Calls")).toBe("4");
  });
});

describe("the fail-over", () => {
  it("tells the operator until when, why, and what to set", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_ENDPOINT: CONFIGURED, UPSTREAM_FAILOVER_SECONDS: "600" } });
    gateway.emulator.retire({ endpoint: CONFIGURED, as: "http-404" });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(gateway.logs).toContainEqual(
      expect.objectContaining({
        msg: "upstream path retired; failing over",
        until: "2026-03-10T04:10:00.000Z",
        reason: "upstream-api-invalid",
        operator: expect.stringContaining(`UPSTREAM_ENDPOINT = "${OTHER}"`),
      }),
    );
  });

  it("forgets the fail-over when the path it failed over to is gone too, and calls the configured one", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_ENDPOINT: CONFIGURED } });
    gateway.emulator.retire({ endpoint: CONFIGURED, as: "http-404" });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    // The configured path comes back and the one it failed over to goes.
    gateway.emulator.reset();
    gateway.emulator.retire({ endpoint: OTHER, as: "http-404" });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
    expect(gateway.emulator.requests.map((sent) => sent.endpoint)).toEqual([OTHER, CONFIGURED]);
    const health = await (await gateway.request("/healthz")).json<{ upstream: { active: string; failover: unknown } }>();
    expect(health.upstream).toMatchObject({ active: CONFIGURED, failover: null });
    // Only the first fail-over was a warning: going back to the configured path needs nothing set.
    expect(gateway.logs.filter((line) => line.msg === "upstream path retired; failing over")).toHaveLength(1);
  });
});

describe("the maker's request id and message", () => {
  it("keeps at most 128 characters of the request id", async () => {
    const gateway = makeGateway({ fetch: answering(JSON.stringify({ code: 500, message: "x", data: null, requestId: "r".repeat(300) })) });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(response.headers.get("Xingtu-Upstream-Request-Id")).toBe("r".repeat(128));
  });

  it("passes on a numeric request id as text", async () => {
    const gateway = makeGateway({ fetch: answering(JSON.stringify({ code: 500, message: "x", data: null, requestId: 42 })) });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(response.headers.get("Xingtu-Upstream-Request-Id")).toBe("42");
  });

  it("sends no request id header when the maker sent a null one", async () => {
    const gateway = makeGateway({ fetch: answering(JSON.stringify({ code: 500, message: "x", data: null, requestId: null })) });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(response.headers.has("Xingtu-Upstream-Request-Id")).toBe(false);
    expect(requestLine(gateway).upstream.requestId).toBeNull();
  });

  it("logs the upstream's code and at most 200 characters of its message", async () => {
    const gateway = makeGateway({ fetch: answering(JSON.stringify({ code: 500, message: "m".repeat(300), data: null })) });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(requestLine(gateway).upstream).toMatchObject({ code: 500, message: "m".repeat(200) });
  });

  it("logs no message when the maker sent an empty one", async () => {
    const gateway = makeGateway({ fetch: answering(JSON.stringify({ code: 500, message: "", data: null })) });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(requestLine(gateway).upstream.message).toBeNull();
  });
});

describe("answers without a readable code", () => {
  it("an empty HTTP 200 answer is not JSON, and may have been billed", async () => {
    const gateway = makeGateway({ fetch: async () => new Response(null) });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(await response.json<Problem>()).toMatchObject({
      type: "/problems/upstream-invalid-response",
      detail: expect.stringContaining("its body is not JSON"),
    });
    expect(requestLine(gateway).upstream).toMatchObject({ attempts: 1, billed: 0, uncertain: 1 });
  });

  it("a JSON answer without a code says so", async () => {
    const gateway = makeGateway({ fetch: answering(JSON.stringify({ data: null })) });
    const problem = await (await gateway.request(trendPath(uniqueKol(), ...RANGE))).json<Problem>();
    expect(problem.detail).toContain("its body has no business code");
  });

  it("an HTTP error without a code names its status", async () => {
    const gateway = makeGateway({ fetch: answering("<html>bad gateway</html>", 502) });
    const problem = await (await gateway.request(trendPath(uniqueKol(), ...RANGE))).json<Problem>();
    expect(problem).toMatchObject({ type: "/problems/upstream-http-error", detail: expect.stringContaining("HTTP 502") });
  });

  it("a broken connection says it broke during the answer, a refused one that the upstream could not be reached", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "reset" });
    const reset = await (await gateway.request(trendPath(uniqueKol(), ...RANGE))).json<Problem>();
    gateway.emulator.queueFaults({ kind: "network" });
    const refused = await (await gateway.request(trendPath(uniqueKol(), ...RANGE))).json<Problem>();
    expect(reset.detail).toMatch(/broke during its answer/);
    expect(refused.detail).toMatch(/could not be reached/);
  });

  it("a timeout before the answer began names the timeout", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_TIMEOUT_MS: "50" } });
    gateway.emulator.queueFaults({ kind: "slow", delayMs: 500 });
    const problem = await (await gateway.request(trendPath(uniqueKol(), ...RANGE))).json<Problem>();
    expect(problem.detail).toBe("The upstream did not answer within 50 ms.");
  });

  it("an answer that stalls half-way times out too, as not finished", async () => {
    // The headers came, then the body stopped: the call may have been billed, so it is not retried.
    const stalling = async (request: Request) => {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"code":0,"data":'));
          request.signal.addEventListener("abort", () => controller.error(new DOMException("aborted", "AbortError")));
        },
      });
      return new Response(stream, { headers: { "Content-Type": "application/json" } });
    };
    const gateway = makeGateway({ env: { UPSTREAM_TIMEOUT_MS: "50" }, fetch: stalling });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(response.status).toBe(504);
    expect((await response.json<Problem>()).detail).toBe("The upstream did not finish its answer within 50 ms.");
    expect(response.headers.get("Xingtu-Upstream-Calls")).toBe("1");
  });
});

describe("answers too large to buffer", () => {
  // Only the start of such a body is read: the code at its start says whether it was billed.
  const huge = (start: string) => async () => new Response(start + "x".repeat(BIG));

  for (const [name, start] of [
    ["code 0 spaced out and quoted", ' \n{ "code" : "0" , "data":"'],
    ["code 201 closing the envelope", '{"code":201}'],
  ] as const) {
    it(`reads ${name} at its start: billed, and kept so it is not paid again`, async () => {
      const gateway = makeGateway({ fetch: huge(start) });
      const kolId = uniqueKol();
      const response = await gateway.request(trendPath(kolId, ...RANGE));
      expect(response.status).toBe(502);
      expect(response.headers.get("Xingtu-Upstream-Billed")).toBe("1");
      await gateway.request(trendPath(kolId, ...RANGE));
      expect(gateway.upstreamFetches).toBe(1);
    });
  }

  it("counts a large answer with an unbilled code at its start as possibly billed, logging the code", async () => {
    const gateway = makeGateway({ fetch: huge('{"code":-301,"data":"') });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect((await response.json<Problem>()).type).toBe("/problems/upstream-invalid-response");
    expect(requestLine(gateway).upstream).toMatchObject({ attempts: 1, billed: 0, uncertain: 1, code: -301 });
  });

  it("does not read a code that is not the envelope's first field", async () => {
    const gateway = makeGateway({ fetch: huge('[{"code":0,"data":"') });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(response.headers.get("Xingtu-Upstream-Billed")).toBe("0");
    expect(requestLine(gateway).upstream).toMatchObject({ uncertain: 1, code: null });
  });

  it("stops downloading it: the rest of the body is cancelled", async () => {
    let cancelled = false;
    let sent = 0;
    const endless = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            sent += 64 * 1024;
            controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
          },
          cancel() {
            cancelled = true;
          },
        }),
      );
    const gateway = makeGateway({ fetch: endless });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(502);
    expect(cancelled).toBe(true);
    expect(sent).toBeLessThan(2 * BIG);
  });
  it("stops at its first bytes when it declares a length past the bound", async () => {
    let sent = 0;
    const declaring = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            sent += 64 * 1024;
            controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
            if (sent >= 2 * BIG) controller.close();
          },
        }),
        { headers: { "Content-Length": String(2 * BIG) } },
      );
    const gateway = makeGateway({ fetch: declaring });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(502);
    expect(sent).toBeLessThan(BIG / 4);
  });
});

describe("log lines about billed answers it could not fully use", () => {
  it("warns of days it dropped, naming the creator, the range and the maker's request id", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    gateway.emulator.queueFaults({ kind: "patch", day: { index: 1, fans_cnt: "12 " } });
    await gateway.request(trendPath(kolId, ...RANGE));
    expect(gateway.logs).toContainEqual({
      level: "warn",
      msg: "upstream oddity: days dropped from a billed answer",
      kolId,
      range: "2026-03-01..2026-03-05",
      dropped: { "without a count": ["daily 2026-03-02"] },
      upstreamRequestId: "emu-1",
    });
  });

  it("says nothing of oddities when an answer has none", async () => {
    const gateway = makeGateway();
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(gateway.logs.filter((line) => String(line.msg).includes("oddity"))).toEqual([]);
  });

  it("reports a billed answer that cannot be read as an error, with why and for which creator and range", async () => {
    const body = JSON.stringify({ code: 0, data: { daily: "not a list", delta: [] }, requestId: "r-7" });
    const gateway = makeGateway({ fetch: answering(body) });
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, ...RANGE));
    expect(gateway.logs).toContainEqual({
      level: "error",
      msg: "the upstream billed an answer that cannot be read; it is kept for the range so it is not paid for again at once",
      reason: "its data does not have the documented shape",
      kolId,
      range: "2026-03-01..2026-03-05",
      upstreamRequestId: "r-7",
    });
  });
});
