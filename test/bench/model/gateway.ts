/**
 * The gateway's bundle under the production latency model (latency.ts): the very entry and Durable
 * Object classes of src/index.ts, each given an env whose KV and Durable Object calls take the
 * model's time. Built by the bench only (production.ts); nothing here is in the deployed bundle.
 */
import gateway, * as objects from "../../../src/index.ts";
import type { Bindings } from "../../../src/bindings.ts";
import { modelled } from "./latency.ts";

export default {
  fetch: (request, env, ctx) => gateway.fetch(request, modelled(env), ctx),
  scheduled: (controller, env, ctx) => gateway.scheduled(controller, modelled(env), ctx),
  queue: (batch, env, ctx) => gateway.queue(batch, modelled(env), ctx),
} satisfies ExportedHandler<Bindings>;

/** A Durable Object class whose instances get the modelled env (a mixin: TypeScript asks its constructor for `any[]`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ObjectClass = new (...args: any[]) => object;
function modelledObject<Base extends ObjectClass>(base: Base): Base {
  return class extends base {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(args[0], modelled(args[1] as Bindings));
    }
  };
}

export const KolCoordinator = modelledObject(objects.KolCoordinator);
export const AccountLedger = modelledObject(objects.AccountLedger);
export const KeyLedger = modelledObject(objects.KeyLedger);
export const RosterBook = modelledObject(objects.RosterBook);
export const DeliveryBook = modelledObject(objects.DeliveryBook);
