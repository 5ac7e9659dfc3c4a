/**
 * `/v1/keys`: an operator key onboards a teammate (a key shown once, working at once), lists keys
 * without their hashes, revokes one (refused at once here) and rotates its webhook secret; other
 * keys may not.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { makeGateway, unreachableNamespace } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import type { Problem } from "../../src/problem.ts";

const json = (method: string, body: unknown) => ({ method, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
const uniqueName = () => `mate-${crypto.randomUUID().slice(0, 8)}`;

async function operator() {
  return (await createTestKey(env.KEYS, { permissions: ["operate"] })).key;
}

describe("client keys over the API", () => {
  it("makes a key for a teammate, shown once, that works at once, and lists it without its hash", async () => {
    const gateway = makeGateway();
    const as = await operator();
    const name = uniqueName();
    const created = await gateway.request("/v1/keys", {
      ...json("POST", { name, tier: "bulk", permissions: ["refresh"], dailyUpstreamCalls: 50 }),
      as,
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { key: string; name: string; tier: string };
    expect(body).toMatchObject({ name, tier: "bulk", permissions: ["refresh"], dailyUpstreamCalls: 50, disabled: false });
    expect(body.key).toMatch(/^xte_/);
    expect(await (await gateway.request("/v1/key", { as: body.key })).json()).toMatchObject({ key: name, tier: "bulk" });
    const listed = JSON.stringify(await (await gateway.request("/v1/keys", { as })).json());
    expect(listed).toContain(`"name":"${name}"`);
    expect(listed).not.toContain("hash");
    expect(listed).not.toContain(body.key);
  });

  it("refuses a name taken already, and a body that breaks the rules, naming each field", async () => {
    const gateway = makeGateway();
    const as = await operator();
    const name = uniqueName();
    await gateway.request("/v1/keys", { ...json("POST", { name }), as });
    const again = await gateway.request("/v1/keys", { ...json("POST", { name }), as });
    expect([again.status, ((await again.json()) as Problem).type]).toEqual([409, "/problems/key-exists"]);
    const bad = await gateway.request("/v1/keys", {
      ...json("POST", { name: "bad name", tier: "gold", permissions: ["refresh", "refresh"] }),
      as,
    });
    const fields = ((await bad.json()) as Problem).errors!.map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(["name", "tier", "permissions"]));
  });

  it("revokes a key, refused at once here, but never the operator's own", async () => {
    const gateway = makeGateway();
    const as = await operator();
    const made = (await (await gateway.request("/v1/keys", { ...json("POST", { name: uniqueName() }), as })).json()) as {
      key: string;
      name: string;
    };
    expect((await gateway.request("/v1/key", { as: made.key })).status).toBe(200);
    expect((await gateway.request(`/v1/keys/${made.name}`, { method: "DELETE", as })).status).toBe(204);
    expect((await gateway.request("/v1/key", { as: made.key })).status).toBe(401);
    const self = (await (await gateway.request("/v1/key", { as })).json()) as { key: string };
    expect((await gateway.request(`/v1/keys/${self.key}`, { method: "DELETE", as })).status).toBe(400);
    expect((await gateway.request("/v1/keys/nobody-by-this-name", { method: "DELETE", as })).status).toBe(404);
  });

  it("rotates a key's webhook secret, one rotation at a time", async () => {
    const gateway = makeGateway();
    const as = await operator();
    const made = (await (await gateway.request("/v1/keys", { ...json("POST", { name: uniqueName() }), as })).json()) as { name: string };
    const path = `/v1/keys/${made.name}/webhook-secret`;
    expect(await (await gateway.request(path, { ...json("POST", {}), as })).json()).toMatchObject({ rotating: true });
    expect((await gateway.request(path, { ...json("POST", {}), as })).status).toBe(400);
    expect(await (await gateway.request(path, { ...json("POST", { finish: true }), as })).json()).toMatchObject({ rotating: false });
  });

  it("lists whether each key's webhook secret is being rotated", async () => {
    const gateway = makeGateway();
    const as = await operator();
    const made = (await (await gateway.request("/v1/keys", { ...json("POST", { name: uniqueName() }), as })).json()) as { name: string };
    const listed = async () =>
      ((await (await gateway.request("/v1/keys", { as })).json()) as { keys: { name: string; rotating: boolean }[] }).keys.find(
        (key) => key.name === made.name,
      );
    expect(await listed()).toMatchObject({ rotating: false });
    await gateway.request(`/v1/keys/${made.name}/webhook-secret`, { ...json("POST", {}), as });
    expect(await listed()).toMatchObject({ rotating: true });
    await gateway.request(`/v1/keys/${made.name}/webhook-secret`, { ...json("POST", { finish: true }), as });
    expect(await listed()).toMatchObject({ rotating: false });
  });

  it("changes a key's daily limit, tier and permissions, at once here, and nothing else of it", async () => {
    const gateway = makeGateway();
    const as = await operator();
    const made = (await (await gateway.request("/v1/keys", { ...json("POST", { name: uniqueName() }), as })).json()) as {
      key: string;
      name: string;
    };
    const changed = await gateway.request(`/v1/keys/${made.name}`, { ...json("PATCH", { dailyUpstreamCalls: 5, tier: "bulk" }), as });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ name: made.name, tier: "bulk", dailyUpstreamCalls: 5, permissions: [], disabled: false });
    expect(await (await gateway.request("/v1/key", { as: made.key })).json()).toMatchObject({ tier: "bulk", dailyUpstreamCalls: 5 });
    const granted = await gateway.request(`/v1/keys/${made.name}`, { ...json("PATCH", { permissions: ["refresh"] }), as });
    expect(await granted.json()).toMatchObject({ tier: "bulk", dailyUpstreamCalls: 5, permissions: ["refresh"] });
  });

  it("refuses a change that changes nothing, breaks a rule, names no key, or takes an operator's own operate away", async () => {
    const gateway = makeGateway();
    const as = await operator();
    const errorsOf = async (path: string, body: unknown) =>
      ((await (await gateway.request(path, { ...json("PATCH", body), as })).json()) as Problem).errors?.map(({ field, rule }) => ({
        field,
        rule,
      }));
    const self = ((await (await gateway.request("/v1/key", { as })).json()) as { key: string }).key;
    expect(await errorsOf(`/v1/keys/${self}`, {})).toEqual([{ field: "dailyUpstreamCalls", rule: "some_change" }]);
    expect(await errorsOf(`/v1/keys/${self}`, { dailyUpstreamCalls: -1 })).toEqual([{ field: "dailyUpstreamCalls", rule: "too_small" }]);
    expect(await errorsOf(`/v1/keys/${self}`, { permissions: ["refresh"] })).toEqual([{ field: "permissions", rule: "keeps_operate" }]);
    const missing = await gateway.request("/v1/keys/nobody-by-this-name", { ...json("PATCH", { tier: "bulk" }), as });
    expect([missing.status, ((await missing.json()) as Problem).type]).toEqual([404, "/problems/key-not-found"]);
    expect(await (await gateway.request("/v1/key", { as })).json()).toMatchObject({ permissions: ["operate"] });
  });

  it("keeps a key revoked when a change is sent with its revocation, and never changes a revoked key", async () => {
    const gateway = makeGateway();
    const as = await operator();
    for (let round = 0; round < 5; round++) {
      const made = (await (await gateway.request("/v1/keys", { ...json("POST", { name: uniqueName() }), as })).json()) as {
        key: string;
        name: string;
      };
      const [revoked] = await Promise.all([
        gateway.request(`/v1/keys/${made.name}`, { method: "DELETE", as }),
        gateway.request(`/v1/keys/${made.name}`, { ...json("PATCH", { permissions: ["refresh"] }), as }),
      ]);
      expect(revoked.status).toBe(204);
      expect((await gateway.request("/v1/key", { as: made.key })).status).toBe(401);
      const later = await gateway.request(`/v1/keys/${made.name}`, { ...json("PATCH", { dailyUpstreamCalls: 5 }), as });
      expect([later.status, ((await later.json()) as Problem).type]).toEqual([409, "/problems/key-revoked"]);
    }
  });

  it("keeps both of two changes sent at once, and makes one key of two creations of one name", async () => {
    const gateway = makeGateway();
    const as = await operator();
    const name = uniqueName();
    const created = await Promise.all([1, 2].map(() => gateway.request("/v1/keys", { ...json("POST", { name }), as })));
    expect(created.map((response) => response.status).sort()).toEqual([201, 409]);
    await Promise.all([
      gateway.request(`/v1/keys/${name}`, { ...json("PATCH", { tier: "bulk" }), as }),
      gateway.request(`/v1/keys/${name}`, { ...json("PATCH", { dailyUpstreamCalls: 7 }), as }),
      gateway.request(`/v1/keys/${name}/webhook-secret`, { ...json("POST", {}), as }),
    ]);
    const listed = ((await (await gateway.request("/v1/keys", { as })).json()) as { keys: { name: string }[] }).keys;
    expect(listed.find((key) => key.name === name)).toMatchObject({ tier: "bulk", dailyUpstreamCalls: 7 });
    const rotating = await gateway.request(`/v1/keys/${name}/webhook-secret`, { ...json("POST", {}), as });
    expect(rotating.status).toBe(400);
  });

  it("lists keys by name", async () => {
    const gateway = makeGateway();
    const as = await operator();
    for (const name of ["zz-last", "aa-first", "mm-middle"])
      await gateway.request("/v1/keys", { ...json("POST", { name: `${name}-${uniqueName()}` }), as });
    const names = ((await (await gateway.request("/v1/keys", { as })).json()) as { keys: { name: string }[] }).keys.map((key) => key.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it("lists every key, however many: past the first page of KV's list (1000 names)", async () => {
    const gateway = makeGateway();
    const as = await operator();
    const team = `team-${crypto.randomUUID().slice(0, 8)}`;
    const made: string[] = [];
    for (let batch = 0; batch < 11; batch++) {
      const names = Array.from({ length: 100 }, (_, i) => `${team}-${String(batch * 100 + i).padStart(4, "0")}`);
      await Promise.all(names.map((name) => createTestKey(env.KEYS, { name })));
      made.push(...names);
    }
    const listed = ((await (await gateway.request("/v1/keys", { as })).json()) as { keys: { name: string }[] }).keys;
    expect(listed.map((key) => key.name).filter((name) => name.startsWith(team))).toEqual(made);
  }, 60_000);

  it("lists keys past an entry put under key: by hand with no metadata, leaving it out", async () => {
    const gateway = makeGateway();
    const as = await operator();
    const name = uniqueName();
    await createTestKey(env.KEYS, { name });
    // As `wrangler kv key put` would leave them: a value, and no metadata (or a null one).
    await env.KEYS.put(`key:by-hand-${crypto.randomUUID()}`, "{}");
    await env.KEYS.put(`key:by-hand-${crypto.randomUUID()}`, "{}", { metadata: null });
    const response = await gateway.request("/v1/keys", { as });
    expect(response.status).toBe(200);
    const { keys } = (await response.json()) as { keys: ({ name: string } | null)[] };
    expect(keys).not.toContain(null);
    expect(keys.map((key) => key?.name)).toContain(name);
  });

  it("keeps every answer out of caches, gives a new key's Location, and says each refusal in words", async () => {
    const gateway = makeGateway();
    const as = await operator();
    const name = uniqueName();
    const created = await gateway.request("/v1/keys", { ...json("POST", { name }), as });
    expect([created.headers.get("Cache-Control"), created.headers.get("Location")]).toEqual(["no-store", `/v1/keys/${name}`]);
    for (const [path, init] of [
      ["/v1/keys", {}],
      [`/v1/keys/${name}`, json("PATCH", { tier: "bulk" })],
      [`/v1/keys/${name}/webhook-secret`, json("POST", {})],
    ] as const) {
      expect((await gateway.request(path, { ...init, as })).headers.get("Cache-Control")).toBe("no-store");
    }
    const detailOf = async (path: string, init: RequestInit) =>
      ((await (await gateway.request(path, { ...init, as })).json()) as Problem).detail;
    expect(await detailOf("/v1/keys", json("POST", { name }))).toBe(`A key named "${name}" exists already: choose another name.`);
    expect(await detailOf("/v1/keys/nobody-here", json("PATCH", { tier: "bulk" }))).toBe('There is no key named "nobody-here".');
    expect(await detailOf(`/v1/keys/${name}/webhook-secret`, json("POST", {}))).toBe(
      'This key\'s webhook secret is being rotated already: finish it first (`{"finish": true}`).',
    );
    await gateway.request(`/v1/keys/${name}/webhook-secret`, { ...json("POST", { finish: true }), as });
    expect(await detailOf(`/v1/keys/${name}/webhook-secret`, json("POST", { finish: true }))).toBe(
      "This key's webhook secret is not being rotated.",
    );
    await gateway.request(`/v1/keys/${name}`, { method: "DELETE", as });
    expect(await detailOf(`/v1/keys/${name}`, json("PATCH", { tier: "bulk" }))).toBe(
      `The key "${name}" is revoked: a revoked key never changes again. Make a new one.`,
    );
    const { key: plain } = await createTestKey(env.KEYS);
    const refused = (await (await gateway.request("/v1/keys", { as: plain })).json()) as Problem;
    expect(refused.detail).toBe("Managing client keys needs a key with the operate permission.");
  });

  it("lets an operator key change its own permissions while it keeps operate, and says why it may not drop it", async () => {
    const gateway = makeGateway();
    const as = await operator();
    const self = ((await (await gateway.request("/v1/key", { as })).json()) as { key: string }).key;
    const kept = await gateway.request(`/v1/keys/${self}`, { ...json("PATCH", { permissions: ["operate", "refresh"] }), as });
    expect([kept.status, ((await kept.json()) as { permissions: string[] }).permissions]).toEqual([200, ["operate", "refresh"]]);
    const dropped = (await (await gateway.request(`/v1/keys/${self}`, { ...json("PATCH", { permissions: [] }), as })).json()) as Problem;
    expect(dropped.errors).toEqual([
      {
        field: "permissions",
        in: "body",
        rule: "keeps_operate",
        message: "must keep operate when a key changes itself (its operator would be locked out): use another operator key",
      },
    ]);
    const revokeSelf = (await (await gateway.request(`/v1/keys/${self}`, { method: "DELETE", as })).json()) as Problem;
    expect(revokeSelf.detail).toBe(
      "A key cannot revoke itself (the console would lock its operator out): revoke it with another operator key or `npm run key -- revoke`.",
    );
  });

  it("answers 503 when the key's ledger cannot be reached, and changes nothing", async () => {
    const as = await operator();
    const name = uniqueName();
    await makeGateway().request("/v1/keys", { ...json("POST", { name }), as });
    const cut = makeGateway({ env: { KEY_LEDGER: unreachableNamespace() } });
    const response = await cut.request(`/v1/keys/${name}`, { ...json("PATCH", { tier: "bulk" }), as });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      type: "/problems/ledger-unavailable",
      detail: "The key could not be saved; nothing was changed. Retry later.",
    });
    expect(response.headers.get("Retry-After")).toBe("30");
    const listed = ((await (await makeGateway().request("/v1/keys", { as })).json()) as { keys: { name: string; tier: string }[] }).keys;
    expect(listed.find((key) => key.name === name)?.tier).toBe("standard");
  });

  it("answers 403 to a key without the operate permission", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS, { permissions: ["refresh"] });
    for (const [path, init] of [
      ["/v1/keys", {}],
      ["/v1/keys", json("POST", { name: uniqueName() })],
      ["/v1/keys/anyone", json("PATCH", { tier: "bulk" })],
      // Refused for who it is before its body is read: a bad body is not a way to learn the rules.
      ["/v1/keys/anyone", json("PATCH", { permissions: "operate" })],
      ["/v1/keys/anyone", { method: "DELETE" }],
    ] as const) {
      const response = await gateway.request(path, { ...init, as: key });
      expect([response.status, ((await response.json()) as Problem).type]).toEqual([403, "/problems/forbidden"]);
    }
  });
});
