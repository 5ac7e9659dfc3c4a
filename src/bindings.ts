/**
 * @module The types that tie the app together: Worker bindings, per-request variables, and the
 * dependencies injected into the app (so tests can swap the upstream, the clock and sleeping).
 */
import type { RequestIdVariables } from "hono/request-id";
import type { LookupContext, LookupTrace } from "./lookup/lookup.ts";
import type { UpstreamDeps } from "./upstream/client.ts";
import type { LogSink } from "./log.ts";
import type { Client } from "./auth/client-auth.ts";
import type { TrendRequest } from "./schemas/request.ts";

/** `wrangler types` gives the bindings in wrangler.toml; the secret is declared here. */
export type Bindings = CloudflareBindings & { JUSTONEAPI_TOKEN?: string };

export interface Variables extends RequestIdVariables {
  trace: LookupTrace;
  /** Set by the drop-in route: errors also carry the upstream-style `code` and `message`. */
  upstreamStyle: boolean;
  lookup: LookupContext;
  cacheStatus: string;
  /** The authenticated caller, named in logs; never the key itself. */
  client: Client;
  /** The validated daily-fans request (path and query together). */
  trendRequest: TrendRequest;
  /** The query parameter that may carry a client key on this route (drop-in: token, chart: key). */
  queryKey: "token" | "key";
}

export interface GatewayEnv {
  Bindings: Bindings;
  Variables: Variables;
}

export interface GatewayDeps extends UpstreamDeps {
  log: LogSink;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- merging into the runtime's own namespace
  namespace Cloudflare {
    // Types `exports` from `cloudflare:workers` (used by end-to-end tests) as our entry's exports.
    interface GlobalProps {
      mainModule: typeof import("./index.ts");
    }
  }
}
