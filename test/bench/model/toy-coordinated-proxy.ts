/** The toy coordinated proxy (toys/coordinated-proxy.ts) under the production latency model: its KV calls and its object's round trip take the model's time. */
import toy from "../toys/coordinated-proxy.ts";
import { modelledToy } from "./toy.ts";

export { ToyCoordinator } from "../toys/coordinated-proxy.ts";
export default modelledToy(toy);
