/** The toy proxy (toys/proxy.ts) under the production latency model: its KV write takes the model's time. */
import toy from "../toys/proxy.ts";
import { modelledToy } from "./toy.ts";

export default modelledToy(toy);
