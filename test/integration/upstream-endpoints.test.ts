/**
 * Which upstream path: the successor (`author-daily-fans`, `oAuthorId`) or the deprecated seed
 * (`kol-daily-fans`, `kolId`), the same cache for both, an unbilled fail-over when the configured
 * path is switched off, and a drop-in twin of each path.
 */
import { reset } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { dropInPath, makeGateway, trendPath, uniqueKol } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import { successBody } from "../../tools/emulator/series.ts";
import { ENDPOINT_NAMES, otherEndpoint, SUCCESSOR_PATH, UPSTREAM_ENDPOINTS } from "../../src/upstream/request.ts";

afterEach(() => reset());

const RANGE = ["2026-03-01", "2026-03-05"] as const;

const successorPath = (kolId: string, start: string, end: string, extra = "") =>
  `${SUCCESSOR_PATH}?oAuthorId=${kolId}&startDate=${start}&endDate=${end}${extra}`;

for (const endpoint of ENDPOINT_NAMES) {
  const other = otherEndpoint(endpoint);
  const gatewayOn = () => makeGateway({ env: { UPSTREAM_ENDPOINT: endpoint } });

  describe(`with UPSTREAM_ENDPOINT=${endpoint}`, () => {
    it("calls that path, with the creator id in its own parameter", async () => {
      const gateway = gatewayOn();
      const kolId = uniqueKol();
      const response = await gateway.request(trendPath(kolId, ...RANGE));
      expect(response.status).toBe(200);
      const [sent] = gateway.emulator.requests;
      expect(sent).toMatchObject({ endpoint, kolId });
      expect(sent!.params).toContain(UPSTREAM_ENDPOINTS[endpoint].idParam);
    });

    it("answers the normalized route with the upstream's numbers", async () => {
      const gateway = gatewayOn();
      const kolId = uniqueKol();
      const body = await (await gateway.request(trendPath(kolId, ...RANGE))).json<{ series: { fans: number }[] }>();
      expect(body.series.map((point) => point.fans)).toEqual(successBody(kolId, ...RANGE).data.daily.map((day) => Number(day.fans_cnt)));
    });

    it("answers both drop-in twins with the upstream's own body", async () => {
      const gateway = gatewayOn();
      const kolId = uniqueKol();
      const seed = await gateway.request(dropInPath(kolId, ...RANGE));
      const successor = await gateway.request(successorPath(kolId, ...RANGE));
      expect([seed.status, successor.status]).toEqual([200, 200]);
      const expected = successBody(kolId, ...RANGE);
      expect(await seed.json()).toMatchObject(expected);
      expect(await successor.json()).toMatchObject(expected);
      // One upstream call: both twins name the same creator and share the cache.
      expect(gateway.upstreamFetches).toBe(1);
    });

    it("forwards acceptCache only where the path takes it", async () => {
      const gateway = gatewayOn();
      await gateway.request(trendPath(uniqueKol(), ...RANGE, "&acceptCache=true"));
      expect(gateway.emulator.requests[0]!.acceptCache).toBe(UPSTREAM_ENDPOINTS[endpoint].acceptCache ? "true" : null);
    });

    it(`serves what the ${other} setting stored, with no upstream call`, async () => {
      const before = makeGateway({ env: { UPSTREAM_ENDPOINT: other } });
      const kolId = uniqueKol();
      await before.request(trendPath(kolId, ...RANGE));
      const after = gatewayOn();
      const response = await after.request(trendPath(kolId, "2026-03-02", "2026-03-04"));
      expect(response.status).toBe(200);
      expect(after.upstreamFetches).toBe(0);
    });

    for (const as of ["http-404", "code-300"] as const) {
      it(`fails over once, unbilled, when the path is switched off (${as}), then calls only the other`, async () => {
        const gateway = gatewayOn();
        gateway.emulator.retire({ endpoint, as });
        const first = await gateway.request(trendPath(uniqueKol(), ...RANGE));
        expect(first.status).toBe(200);
        expect(first.headers.get("Xingtu-Upstream-Calls")).toBe("2");
        expect(first.headers.get("Xingtu-Upstream-Billed")).toBe("1");
        await gateway.request(trendPath(uniqueKol(), ...RANGE));
        expect(gateway.emulator.requests.map((sent) => sent.endpoint)).toEqual([endpoint, other, other]);
        const warnings = gateway.logs.filter((line) => line.msg === "upstream path retired; failing over");
        expect(warnings).toEqual([expect.objectContaining({ level: "warn", from: endpoint, to: other })]);
      });
    }

    it("hands the fail-over to another isolate, however many calls since learned nothing", async () => {
      const one = gatewayOn();
      one.emulator.retire({ endpoint, as: "http-404" });
      await one.request(trendPath(uniqueKol(), ...RANGE));
      await one.request(trendPath(uniqueKol(), ...RANGE));
      const second = makeGateway({ env: { UPSTREAM_ENDPOINT: endpoint }, account: one.account });
      second.emulator.retire({ endpoint, as: "http-404" });
      await second.request(trendPath(uniqueKol(), ...RANGE));
      expect(second.emulator.requests.map((sent) => sent.endpoint)).toEqual([other]);
    });

    it("shows the fail-over in /healthz", async () => {
      const gateway = gatewayOn();
      gateway.emulator.retire({ endpoint, as: "http-404" });
      await gateway.request(trendPath(uniqueKol(), ...RANGE));
      expect(await (await gateway.request("/healthz")).json()).toMatchObject({
        upstream: { endpoint, active: other, failover: { from: endpoint, to: other, until: "2026-03-10T05:00:00.000Z" } },
      });
    });

    it("tries the configured path again once the fail-over has expired", async () => {
      const gateway = gatewayOn();
      gateway.emulator.retire({ endpoint, as: "http-404" });
      await gateway.request(trendPath(uniqueKol(), ...RANGE));
      gateway.clock.now += 3600_000;
      await gateway.request(trendPath(uniqueKol(), ...RANGE));
      expect(gateway.emulator.requests.map((sent) => sent.endpoint)).toEqual([endpoint, other, endpoint, other]);
    });
  });
}

describe("both paths switched off", () => {
  it("answers upstream-api-invalid after one call to each, nothing billed", async () => {
    const gateway = makeGateway();
    for (const endpoint of ENDPOINT_NAMES) gateway.emulator.retire({ endpoint, as: "http-404" });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ type: "/problems/upstream-api-invalid" });
    expect(gateway.upstreamFetches).toBe(2);
    expect(response.headers.get("Xingtu-Upstream-Billed")).toBe("0");
  });
});

describe("the drop-in twins", () => {
  it("mark the seed's path deprecated, pointing to its successor", async () => {
    const gateway = makeGateway();
    const response = await gateway.request(dropInPath(uniqueKol(), ...RANGE));
    expect(response.headers.get("Deprecation")).toBe("@1776297600");
    expect(response.headers.get("Link")).toBe(`<${SUCCESSOR_PATH}>; rel="successor-version"`);
    const successor = await gateway.request(successorPath(uniqueKol(), ...RANGE));
    expect(successor.headers.has("Deprecation")).toBe(false);
  });

  it("take the client key as the token parameter on the successor's path too", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS);
    const good = await gateway.request(successorPath(uniqueKol(), ...RANGE, `&token=${key}`), { as: null });
    expect(good.status).toBe(200);
    const bad = await gateway.request(successorPath(uniqueKol(), ...RANGE, "&token=nope"), { as: null });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ code: 100, type: "/problems/unauthorized" });
  });

  it("refuses the seed's parameter name on the successor's path", async () => {
    const gateway = makeGateway();
    const response = await gateway.request(`${SUCCESSOR_PATH}?kolId=42&startDate=2026-03-01&endDate=2026-03-02`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 400,
      errors: expect.arrayContaining([
        expect.objectContaining({ field: "oAuthorId", rule: "required" }),
        expect.objectContaining({ field: "kolId", rule: "unknown_parameter" }),
      ]),
    });
  });
});

describe("the upstream's requestId", () => {
  it("is a response header on a miss and a log field, never on a hit or in a cache key", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const miss = await gateway.request(trendPath(kolId, ...RANGE));
    expect(miss.headers.get("Xingtu-Upstream-Request-Id")).toBe("emu-1");
    expect(gateway.logs).toContainEqual(
      expect.objectContaining({ msg: "request", upstream: expect.objectContaining({ requestId: "emu-1" }) }),
    );
    const hit = await gateway.request(trendPath(kolId, ...RANGE));
    expect(hit.headers.has("Xingtu-Upstream-Request-Id")).toBe(false);
    const keys = (await gateway.env.CACHE.list()).keys.map((key) => key.name);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join("\n")).not.toContain("emu-");
  });
});
