/**
 * The toy caching proxy: the toy proxy (proxy.ts) with the cache read any cache in front of it
 * makes first (KV, by the request's query). Its miss is the baseline for a miss of a proxy that has
 * a cache at all: the gateway's miss reads its stored answer first too.
 */
import { Hono } from "hono";
import { forward, toyKey } from "./proxy.ts";

export default new Hono<{ Bindings: { CACHE: KVNamespace } }>().get("*", async (c) => {
  const cached = await c.env.CACHE.get(toyKey(new URL(c.req.url)));
  return cached === null ? forward(c) : c.body(cached, 200, { "Content-Type": "application/json" });
});
