/** The toy hit (toys/hit.ts) under the production latency model: its KV read takes the model's time. */
import toy from "../toys/hit.ts";
import { modelledToy } from "./toy.ts";

export default modelledToy(toy);
