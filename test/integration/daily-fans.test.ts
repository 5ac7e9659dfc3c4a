import { describe, expect, it } from "vitest";
import { failingKv } from "../support/kv.ts";
import { dropInPath, makeGateway, trendPath, uniqueKol } from "../support/gateway.ts";
import { trendSchema } from "../../src/schemas/trend.ts";
import { successBody } from "../../tools/emulator/series.ts";

describe("GET /v1/kols/{kolId}/daily-fans", () => {
  it("returns the normalized trend as typed JSON", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const response = await gateway.request(trendPath(kolId, "2026-02-07", "2026-03-08"));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    const body = trendSchema.parse(await response.json());
    expect(body).toMatchObject({ kolId, startDate: "2026-02-07", endDate: "2026-03-08" });
    expect(body.series).toHaveLength(30);
    const expected = successBody(kolId, "2026-02-07", "2026-03-08").data;
    expect(body.series.map((p) => p.fans)).toEqual(expected.daily.map((d) => Number(d.fans_cnt)));
    expect(body.upstream.fansGrowthV2).toBe(expected.fans_growth_v2.value);
  });

  it("forwards acceptCache to the seed's path as true or false", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_ENDPOINT: "kol-daily-fans" } });
    await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-02", "&acceptCache=1"));
    expect(gateway.emulator.requests[0]!.acceptCache).toBe("true");
  });

  it("refuses a parameter without a name", async () => {
    const gateway = makeGateway();
    const response = await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-02", "&=x"));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ field: "", in: "query", rule: "unknown_parameter" }] });
  });

  it("shows the path in a problem's instance without control or direction-changing characters", async () => {
    const response = await makeGateway().request("/v1/kols/%E2%80%AEevil%0d%0aX-Injected:1/daily-fans");
    expect(((await response.json()) as { instance: string }).instance).toBe("/v1/kols/\uFFFDevil\uFFFD\uFFFDX-Injected:1/daily-fans");
  });

  it("answers every invalid parameter in one problem+json", async () => {
    const gateway = makeGateway();
    const response = await gateway.request("/v1/kols/12x/daily-fans?startDate=2026-02-30&endDate=2099-01-01&acceptCache=maybe");
    expect(response.status).toBe(400);
    expect(response.headers.get("Content-Type")).toBe("application/problem+json");
    const problem = await response.json<Record<string, unknown>>();
    expect(problem).toMatchObject({ type: "/problems/invalid-request", status: 400, instance: "/v1/kols/12x/daily-fans" });
    expect(problem.requestId).toBe(response.headers.get("X-Request-Id"));
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "kolId", in: "path", rule: "kol_id_format" }),
        expect.objectContaining({ field: "startDate", rule: "calendar_date" }),
        expect.objectContaining({ field: "endDate", rule: "not_in_future" }),
        expect.objectContaining({ field: "acceptCache", rule: "boolean" }),
      ]),
    );
    expect(problem).not.toHaveProperty("code");
    expect(gateway.upstreamFetches).toBe(0);
  });

  it("judges 'today' by the injected clock in Asia/Shanghai", async () => {
    // 2026-03-10 16:30 UTC is already 2026-03-11 in Shanghai.
    const gateway = makeGateway({ now: Date.parse("2026-03-10T16:30:00Z") });
    const response = await gateway.request(trendPath(uniqueKol(), "2026-03-10", "2026-03-11"));
    expect(response.status).toBe(200);
  });

  it("honours MAX_RANGE_DAYS from the environment", async () => {
    const gateway = makeGateway({ env: { MAX_RANGE_DAYS: "7" } });
    const response = await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-08"));
    expect(response.status).toBe(400);
    expect((await response.json<{ errors: { rule: string }[] }>()).errors[0]!.rule).toBe("max_range");
  });
});

describe("the drop-in upstream path", () => {
  it("returns the upstream's own body shape with its strings", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const response = await gateway.request(dropInPath(kolId, "2026-03-01", "2026-03-05"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ...successBody(kolId, "2026-03-01", "2026-03-05"), requestId: "emu-1" });
  });

  it("never forwards the client's token parameter upstream", async () => {
    const gateway = makeGateway();
    await gateway.request(dropInPath(uniqueKol(), "2026-03-01", "2026-03-05", "&token=client-supplied-token"));
    const sent = gateway.emulator.requests[0]!;
    expect(sent.token).toBe(`***(${String(gateway.env.JUSTONEAPI_TOKEN).length})`);
    expect(sent.params).toEqual(["token", "oAuthorId", "startDate", "endDate"]);
  });

  it("adds the upstream-style code and message to validation problems", async () => {
    const gateway = makeGateway();
    const response = await gateway.request("/api/douyin-xingtu/get-kol-daily-fans/v1?kolId=1&startDate=2026-03-01");
    expect(response.status).toBe(400);
    const problem = await response.json<Record<string, unknown>>();
    expect(problem).toMatchObject({
      type: "/problems/invalid-request",
      code: 400,
      errors: [expect.objectContaining({ field: "endDate", rule: "required" })],
    });
    expect(problem.message).toEqual(expect.stringContaining("endDate is required"));
  });

  it("passes the upstream's own business code on, as the upstream would have answered it", async () => {
    // 100 and 101 are both the token's refusal (one problem type); a script written against the upstream tells them apart.
    for (const code of [100, 101]) {
      const gateway = makeGateway();
      gateway.emulator.queueFaults({ kind: "code", code });
      const response = await gateway.request(dropInPath(uniqueKol(), "2026-03-01", "2026-03-05"));
      expect(await response.json()).toMatchObject({ type: "/problems/upstream-token-invalid", code });
    }
  });

  it("shares cache entries with the normalized route", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, "2026-03-01", "2026-03-05"));
    const response = await gateway.request(dropInPath(kolId, "2026-03-01", "2026-03-05"));
    expect(response.headers.get("Cache-Status")).toMatch(/; hit;/);
    expect(gateway.upstreamFetches).toBe(1);
  });
});

describe("GET /healthz", () => {
  it("reports a configured gateway without calling the upstream", async () => {
    const gateway = makeGateway();
    const response = await gateway.request("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ok",
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      checks: {
        config: "valid",
        token: "present",
        cache: "bound",
        keys: "bound",
        coordinators: "bound",
        accountLedger: "bound",
        clientKeys: "present",
      },
      problems: [],
      upstream: { endpoint: "author-daily-fans", active: "author-daily-fans", failover: null, rangeLimit: null },
      spendGuard: { upstreamCalls: "allowed", breaker: null, budget: { limit: 2000, used: 0, day: "2026-03-10" } },
    });
    expect(gateway.upstreamFetches).toBe(0);
  });

  it("is not ready while no client key exists, and says how to make one", async () => {
    const gateway = makeGateway({ env: { KEYS: failingKv("put") } });
    const response = await gateway.request("/healthz", { as: null });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: "misconfigured",
      checks: { clientKeys: "none" },
      problems: [expect.stringContaining("npm run key -- create")],
    });
  });

  it("needs no client key under PUBLIC_ACCESS", async () => {
    const gateway = makeGateway({ env: { KEYS: failingKv("put"), PUBLIC_ACCESS: "true" } });
    const response = await gateway.request("/healthz", { as: null });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ checks: { clientKeys: "not-needed" } });
  });

  it("reports a missing token and a missing KV binding with 503", async () => {
    const gateway = makeGateway({ env: { JUSTONEAPI_TOKEN: undefined, CACHE: undefined } });
    const response = await gateway.request("/healthz");
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: "misconfigured", checks: { token: "missing", cache: "missing" } });
  });

  it("names invalid variables without their values", async () => {
    const gateway = makeGateway({ env: { UPSTREAM_BASE_URL: "http://insecure.example:1234" } });
    const body = await (await gateway.request("/healthz")).text();
    expect(body).toContain("UPSTREAM_BASE_URL");
    expect(body).not.toContain("insecure.example");
  });
});

describe("an unconfigured gateway", () => {
  it("answers data routes with an operator problem naming the missing secret", async () => {
    const gateway = makeGateway({ env: { JUSTONEAPI_TOKEN: undefined } });
    const response = await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-02"));
    expect(response.status).toBe(503);
    const problem = await response.json<{ type: string; detail: string }>();
    expect(problem.type).toBe("/problems/gateway-misconfigured");
    expect(problem.detail).toContain("wrangler secret put JUSTONEAPI_TOKEN");
    expect(gateway.upstreamFetches).toBe(0);
  });

  it("refuses a plain-http upstream unless explicitly allowed", async () => {
    const refused = makeGateway({ env: { UPSTREAM_BASE_URL: "http://47.117.133.51:30015" } });
    const response = await refused.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-02"));
    expect(response.status).toBe(503);
    expect(await response.text()).toContain("ALLOW_INSECURE_UPSTREAM");
    const allowed = makeGateway({ env: { UPSTREAM_BASE_URL: "http://47.117.133.51:30015", ALLOW_INSECURE_UPSTREAM: "true" } });
    expect((await allowed.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-02"))).status).toBe(200);
  });
});

describe("unknown routes", () => {
  it("answer 404 problem+json", async () => {
    const response = await makeGateway().request("/v2/nothing");
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ type: "/problems/not-found", status: 404 });
  });
});
