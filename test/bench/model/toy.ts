/** The toys (../toys/) under the production latency model (latency.ts): each a Worker whose KV calls take the model's time, as the gateway's do. */
import { modelled } from "./latency.ts";

export const modelledToy = <E extends object>(toy: {
  fetch(request: Request, env: E, ctx: ExecutionContext): Response | Promise<Response>;
}) => ({
  fetch: (request: Request, env: E, ctx: ExecutionContext) => toy.fetch(request, modelled(env), ctx),
});
