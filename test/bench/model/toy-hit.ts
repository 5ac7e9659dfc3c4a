/** The toy hit (toys/hit.ts) under the production latency model: its KV read takes the model's time. */
import toy from "../toys/hit.ts";
import { modelled } from "./latency.ts";

export default {
  fetch: (request: Request, env: { CACHE: KVNamespace }, ctx: ExecutionContext) => toy.fetch(request, modelled(env), ctx),
};
