/**
 * @module Every route of the gateway, chained so that their types add up: `AppType` is what
 * `hono/client` needs to give TypeScript users a typed client (see client.ts).
 */
import { Hono } from "hono";
import { healthRoutes } from "./health";
import { docsRoutes } from "./docs";
import { dailyFansRoutes } from "./daily-fans";
import { webhookRoutes } from "./webhooks";
import type { GatewayDeps, GatewayEnv } from "../env";
import type { IsolateState } from "../lookup-context";

export function gatewayRoutes(deps: GatewayDeps, isolate: IsolateState) {
  return new Hono<GatewayEnv>()
    .route("/", healthRoutes(deps, isolate))
    .route("/", docsRoutes)
    .route("/", dailyFansRoutes(deps, isolate))
    .route("/", webhookRoutes(deps, isolate));
}

export type AppType = ReturnType<typeof gatewayRoutes>;
