/**
 * @module Every route of the gateway, chained so that their types add up: `AppType` is what
 * `hono/client` needs to give TypeScript users a typed client (see client.ts).
 */
import { Hono } from "hono";
import { healthRoutes } from "./health.ts";
import { docsRoutes } from "./docs.ts";
import { dailyFansRoutes } from "./daily-fans.ts";
import { webhookRoutes } from "./webhooks.ts";
import type { GatewayDeps, GatewayEnv } from "../bindings.ts";
import type { IsolateState } from "../lookup/context.ts";

export function gatewayRoutes(deps: GatewayDeps, isolate: IsolateState) {
  return new Hono<GatewayEnv>()
    .route("/", healthRoutes(deps, isolate))
    .route("/", docsRoutes)
    .route("/", dailyFansRoutes(deps, isolate))
    .route("/", webhookRoutes(deps, isolate));
}

export type AppType = ReturnType<typeof gatewayRoutes>;
