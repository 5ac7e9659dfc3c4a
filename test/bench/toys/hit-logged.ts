/**
 * The toy hit with one JSON log line per request, as a Worker that wants its requests in Workers
 * Logs would write it. Beside the toy hit, it shows what one log line costs in this runtime, where
 * every line crosses to the Node process (on Cloudflare, Workers Logs collects it off the request).
 */
import { Hono } from "hono";
import { TOY_HIT_KEY } from "./keys.ts";

export default new Hono<{ Bindings: { CACHE: KVNamespace } }>().get("*", async (c) => {
  const started = Date.now();
  const value = await c.env.CACHE.get(TOY_HIT_KEY);
  const status = value === null ? 404 : 200;
  console.log(
    JSON.stringify({
      time: new Date().toISOString(),
      level: "info",
      msg: "request",
      method: c.req.method,
      path: c.req.path,
      status,
      durationMs: Date.now() - started,
    }),
  );
  return value === null ? c.notFound() : c.body(value, 200, { "Content-Type": "application/json" });
});
