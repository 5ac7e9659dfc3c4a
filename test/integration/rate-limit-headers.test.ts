/**
 * RateLimit-Policy and RateLimit (the IETF HTTPAPI draft) on every keyed answer, so a sheet or a
 * script paces itself before a 429 rather than after; and on the 429 itself, r=0 with the same
 * reset as Retry-After.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol, wrapNamespace } from "../support/gateway.ts";
import type { KolCoordinator } from "../../src/coordination/kol-coordinator.ts";
import type { MissRequest } from "../../src/coordination/protocol.ts";
import { createTestKey } from "../support/keys.ts";

const RANGE = ["2026-03-01", "2026-03-05"] as const;
const json = (method: string, body: unknown) => ({ method, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });

describe("RateLimit headers", () => {
  it("state the key's tier policy, and count down what is left as the key's requests are admitted", async () => {
    const gateway = makeGateway({ env: { RATE_LIMIT_STANDARD_PER_MINUTE: "120" } });
    const { key } = await createTestKey(env.KEYS, { tier: "standard" });
    const path = trendPath(uniqueKol(), ...RANGE);
    const first = await gateway.request(path, { as: key });
    expect(first.headers.get("RateLimit-Policy")).toBe('"standard";q=120;w=60');
    // The fixed clock is 12:00:00 in Shanghai: a whole minute is left; the miss weighed two (itself and its upstream call).
    expect(first.headers.get("RateLimit")).toBe('"standard";r=118;t=60');
    gateway.clock.now += 15_000;
    const second = await gateway.request(path, { as: key });
    expect(second.headers.get("RateLimit")).toBe('"standard";r=117;t=45');
  });

  it("count an anonymous caller's miss as two requests of its address too: itself and its upstream call", async () => {
    const gateway = makeGateway({ env: { PUBLIC_ACCESS: "true", RATE_LIMIT_STANDARD_PER_MINUTE: "120" } });
    const headers = { "CF-Connecting-IP": "203.0.113.7" };
    const miss = await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: null, headers });
    expect(miss.headers.get("Xingtu-Upstream-Calls")).toBe("1");
    expect(miss.headers.get("RateLimit")).toBe('"standard";r=118;t=60');
  });

  it("count a miss answered without a call (from the creator's stored days) as one request, not two", async () => {
    const gateway = makeGateway({ env: { RATE_LIMIT_STANDARD_PER_MINUTE: "120" } });
    const { key } = await createTestKey(env.KEYS, { tier: "standard" });
    const kolId = uniqueKol();
    expect((await gateway.request(trendPath(kolId, ...RANGE), { as: key })).headers.get("RateLimit")).toBe('"standard";r=118;t=60');
    // A range inside the stored days: not in the cache as such, so a miss; its coordinator makes no call.
    const inside = await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-03"), { as: key });
    expect(inside.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    expect(inside.headers.get("RateLimit")).toBe('"standard";r=117;t=60');
  });

  it("count a bulk key's miss answered without a call as one request too: the weight charged ahead from its grant is given back", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { tier: "bulk" });
    const kolId = uniqueKol();
    const left = (response: Response) => Number(/;r=(\d+);/.exec(response.headers.get("RateLimit") ?? "")?.[1]);
    const first = await gateway.request(trendPath(kolId, ...RANGE), { as: key });
    const inside = await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-03"), { as: key });
    expect(inside.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    expect(left(first) - left(inside)).toBe(1);
    // A miss that calls weighs two.
    const another = await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    expect(left(inside) - left(another)).toBe(2);
  });

  it("charge a miss's weight in the isolate when its grant has room, so the coordinator has nothing to ask back", async () => {
    const gateway = makeGateway();
    const passes: { weighs: boolean }[] = [];
    const coordinators = gateway.env.KOL_COORDINATOR;
    // What each miss carries to its coordinator: a callback to weigh it, or none.
    gateway.env.KOL_COORDINATOR = wrapNamespace(coordinators, {
      get: (id) => {
        const stub = coordinators.get(id);
        return {
          resolve: (request: MissRequest) => (passes.push({ weighs: request.caller?.weigh !== undefined }), stub.resolve(request)),
        } as unknown as DurableObjectStub<KolCoordinator>;
      },
    });
    const bulk = await createTestKey(env.KEYS, { tier: "bulk" });
    const standard = await createTestKey(env.KEYS, { tier: "standard" });
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: bulk.key });
    // A standard key asks the limiter for each request (grants of one): no room to take the weight from.
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: standard.key });
    expect(passes).toEqual([{ weighs: false }, { weighs: true }]);
  });

  it("says r=0 on the 429, with the reset its Retry-After gives", async () => {
    let grants = 2;
    const gateway = makeGateway({
      env: { RATE_LIMIT_BULK: { limit: async () => ({ success: grants-- > 0 }) }, RATE_LIMIT_BULK_GRANT: "1" },
    });
    const { key } = await createTestKey(env.KEYS, { tier: "bulk" });
    const path = trendPath(uniqueKol(), ...RANGE);
    let last: Response | undefined;
    for (let i = 0; i < 3; i++) last = await gateway.request(path, { as: key });
    expect(last!.status).toBe(429);
    expect(last!.headers.get("RateLimit-Policy")).toBe('"bulk";q=600;w=60');
    expect(last!.headers.get("RateLimit")).toBe(`"bulk";r=0;t=${last!.headers.get("Retry-After")}`);
  });

  it("starts again in the next window", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { tier: "bulk" });
    const path = trendPath(uniqueKol(), ...RANGE);
    await gateway.request(path, { as: key });
    gateway.clock.now += 60_000;
    expect((await gateway.request(path, { as: key })).headers.get("RateLimit")).toBe('"bulk";r=599;t=60');
  });

  it("are on a share link's answer as its owner key's, and on no answer that counted against no limit", async () => {
    const gateway = makeGateway();
    const created = await gateway.request("/v1/share-links", json("POST", { kolId: uniqueKol(), startDate: RANGE[0], endDate: RANGE[1] }));
    const link = (await created.json()) as { urls: { json: string } };
    const shared = await gateway.request(new URL(link.urls.json).pathname, { as: null });
    expect(shared.headers.get("RateLimit-Policy")).toBe('"bulk";q=600;w=60');
    expect((await gateway.request("/healthz", { as: null })).headers.get("RateLimit")).toBeNull();
  });
});
