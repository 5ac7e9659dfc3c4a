/**
 * @module A typed client of the gateway for TypeScript users, in one import:
 *
 *   import { createGatewayClient } from "xingtu-edge/client";
 *   const gateway = createGatewayClient("https://gateway.example.com", process.env.XTE_KEY!);
 *   const res = await gateway.v1.kols[":kolId"]["daily-fans"].$get({ param: { kolId }, query: { startDate, endDate } });
 *   if (res.ok) console.log((await res.json()).summary.change);
 */
import { hc, type ClientRequestOptions } from "hono/client";
import type { AppType } from "./routes/index.ts";

export type { AppType };
export type { Trend, TrendPoint } from "./schemas/trend.ts";
export type { Problem } from "./problem.ts";

export function createGatewayClient(baseUrl: string, key: string, options: ClientRequestOptions = {}) {
  return hc<AppType>(baseUrl, { ...options, headers: { Authorization: `Bearer ${key}` } });
}
