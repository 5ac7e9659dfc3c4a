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

export class KolCoordinator extends objects.KolCoordinator {
  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, modelled(env));
  }
}
export class AccountLedger extends objects.AccountLedger {
  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, modelled(env));
  }
}
export class KeyLedger extends objects.KeyLedger {
  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, modelled(env));
  }
}
export class RosterBook extends objects.RosterBook {
  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, modelled(env));
  }
}
export class DeliveryBook extends objects.DeliveryBook {
  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, modelled(env));
  }
}
