/** The toy caching proxy (toys/caching-proxy.ts) under the production latency model: its KV read and write take the model's time. */
import toy from "../toys/caching-proxy.ts";
import { modelledToy } from "./toy.ts";

export default modelledToy(toy);
