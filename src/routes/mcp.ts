/**
 * @module `POST /mcp`: the remote MCP server, forwarded to its own Worker (`xingtu-edge-mcp`,
 * src/mcp/) through the MCP service binding, so the gateway's bundle never holds the MCP SDK.
 * That Worker calls the gateway's data routes back with the caller's key.
 */
import { Hono } from "hono";
import { ProblemError } from "../problem.ts";
import { MCP_PATH } from "../mcp/path.ts";
import type { Bindings } from "../bindings.ts";

export function mcpRoutes() {
  return new Hono<{ Bindings: Bindings }>().post(MCP_PATH, (c) => {
    if (!c.env.MCP) {
      throw new ProblemError("gateway-misconfigured", {
        detail:
          "The MCP server is not deployed with this gateway. Operator: `npx wrangler deploy -c src/mcp/wrangler.toml`, and keep the MCP service binding in wrangler.toml.",
      });
    }
    return c.env.MCP.fetch(c.req.raw);
  });
}
