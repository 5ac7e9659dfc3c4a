/**
 * Local KV data left under the old placeholder namespace ids is moved, once, to the id-less
 * bindings' storage (`npm start` runs this before wrangler dev).
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { migrateLocalKv } from "../../tools/local/migrate-kv.ts";

const OLD_KEYS_ID = "11111111111111111111111111111111";

interface Kv {
  put(name: string, value: string, options?: { metadata?: unknown; expiration?: number }): Promise<void>;
  getWithMetadata(name: string): Promise<{ value: string | null; metadata: unknown }>;
  list(options: { prefix: string }): Promise<{ keys: { name: string; expiration?: number }[] }>;
}

async function withNamespaces<T>(stateDir: string, namespaces: Record<string, string>, use: (mf: Miniflare) => Promise<T>): Promise<T> {
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      script: "export default { fetch: () => new Response(null) }",
      modules: true,
      resourcePersistencePath: join(stateDir, "v3"),
      kvNamespaces: namespaces,
    }),
  );
  try {
    return await use(mf);
  } finally {
    await mf.dispose();
  }
}

describe("moving local KV data to the id-less bindings", () => {
  it("copies values with their metadata and expiry, removes the old namespace, and runs once", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "xingtu-migrate-"));
    const expiration = Math.floor(Date.now() / 1000) + 3600;
    await withNamespaces(stateDir, { OLD: OLD_KEYS_ID }, async (mf) => {
      const old = (await mf.getKVNamespace("OLD")) as unknown as Kv;
      await old.put("key:abc", '{"name":"acme"}', { metadata: { name: "acme" }, expiration });
      await old.put("name:acme", "key:abc");
    });

    expect(await migrateLocalKv(stateDir)).toBe(2);
    expect(existsSync(join(stateDir, "v3", "kv", OLD_KEYS_ID))).toBe(false);
    expect(await migrateLocalKv(stateDir)).toBe(0);

    await withNamespaces(stateDir, { KEYS: "KEYS" }, async (mf) => {
      const keys = (await mf.getKVNamespace("KEYS")) as unknown as Kv;
      expect(await keys.getWithMetadata("key:abc")).toMatchObject({ value: '{"name":"acme"}', metadata: { name: "acme" } });
      expect((await keys.list({ prefix: "key:" })).keys).toEqual([{ name: "key:abc", expiration, metadata: { name: "acme" } }]);
      expect((await keys.getWithMetadata("name:acme")).value).toBe("key:abc");
    });
  });
});
