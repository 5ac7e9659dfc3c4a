/**
 * @module The Worker's entry: the app, the warm-list Cron Trigger and the webhook delivery queue,
 * with the real runtime's dependencies and one isolate state (coalescing, memory tier) shared by all.
 */
import { createApp } from "./app.ts";
import { consoleSink } from "./log.ts";
import { createIsolateState } from "./lookup/context.ts";
import { scheduledHandler } from "./lookup/warm.ts";
import { queueHandler } from "./webhooks/consumer.ts";
import type { GatewayDeps } from "./bindings.ts";

const deps: GatewayDeps = {
  fetch: (request) => fetch(request),
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  log: consoleSink,
};
const isolate = createIsolateState();
const app = createApp(deps, isolate);

export default {
  fetch: app.fetch,
  scheduled: scheduledHandler(deps, isolate),
  queue: queueHandler(deps, isolate),
} satisfies ExportedHandler<Cloudflare.Env>;
