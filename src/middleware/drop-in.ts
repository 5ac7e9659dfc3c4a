/**
 * @module Marks the upstream's own path (the drop-in route): its errors also carry the
 * upstream-style `code` and `message`, and its client key may come as the `token` parameter.
 */
import { createMiddleware } from "hono/factory";
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
