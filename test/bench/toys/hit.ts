/**
 * The toy hit: what a user would write by hand for a cached read, a Hono Worker that reads one KV
 * key per request and returns it. The baseline for the gateway's cache hit.
 */
import { Hono } from "hono";
import { TOY_HIT_KEY } from "./keys.ts";

export default new Hono<{ Bindings: { CACHE: KVNamespace } }>().get("*", async (c) => {
  const value = await c.env.CACHE.get(TOY_HIT_KEY);
  return value === null ? c.notFound() : c.body(value, 200, { "Content-Type": "application/json" });
});
