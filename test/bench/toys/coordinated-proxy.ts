/**
 * The toy coordinated proxy: the least a proxy can do on a miss and still keep the gateway's
 * promises. It reads its cache first (a hit never reaches an object), then asks one Durable Object
 * per creator, which writes its call down before making it (an object's output gate holds the call
 * until the note is durable: a restart never forgets a call that may have been billed), keeps the
 * answer before telling anyone of it, and answers. Its miss is the floor under the gateway's: the
 * cache read, the hop and the two durable writes any such design pays. What the gateway adds over
 * it is its own work (day-level reuse, wide windows, the ledgers' admissions, the usage record).
 */
import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";
import { toyKey } from "./proxy.ts";

type ToyEnv = { Bindings: { CACHE: KVNamespace; KOL_COORDINATOR: DurableObjectNamespace<ToyCoordinator> } };

export class ToyCoordinator extends DurableObject {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS calls (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS answers (url TEXT PRIMARY KEY, body TEXT NOT NULL)");
  }

  /** The upstream's answer for `url`: the call written down first, the answer kept, the call crossed out. */
  async miss(url: string): Promise<string> {
    const { id } = this.sql.exec<{ id: number }>("INSERT INTO calls (url) VALUES (?) RETURNING id", url).one();
    const text = await (await fetch(url)).text();
    this.sql.exec("INSERT OR REPLACE INTO answers (url, body) VALUES (?, ?)", url, text);
    this.sql.exec("DELETE FROM calls WHERE id = ?", id);
    return text;
  }
}

export default new Hono<ToyEnv>().get("*", async (c) => {
  const url = new URL(c.req.url);
  const cached = await c.env.CACHE.get(toyKey(url));
  if (cached !== null) return c.body(cached, 200, { "Content-Type": "application/json" });
  const creator = c.env.KOL_COORDINATOR.getByName(url.searchParams.get("oAuthorId") ?? "");
  const text = await creator.miss(`https://api.justoneapi.com${url.pathname}${url.search}`);
  c.executionCtx.waitUntil(c.env.CACHE.put(toyKey(url), text, { expirationTtl: 3600 }));
  return c.body(text, 200, { "Content-Type": "application/json" });
});
