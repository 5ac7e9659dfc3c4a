/**
 * The toy proxy: what a user would write by hand for a miss, a Hono Worker that calls the
 * emulator and writes the answer to KV in `waitUntil`. The baseline for the gateway's cache miss.
 */
import { Hono } from "hono";

export default new Hono<{ Bindings: { CACHE: KVNamespace } }>().get("*", async (c) => {
  const url = new URL(c.req.url);
  const upstream = await fetch(`https://api.justoneapi.com${url.pathname}${url.search}`);
  const text = await upstream.text();
  c.executionCtx.waitUntil(c.env.CACHE.put(`toy:${url.search}`, text, { expirationTtl: 3600 }));
  return c.body(text, 200, { "Content-Type": "application/json" });
});
