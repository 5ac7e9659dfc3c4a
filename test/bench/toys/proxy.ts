/**
 * The toy proxy: what a user would write by hand for a miss, a Hono Worker that calls the
 * emulator and writes the answer to KV in `waitUntil`. The baseline for the gateway's cache miss.
 */
import { Hono, type Context } from "hono";

type ToyEnv = { Bindings: { CACHE: KVNamespace } };

/** The KV key a toy keeps a request's answer under. */
export const toyKey = (url: URL) => `toy:${url.search}`;

/** Calls the emulator with the request's path and query, answers its body, and keeps it in KV meanwhile. */
export async function forward(c: Context<ToyEnv>): Promise<Response> {
  const url = new URL(c.req.url);
  const upstream = await fetch(`https://api.justoneapi.com${url.pathname}${url.search}`);
  const text = await upstream.text();
  c.executionCtx.waitUntil(c.env.CACHE.put(toyKey(url), text, { expirationTtl: 3600 }));
  return c.body(text, 200, { "Content-Type": "application/json" });
}

export default new Hono<ToyEnv>().get("*", forward);
