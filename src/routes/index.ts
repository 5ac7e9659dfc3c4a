/**
 * @module Every route of the gateway, in one chain. (TypeScript users have a typed client of
 * their own: packages/client, which needs neither Hono nor the Worker's types.)
 */
import { Hono } from "hono/tiny";
import type { ExecutionContext } from "hono";
import { healthRoutes } from "./health.ts";
import { dailyFansRoutes } from "./daily-fans.ts";
import { webhookRoutes } from "./webhooks.ts";
import { usageRoutes } from "./usage.ts";
import { spendGuardRoutes } from "./spend-guard.ts";
import { mcpRoutes } from "./mcp.ts";
import { rosterRoutes } from "./rosters.ts";
import { watchTestRoutes } from "./watch-test.ts";
import { quoteRoutes } from "./quote.ts";
import { problemRoutes } from "./problems.ts";
import { shareLinkRoutes } from "./share-links.ts";
import { keyRoutes } from "./keys.ts";
import type { GatewayEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";
import type { Bindings } from "../bindings.ts";

/** The whole app, for routes that call the gateway's own routes back (the MCP Worker's tools). */
export type SelfFetch = (request: Request, env: Bindings, ctx: ExecutionContext) => Response | Promise<Response>;

export function gatewayRoutes(runtime: Runtime, self: SelfFetch) {
  return new Hono<GatewayEnv>()
    .route("/", healthRoutes(runtime))
    .route("/", dailyFansRoutes(runtime))
    .route("/", webhookRoutes(runtime))
    .route("/", usageRoutes(runtime))
    .route("/", spendGuardRoutes(runtime))
    .route("/", quoteRoutes(runtime))
    .route("/", watchTestRoutes(runtime))
    .route("/", rosterRoutes(runtime))
    .route("/", shareLinkRoutes(runtime, self))
    .route("/", keyRoutes(runtime))
    .route("/", mcpRoutes(self))
    .route("/", problemRoutes());
}
