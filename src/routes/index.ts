/**
 * @module Every route of the gateway, chained so that their types add up: `AppType` is what
 * `hono/client` needs to give TypeScript users a typed client (see client.ts).
 */
import { Hono } from "hono";
import { healthRoutes } from "./health.ts";
import { docsRoutes } from "./docs.ts";
import { dailyFansRoutes } from "./daily-fans.ts";
import { webhookRoutes } from "./webhooks.ts";
import { usageRoutes } from "./usage.ts";
import { spendGuardRoutes } from "./spend-guard.ts";
import { mcpRoutes } from "./mcp.ts";
import type { GatewayEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";

export function gatewayRoutes(runtime: Runtime) {
  return new Hono<GatewayEnv>()
    .route("/", healthRoutes(runtime))
    .route("/", docsRoutes)
    .route("/", dailyFansRoutes(runtime))
    .route("/", webhookRoutes(runtime))
    .route("/", usageRoutes(runtime))
    .route("/", spendGuardRoutes(runtime))
    .route("/", mcpRoutes());
}

export type AppType = ReturnType<typeof gatewayRoutes>;
