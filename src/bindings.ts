/**
 * @module The Worker's bindings: what `wrangler types` generates from wrangler.toml, plus the
 * secrets (declared here, since wrangler.toml never holds them). Request variables are declared by
 * the middleware that sets them (Hono's own pattern), not here.
 */

export type Bindings = Omit<CloudflareBindings, "MCP"> & {
  JUSTONEAPI_TOKEN?: string;
  WEBHOOK_SIGNING_SECRET?: string;
  /** The MCP Worker's RPC entrypoint (`wrangler types` sees only a service name). Type-only: the
   * gateway's bundle holds none of it. */
  MCP?: Service<typeof import("./mcp/worker.ts").default>;
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- merging into the runtime's own namespace
  namespace Cloudflare {
    // Types `exports` from `cloudflare:workers` (used by end-to-end tests) as our entry's exports.
    interface GlobalProps {
      mainModule: typeof import("./index.ts");
    }
  }
}
