/**
 * The toy coordinated proxy: the least a proxy can do on a miss that reads its cache first and
 * never forgets a call it may have paid for. It reads its cache first (a hit never reaches an object), then asks one Durable Object
 * per creator, which writes its call down before making it (an object's output gate holds the call
 * until the note is durable: a restart never forgets a call that may have been billed), makes it
 * as wide as the gateway's (the upstream bills per call: a year up to today), keeps the answer
 * before telling anyone of it, and answers the asked range out of it. Its miss is the floor under
 * the gateway's: the cache read, the hop, the two durable writes and the wide answer any such
 * design pays. It admits nothing (no budget, no key's limit): what the gateway adds over it is its
 * own work (day-level reuse, the ledgers' admissions, the usage record).
 */
import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";
import { toyKey } from "./proxy.ts";

/** Days a call asks for, up to today (the gateway's UPSTREAM_FETCH_DAYS by default). */
const WIDE_DAYS = 365;

/** The Shanghai date `daysAgo` days before today (Douyin's days are Beijing days). */
const shanghaiDate = (daysAgo: number) => new Date(Date.now() + 8 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);

type ToyEnv = { Bindings: { CACHE: KVNamespace; KOL_COORDINATOR: DurableObjectNamespace<ToyCoordinator> } };

export class ToyCoordinator extends DurableObject {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS calls (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS answers (url TEXT PRIMARY KEY, body TEXT NOT NULL)");
  }

  /** The upstream's answer for `url`'s range, out of one wide call: written down first, its answer kept, then crossed out. */
  async miss(url: string): Promise<string> {
    const asked = new URL(url);
    const [startDate, endDate] = [asked.searchParams.get("startDate") ?? "", asked.searchParams.get("endDate") ?? ""];
    const wide = new URL(asked);
    const today = shanghaiDate(0);
    wide.searchParams.set("startDate", [startDate, shanghaiDate(WIDE_DAYS - 1)].sort()[0]!);
    wide.searchParams.set("endDate", today);
    const { id } = this.sql.exec<{ id: number }>("INSERT INTO calls (url) VALUES (?) RETURNING id", wide.href).one();
    const text = await (await fetch(wide)).text();
    this.sql.exec("INSERT OR REPLACE INTO answers (url, body) VALUES (?, ?)", wide.href, text);
    this.sql.exec("DELETE FROM calls WHERE id = ?", id);
    const body = JSON.parse(text) as { data: { daily: { date: string }[]; delta: { date: string }[] } };
    const inRange = (point: { date: string }) => point.date >= startDate && point.date <= endDate;
    return JSON.stringify({
      ...body,
      data: { ...body.data, daily: body.data.daily.filter(inRange), delta: body.data.delta.filter(inRange) },
    });
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
