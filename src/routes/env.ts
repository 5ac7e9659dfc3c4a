/**
 * @module The routes' view of a request: the bindings and every variable the middleware in front
 * of them declares. Composed here, where the routes are; middleware never imports it.
 *
 * Everything reads a variable with `c.get(name)`, never `c.var.name`: Hono builds `c.var` anew,
 * an object of every variable, on each read, and a cache hit read them a dozen times.
 */
import type { ClientEnv } from "../auth/client-auth.ts";
import type { DropInVariables } from "../middleware/drop-in.ts";
import type { TrendRequestVariables } from "../middleware/validate.ts";

export interface GatewayEnv {
  Bindings: ClientEnv["Bindings"];
  Variables: ClientEnv["Variables"] & DropInVariables & TrendRequestVariables;
}
