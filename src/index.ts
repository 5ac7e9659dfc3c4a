/**
 * @module The Worker's entry: the app, the warm-list Cron Trigger and the webhook delivery queue,
 * all on one runtime (the platform's clock, timers, ids and fetch, and this isolate's state).
 */
import { createApp } from "./app.ts";
import { scheduledHandler } from "./lookup/warm.ts";
import { queueHandler } from "./webhooks/consumer.ts";
import { platformRuntime } from "./runtime.ts";
import type { Bindings } from "./bindings.ts";

const runtime = platformRuntime();
const app = createApp(runtime);

export default {
  fetch: app.fetch,
  scheduled: scheduledHandler(runtime),
  queue: queueHandler(runtime),
} satisfies ExportedHandler<Bindings>;

export { KeyLedger } from "./ledger/key-ledger.ts";
export { DeliveryBook } from "./webhooks/delivery-book.ts";
export { KolCoordinator } from "./coordination/kol-coordinator.ts";
export { AccountLedger } from "./ledger/account-ledger.ts";
export { RosterBook } from "./rosters/roster-book.ts";
