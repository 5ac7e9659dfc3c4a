/**
 * @module `GET /healthz`: is the gateway ready to serve? Never calls the upstream and never
 * reveals a value: only whether each required piece is present and which variables are wrong.
 */
import { Hono } from "hono";
import { loadConfig } from "../config";
import type { GatewayEnv } from "../env";

export const healthRoutes = new Hono<GatewayEnv>().get("/healthz", (c) => {
  const loaded = loadConfig(c.env);
  const secret = c.env.JUSTONEAPI_TOKEN;
  const token = typeof secret === "string" && secret.trim() !== "" ? "present" : "missing";
  const cache = c.env.CACHE ? "bound" : "missing";
  const configured = loaded.ok && token === "present" && cache === "bound";
  return c.json(
    {
      status: configured ? "ok" : "misconfigured",
      checks: { config: loaded.ok ? "valid" : "invalid", token, cache },
      problems: loaded.problems,
    },
    configured ? 200 : 503,
    { "Cache-Control": "no-store" },
  );
});
