/**
 * @module Marks the upstream's own paths (the drop-in routes): their errors also carry the
 * upstream-style `code` and `message`, and their client key may come as the `token` parameter.
 * The seed's path is deprecated upstream, and its answers say so (RFC 9745 `Deprecation`, with a
 * `Link` to the successor).
 */
import { createMiddleware } from "hono/factory";
import { SEED_DEPRECATED_AT, SUCCESSOR_PATH } from "../upstream/request.ts";
import type { ClientVariables } from "../auth/client-auth.ts";

export interface DropInVariables {
  /** Errors on this route also carry the upstream-style `code` and `message` (see app.ts). */
  upstreamStyle: boolean;
}

export const upstreamStyleErrors = createMiddleware<{ Variables: DropInVariables & Pick<ClientVariables, "queryKey"> }>(async (c, next) => {
  c.set("upstreamStyle", true);
  c.set("queryKey", "token");
  await next();
});

const DEPRECATION = `@${Date.parse(SEED_DEPRECATED_AT) / 1000}`;

export const seedDeprecation = createMiddleware(async (c, next) => {
  await next();
  c.res.headers.set("Deprecation", DEPRECATION);
  c.res.headers.set("Link", `<${SUCCESSOR_PATH}>; rel="successor-version"`);
});
