/**
 * @module Moves local KV data left by the old wrangler.toml, whose namespaces had placeholder ids,
 * to the id-less bindings (`wrangler dev` keys local storage by the binding's name now). Runs once
 * before `npm start`: client keys created locally keep working; the old namespace is removed after.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";

/** wrangler.toml's ids before the bindings lost them, by binding. */
const OLD_IDS = { CACHE: "00000000000000000000000000000000", KEYS: "11111111111111111111111111111111" } as const;

// Miniflare types its KV as the Workers type, which Node-side code does not load: this much is used.
interface LocalKv {
  list(options: { cursor?: string }): Promise<{
    keys: { name: string; expiration?: number; metadata?: unknown }[];
    list_complete: boolean;
    cursor?: string;
  }>;
  get(name: string, type: "arrayBuffer"): Promise<ArrayBuffer | null>;
  put(name: string, value: ArrayBuffer, options: { expiration?: number; metadata?: unknown }): Promise<void>;
}

/** Copies each old namespace's entries (values, metadata, expiry) into its binding's; returns how many. */
export async function migrateLocalKv(stateDir: string): Promise<number> {
  const kvDir = join(stateDir, "v3", "kv");
  const pending = Object.entries(OLD_IDS).filter(([, id]) => existsSync(join(kvDir, id)));
  if (pending.length === 0) return 0;
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      script: 'addEventListener("fetch", (e) => e.respondWith(new Response(null, { status: 404 })))',
      resourcePersistencePath: join(stateDir, "v3"),
      kvNamespaces: Object.fromEntries(
        pending.flatMap(([binding, id]) => [
          [`OLD_${binding}`, id],
          [binding, binding],
        ]),
      ),
    }),
  );
  let moved = 0;
  try {
    for (const [binding, id] of pending) {
      const from = (await mf.getKVNamespace(`OLD_${binding}`)) as unknown as LocalKv;
      const to = (await mf.getKVNamespace(binding)) as unknown as LocalKv;
      let cursor: string | undefined;
      do {
        const page = await from.list({ cursor });
        for (const key of page.keys) {
          const value = await from.get(key.name, "arrayBuffer");
          if (value === null) continue;
          await to.put(key.name, value, { expiration: key.expiration, metadata: key.metadata });
          moved += 1;
        }
        cursor = page.list_complete ? undefined : page.cursor;
      } while (cursor);
      // Its blob folder is what marks it pending: gone, it is never copied again.
      rmSync(join(kvDir, id), { recursive: true, force: true });
    }
  } finally {
    await mf.dispose();
  }
  return moved;
}
