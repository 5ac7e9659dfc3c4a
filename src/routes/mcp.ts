/**
 * @module `POST /mcp`: the remote MCP server, served by its own Worker (`xingtu-edge-mcp`,
 * src/mcp/) through the MCP service binding, so the gateway's bundle never holds the MCP SDK.
 * The gateway hands that Worker a callback into its own routes, which its tools call with the
 * caller's key (same validation, cache, limits and logs as any client).
 */
import { Hono } from "hono/tiny";

import { ProblemError } from "../problem.ts";
import { MCP_PATH } from "../mcp/path.ts";
import type { Bindings } from "../bindings.ts";
import type { SelfFetch } from "./index.ts";

export function mcpRoutes(self: SelfFetch) {
  return new Hono<{ Bindings: Bindings }>().post(MCP_PATH, (c) => {
    if (!c.env.MCP) {
      throw new ProblemError("gateway-misconfigured", {
        detail: "The MCP server is not deployed with this gateway. Operator: `npm run deploy` deploys both Workers.",
      });
    }
    const { env, executionCtx } = c;
    return c.env.MCP.serve(c.req.raw, (call: Request) => Promise.resolve(self(call, env, executionCtx)));
  });
}
