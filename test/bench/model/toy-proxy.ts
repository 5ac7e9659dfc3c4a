/** The toy proxy (toys/proxy.ts) under the production latency model: its KV write takes the model's time. */
import toy from "../toys/proxy.ts";
import { modelled } from "./latency.ts";

export default {
  fetch: (request: Request, env: { CACHE: KVNamespace }, ctx: ExecutionContext) => toy.fetch(request, modelled(env), ctx),
};
