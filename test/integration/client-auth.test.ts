import { MAX_BODY_BYTES } from "../../src/middleware/hardening.ts";
import fc from "fast-check";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { dropInPath, FIXED_NOW, makeGateway, trendPath, uniqueKol } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import { TEST_AUTH_FAILURE_LIMIT, TEST_STANDARD_LIMIT } from "../support/constants.ts";
import { startInOneRateWindow } from "../support/rate-window.ts";

const RANGE = ["2026-03-01", "2026-03-05"] as const;

/** A KEYS namespace with no key in it: a freshly deployed gateway. */
const emptyKeys = new Proxy({} as KVNamespace, {
  get: (_target, property) => async () => (property === "list" ? { keys: [], list_complete: true, cacheStatus: null } : null),
});

async function problemOf(response: Response) {
  return { status: response.status, body: await response.json<Record<string, unknown>>() };
}

describe("client keys", () => {
  it("answers a request without a key with 401 and a Bearer challenge, before any upstream call", async () => {
    const gateway = makeGateway();
    await createTestKey(env.KEYS);
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: null });
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="xingtu-edge"');
    expect(response.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ type: "/problems/unauthorized", status: 401 });
    expect(gateway.upstreamFetches).toBe(0);
  });

  it("tells a client without a key, in the 401's detail, how to send one", async () => {
    // The challenge header names the scheme only; the detail is where a person learns the fix.
    const response = await makeGateway().request(trendPath(uniqueKol(), ...RANGE), { as: null });
    expect((await response.json<{ detail: string }>()).detail).toContain("Authorization: Bearer <key>");
  });

  it("answers an unknown key and a revoked key identically, without saying which", async () => {
    const gateway = makeGateway();
    const revoked = await createTestKey(env.KEYS, { disabled: true });
    const unknown = await problemOf(await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: "xte_not-a-real-key" }));
    const disabled = await problemOf(await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: revoked.key }));
    const comparable = ({ status, body }: Awaited<ReturnType<typeof problemOf>>) => ({
      status,
      type: body.type,
      title: body.title,
      detail: body.detail,
    });
    expect(comparable(unknown)).toEqual(comparable(disabled));
    expect(unknown.status).toBe(401);
    expect(gateway.upstreamFetches).toBe(0);
  });

  it("challenges an invalid key with error=invalid_token", async () => {
    const response = await makeGateway().request(trendPath(uniqueKol(), ...RANGE), { as: "wrong" });
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="xingtu-edge", error="invalid_token"');
  });

  it("accepts a good key as a Bearer token on the normalized route", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS);
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(200);
  });

  it("reads the Authorization header strictly: the scheme in any case, spaces around the key, nothing else", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS);
    const path = trendPath(uniqueKol(), "2026-03-01", "2026-03-02");
    const statusWith = async (authorization: string) =>
      (await gateway.request(path, { as: null, headers: { Authorization: authorization } })).status;
    expect(await statusWith(`bearer ${key}`)).toBe(200);
    expect(await statusWith(`Bearer   ${key}  `)).toBe(200);
    expect(await statusWith(`xBearer ${key}`)).toBe(401);
    expect(await statusWith(`Bearer ${key} extra`)).toBe(401);
    expect(await statusWith(`Bearer${key}`)).toBe(401);
  });

  it("reads no key record for an Authorization header that is not a Bearer token: anyone may send one", async () => {
    // Such a header holds no key, so it is refused without hashing anything or asking KV.
    const reads: string[] = [];
    const oneKey = new Proxy({} as KVNamespace, {
      get: (_target, property) => async (name: string) => {
        if (property === "list") return { keys: [{ name: "key:0" }], list_complete: true, cacheStatus: null };
        if (property === "get") reads.push(name);
        return null;
      },
    });
    const gateway = makeGateway({ env: { KEYS: oneKey } });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE), {
      as: null,
      headers: { Authorization: "Basic dXNlcjpwYXNz" },
    });
    expect(response.status).toBe(401);
    expect(reads).toEqual([]);
  });

  it("accepts a good key as the upstream-style token parameter on the drop-in route", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS);
    const response = await gateway.request(dropInPath(uniqueKol(), ...RANGE, `&token=${encodeURIComponent(key)}`), { as: null });
    expect(response.status).toBe(200);
    expect(gateway.emulator.requests[0]!.token).toBe(`***(${String(gateway.env.JUSTONEAPI_TOKEN).length})`);
  });

  it("refuses the token parameter sent twice, naming it, and spends nothing", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS);
    const token = encodeURIComponent(key);
    const response = await gateway.request(dropInPath(uniqueKol(), ...RANGE, `&token=${token}&token=${token}`), { as: null });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ field: "token", in: "query", rule: "single_value" }] });
    expect(gateway.emulator.requests).toHaveLength(0);
  });

  it("does not accept the token parameter on the normalized route", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS);
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE, `&token=${encodeURIComponent(key)}`), { as: null });
    expect(response.status).toBe(401);
  });

  it("accepts a good key as the key parameter on the chart route, for <img> embeds that cannot send headers", async () => {
    // The chart route opts in to `key=` (keyInQuery); the JSON route refuses it (formats.test.ts).
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS);
    const chart = `/v1/kols/${uniqueKol()}/daily-fans.svg?startDate=2026-02-07&endDate=2026-03-08&key=${encodeURIComponent(key)}`;
    expect((await gateway.request(chart, { as: null })).status).toBe(200);
  });

  it("lets a key with the operate permission read the spend guard", async () => {
    // The permission is read from the key's record: without it the same request is 403 (below, for anonymous callers).
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { permissions: ["operate"] });
    expect((await gateway.request("/v1/spend-guard", { as: key })).status).toBe(200);
  });

  it("never takes a key from a cookie", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS);
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE), {
      as: null,
      headers: { Cookie: `token=${key}; key=${key}; Authorization=Bearer ${key}` },
    });
    expect(response.status).toBe(401);
  });

  it("logs the key's name and never the key", async () => {
    const gateway = makeGateway();
    const { key, record } = await createTestKey(env.KEYS);
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    await gateway.request(dropInPath(uniqueKol(), ...RANGE, `&token=${key}`), { as: null });
    await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: `${key}x` });
    expect(gateway.logs.filter((line) => line.client === record.name)).toHaveLength(2);
    expect(JSON.stringify(gateway.logs)).not.toContain(key);
  });

  it("never lets a random credential through", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS);
    const nearMisses = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom(key.slice(0, -1), `${key}=`, key.toUpperCase(), `xte_${"A".repeat(43)}`, ""),
      fc.nat({ max: key.length - 1 }).chain((i) =>
        fc
          .string({ minLength: 1, maxLength: 1 })
          .filter((ch) => ch !== key[i])
          .map((ch) => key.slice(0, i) + ch + key.slice(i + 1)),
      ),
    );
    const placement = fc.constantFrom("bearer", "raw-authorization", "token-param", "cookie", "x-api-key");
    await fc.assert(
      fc.asyncProperty(nearMisses, placement, async (credential, where) => {
        const headers = new Headers();
        let path = dropInPath(uniqueKol(), ...RANGE);
        if (where === "bearer") headers.set("Authorization", `Bearer ${credential}`.replace(/[^\x20-\x7e]/g, ""));
        if (where === "raw-authorization") headers.set("Authorization", credential.replace(/[^\x20-\x7e]/g, ""));
        if (where === "token-param") path += `&token=${encodeURIComponent(credential)}`;
        if (where === "cookie") headers.set("Cookie", `token=${encodeURIComponent(credential)}`);
        if (where === "x-api-key") headers.set("X-Api-Key", credential.replace(/[^\x20-\x7e]/g, ""));
        const response = await gateway.request(path, { as: null, headers });
        expect(response.status).toBe(401);
      }),
      { numRuns: inject("fuzzRuns") },
    );
    expect(gateway.upstreamFetches).toBe(0);
  });
});

describe("failing closed", () => {
  it("refuses data routes with an operator message when no key exists", async () => {
    const gateway = makeGateway({ env: { KEYS: emptyKeys } });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: null });
    expect(response.status).toBe(503);
    const problem = await response.json<{ type: string; detail: string }>();
    expect(problem.type).toBe("/problems/gateway-misconfigured");
    expect(problem.detail).toContain("npm run key -- create");
    expect(problem.detail).toContain("PUBLIC_ACCESS");
  });

  it("counts only key records as keys: a namespace holding other entries still fails closed", async () => {
    // A name index left behind by a deleted record, and anything else an operator put in KEYS.
    const names = ["name:orphan", "note"];
    const leftovers = new Proxy({} as KVNamespace, {
      get: (_target, property) => async (options?: KVNamespaceListOptions) => {
        if (property !== "list") return null;
        const keys = names.filter((name) => name.startsWith(options?.prefix ?? "")).map((name) => ({ name }));
        return { keys: keys.slice(0, options?.limit ?? 1000), list_complete: true, cacheStatus: null };
      },
    });
    const gateway = makeGateway({ env: { KEYS: leftovers } });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: "xte_wrong" })).status).toBe(503);
  });

  it("asks KV whether any key exists at most once a minute, and sees a first key after that", async () => {
    let lists = 0;
    let keys: { name: string }[] = [];
    const counted = new Proxy({} as KVNamespace, {
      get: (_target, property) => async () => {
        if (property !== "list") return null;
        lists++;
        return { keys, list_complete: true, cacheStatus: null };
      },
    });
    const gateway = makeGateway({ env: { KEYS: counted } });
    const ask = async () => (await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: "xte_wrong" })).status;
    expect([await ask(), await ask()]).toEqual([503, 503]);
    expect(lists).toBe(1);
    keys = [{ name: "key:0" }];
    gateway.clock.now += 59_000;
    expect(await ask()).toBe(503);
    gateway.clock.now += 1_000;
    // A first key now exists: a wrong key is a plain 401, and the answer is remembered too.
    expect([await ask(), await ask()]).toEqual([401, 401]);
    expect(lists).toBe(2);
  });

  it("serves without a key under PUBLIC_ACCESS=true, as shareable public answers", async () => {
    const gateway = makeGateway({ env: { KEYS: emptyKeys, PUBLIC_ACCESS: "true" } });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: null });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toMatch(/^public,/);
    expect(gateway.logs[0]).toMatchObject({ client: "public" });
  });

  it("still refuses a wrong key under PUBLIC_ACCESS=true", async () => {
    const gateway = makeGateway({ env: { PUBLIC_ACCESS: "true" } });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: "xte_wrong" })).status).toBe(401);
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After once a standard key passes its limit, cached answers included", async () => {
    await startInOneRateWindow();
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { tier: "standard" });
    const path = trendPath(uniqueKol(), ...RANGE);
    const statuses: number[] = [];
    // The first request is a miss: it weighs two, itself and its upstream call.
    for (let i = 0; i < TEST_STANDARD_LIMIT - 1; i++) statuses.push((await gateway.request(path, { as: key })).status);
    expect(statuses).toEqual(Array(TEST_STANDARD_LIMIT - 1).fill(200));
    const limited = await gateway.request(path, { as: key });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toBe("60");
    expect(await limited.json()).toMatchObject({ type: "/problems/rate-limited", status: 429 });
    expect(gateway.upstreamFetches).toBe(1);
  });

  it("says in Retry-After what is left of the window, not a whole period", async () => {
    await startInOneRateWindow();
    const gateway = makeGateway({ now: FIXED_NOW + 45_000 });
    const { key } = await createTestKey(env.KEYS, { tier: "standard" });
    const path = trendPath(uniqueKol(), ...RANGE);
    for (let i = 0; i < TEST_STANDARD_LIMIT; i++) await gateway.request(path, { as: key });
    const limited = await gateway.request(path, { as: key });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toBe("15");
  });

  it("says in the 429's detail that the key is what is limited, and how long to wait", async () => {
    await startInOneRateWindow();
    // 45 s into the window: 15 s are left, in the detail as in Retry-After, for a person reading a log.
    const gateway = makeGateway({ now: FIXED_NOW + 45_000 });
    const { key } = await createTestKey(env.KEYS, { tier: "standard" });
    const path = trendPath(uniqueKol(), ...RANGE);
    for (let i = 0; i < TEST_STANDARD_LIMIT; i++) await gateway.request(path, { as: key });
    const { detail } = await (await gateway.request(path, { as: key })).json<{ detail: string }>();
    expect(detail).toContain("for this key");
    expect(detail).toContain("15 s");
  });

  it("refuses a miss whose upstream call would pass the key's limit, before making the call", async () => {
    await startInOneRateWindow();
    // Each upstream call weighs one more request, so a many-creator request cannot buy more than single ones.
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { tier: "standard" });
    const cached = trendPath(uniqueKol(), ...RANGE);
    // One miss weighs two (itself and its upstream call), seven hits seven: one request is left.
    for (let i = 0; i < TEST_STANDARD_LIMIT - 2; i++) expect((await gateway.request(cached, { as: key })).status).toBe(200);
    const miss = await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key });
    expect(miss.status).toBe(429);
    expect((await miss.json<{ detail: string }>()).detail).toMatch(/for this key: each upstream call .* counts as one more request/);
    expect(gateway.upstreamFetches).toBe(1);
  });

  it("limits failed authentication attempts per address with 429", async () => {
    await startInOneRateWindow();
    const gateway = makeGateway();
    const from = (address: string) => ({ as: "xte_wrong-key", headers: { "CF-Connecting-IP": address } });
    const statuses: number[] = [];
    for (let i = 0; i <= TEST_AUTH_FAILURE_LIMIT; i++)
      statuses.push((await gateway.request(trendPath("1", ...RANGE), from("198.51.100.7"))).status);
    expect(statuses).toEqual([...Array(TEST_AUTH_FAILURE_LIMIT).fill(401), 429]);
    // Another address is not held back by the first one's failures.
    expect((await gateway.request(trendPath("1", ...RANGE), from("198.51.100.8"))).status).toBe(401);
  });

  it("gives a bulk key more room than a standard one in the same window", async () => {
    await startInOneRateWindow();
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { tier: "bulk" });
    const path = trendPath(uniqueKol(), ...RANGE);
    for (let i = 0; i < TEST_STANDARD_LIMIT * 2; i++) expect((await gateway.request(path, { as: key })).status).toBe(200);
  });

  it("admits a bulk key's requests in grants: one limiter call in an isolate for every ten requests", async () => {
    // Asking the platform's limiter costs a call on every cache hit; a grant of RATE_LIMIT_BULK_GRANT saves nine in ten.
    let calls = 0;
    const counting = { limit: async () => (calls++, { success: true }) };
    const gateway = makeGateway({ env: { RATE_LIMIT_BULK: counting, RATE_LIMIT_BULK_GRANT: "10" } });
    const { key } = await createTestKey(env.KEYS, { tier: "bulk" });
    const path = trendPath(uniqueKol(), ...RANGE);
    // A miss weighs two (itself and its upstream call), eight hits eight: ten requests, one grant.
    for (let i = 0; i < 9; i++) expect((await gateway.request(path, { as: key })).status).toBe(200);
    expect(calls).toBe(1);
  });

  it("limits each key on its own", async () => {
    await startInOneRateWindow();
    const gateway = makeGateway();
    const first = await createTestKey(env.KEYS, { tier: "standard" });
    const second = await createTestKey(env.KEYS, { tier: "standard" });
    const path = trendPath(uniqueKol(), ...RANGE);
    for (let i = 0; i <= TEST_STANDARD_LIMIT; i++) await gateway.request(path, { as: first.key });
    expect((await gateway.request(path, { as: second.key })).status).toBe(200);
  });

  it("gives upstream-style clients code 302 when rate limited on the drop-in route", async () => {
    await startInOneRateWindow();
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { tier: "standard" });
    const path = dropInPath(uniqueKol(), ...RANGE, `&token=${key}`);
    let last: Response | undefined;
    for (let i = 0; i <= TEST_STANDARD_LIMIT; i++) last = await gateway.request(path, { as: null });
    expect(last!.status).toBe(429);
    expect(await last!.json()).toMatchObject({ code: 302 });
  });
});

describe("anonymous callers under PUBLIC_ACCESS", () => {
  const publicGateway = () => makeGateway({ env: { PUBLIC_ACCESS: "true" } });
  /** A caller's address, unique to the test: the limiters' counts outlive a test. */
  const newAddress = () => `2001:db8::${[...crypto.getRandomValues(new Uint16Array(3))].map((part) => part.toString(16)).join(":")}`;
  const from = (address: string, headers: Record<string, string> = {}) => ({
    as: null,
    headers: { "CF-Connecting-IP": address, ...headers },
  });

  it("are limited per address: one address past the limit holds back no other", async () => {
    await startInOneRateWindow();
    // Without a key, the address is the only identity a limit can hold to.
    const gateway = publicGateway();
    const [first, second] = [newAddress(), newAddress()];
    const path = trendPath(uniqueKol(), ...RANGE);
    for (let i = 0; i < TEST_STANDARD_LIMIT; i++) await gateway.request(path, from(first));
    expect((await gateway.request(path, from(first))).status).toBe(429);
    expect((await gateway.request(path, from(second))).status).toBe(200);
  });

  it("weigh one more request per upstream call their request causes, as a key's requests do", async () => {
    await startInOneRateWindow();
    const gateway = publicGateway();
    const address = newAddress();
    // Each miss is a request and an upstream call: two of the standard tier's requests a minute.
    for (let i = 0; i < TEST_STANDARD_LIMIT / 2; i++) {
      expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), from(address))).status).toBe(200);
    }
    const limited = await gateway.request(trendPath(uniqueKol(), ...RANGE), from(address));
    expect(limited.status).toBe(429);
    expect((await limited.json<{ detail: string }>()).detail).toContain("for this address");
    expect(gateway.emulator.requests).toHaveLength(TEST_STANDARD_LIMIT / 2);
  });

  it("are told in the 429's detail that their address is limited, at the standard tier", async () => {
    await startInOneRateWindow();
    const gateway = publicGateway();
    const address = newAddress();
    const path = trendPath(uniqueKol(), ...RANGE);
    for (let i = 0; i < TEST_STANDARD_LIMIT; i++) await gateway.request(path, from(address));
    const limited = await gateway.request(path, from(address));
    expect(limited.status).toBe(429);
    expect((await limited.json<{ detail: string }>()).detail).toContain("The standard tier's request limit is reached for this address");
  });

  it("cannot force a refresh: they get the cached answer, with a header saying so", async () => {
    // A forced refresh spends the gateway's token; only keys given the refresh permission may ask for one.
    const gateway = publicGateway();
    const address = newAddress();
    const path = trendPath(uniqueKol(), ...RANGE);
    await gateway.request(path, from(address));
    const response = await gateway.request(path, from(address, { "Xingtu-Refresh": "settled" }));
    expect(response.headers.get("Xingtu-Refresh")).toMatch(/^refused;/);
    expect(gateway.upstreamFetches).toBe(1);
  });

  it("cannot read the spend guard, which needs a key with the operate permission", async () => {
    // PUBLIC_ACCESS opens data answers only, never the operator's routes.
    const response = await publicGateway().request("/v1/spend-guard", from(newAddress()));
    expect(response.status).toBe(403);
  });

  it("are challenged for a key where one is needed, as a client without a key is", async () => {
    // Rosters belong to a key: the 401 carries the same Bearer challenge, so a client library asks for one.
    const response = await publicGateway().request("/v1/rosters", from(newAddress()));
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="xingtu-edge"');
  });
});

describe("forced refreshes", () => {
  it("are honoured for a key with the refresh permission", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { permissions: ["refresh"] });
    const path = trendPath(uniqueKol(), ...RANGE);
    await gateway.request(path, { as: key });
    const refreshed = await gateway.request(path, { as: key, headers: { "Xingtu-Refresh": "settled" } });
    expect(refreshed.headers.get("Cache-Status")).toMatch(/fwd=request/);
    expect(refreshed.headers.get("Xingtu-Refresh")).toBe("done");
    expect(gateway.upstreamFetches).toBe(2);
  });

  it("are answered from cache, with a header saying so, for a key without it", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { permissions: [] });
    const path = trendPath(uniqueKol(), ...RANGE);
    await gateway.request(path, { as: key });
    const response = await gateway.request(path, { as: key, headers: { "Xingtu-Refresh": "settled" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Status")).toMatch(/; hit;/);
    expect(response.headers.get("Xingtu-Refresh")).toMatch(/^refused;/);
    expect(gateway.upstreamFetches).toBe(1);
  });
});

describe("browsers (CORS)", () => {
  const ORIGIN = "https://dash.example.com";

  it("allows a listed origin and exposes the cache headers", async () => {
    const gateway = makeGateway({ env: { ALLOWED_ORIGINS: `https://other.example, ${ORIGIN}` } });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE), { headers: { Origin: ORIGIN } });
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    expect(response.headers.get("Access-Control-Expose-Headers")?.split(",")).toEqual(
      expect.arrayContaining([
        "Cache-Status",
        "Xingtu-Upstream-Calls",
        "Xingtu-Upstream-Billed",
        "Xingtu-Upstream-Request-Id",
        "Deprecation",
        "Xingtu-Roster-Failed",
      ]),
    );
    expect(response.headers.has("Access-Control-Allow-Credentials")).toBe(false);
  });

  it("lets a listed origin keep rosters: PUT and DELETE pass the preflight", async () => {
    const gateway = makeGateway({ env: { ALLOWED_ORIGINS: ORIGIN } });
    const preflight = await gateway.request("/v1/rosters/team", {
      method: "OPTIONS",
      headers: { Origin: ORIGIN, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization, content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Methods")?.split(",")).toEqual(expect.arrayContaining(["PUT", "PATCH", "DELETE"]));
  });

  it("gives an unlisted origin no CORS headers", async () => {
    const gateway = makeGateway({ env: { ALLOWED_ORIGINS: ORIGIN } });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE), { headers: { Origin: "https://evil.example" } });
    expect(response.headers.has("Access-Control-Allow-Origin")).toBe(false);
  });

  it("allows no origin by default", async () => {
    const response = await makeGateway().request(trendPath(uniqueKol(), ...RANGE), { headers: { Origin: ORIGIN } });
    expect(response.headers.has("Access-Control-Allow-Origin")).toBe(false);
  });

  it("answers a preflight without a key and without touching the upstream", async () => {
    const gateway = makeGateway({ env: { ALLOWED_ORIGINS: ORIGIN } });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE), {
      as: null,
      method: "OPTIONS",
      headers: { Origin: ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    expect(response.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("authorization");
    expect(gateway.upstreamFetches).toBe(0);
  });
});

describe("hardening", () => {
  it("sets security headers on answers, errors and 404s, with no server detail", async () => {
    const gateway = makeGateway();
    const responses = [
      await gateway.request(trendPath(uniqueKol(), ...RANGE)),
      await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: null }),
      await gateway.request("/nowhere"),
      await gateway.request("/healthz"),
    ];
    for (const response of responses) {
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("X-Frame-Options")).toBe("DENY");
      expect(response.headers.has("Server")).toBe(false);
      expect(response.headers.has("X-Powered-By")).toBe(false);
    }
  });

  it("answers a method a route does not serve with 405 and Allow", async () => {
    const gateway = makeGateway();
    for (const path of [trendPath(uniqueKol(), ...RANGE), dropInPath(uniqueKol(), ...RANGE), "/healthz"]) {
      const response = await gateway.request(path, { method: "DELETE" });
      expect(response.status).toBe(405);
      expect(response.headers.get("Allow")).toBe("GET, HEAD, OPTIONS");
      expect(await response.json()).toMatchObject({ type: "/problems/method-not-allowed" });
    }
    expect(gateway.upstreamFetches).toBe(0);
  });

  it("answers HEAD like GET, without a body", async () => {
    const response = await makeGateway().request(trendPath(uniqueKol(), ...RANGE), { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });

  it("refuses an overlong URL with 414", async () => {
    const response = await makeGateway().request(trendPath(uniqueKol(), ...RANGE, `&pad=${"x".repeat(3000)}`));
    expect(response.status).toBe(414);
    expect(await response.json()).toMatchObject({ type: "/problems/uri-too-long" });
  });

  it("refuses an oversized body with 413", async () => {
    const response = await makeGateway().request(trendPath(uniqueKol(), ...RANGE), {
      method: "POST",
      body: "x".repeat(MAX_BODY_BYTES + 1),
    });
    expect(response.status).toBe(413);
  });
});
