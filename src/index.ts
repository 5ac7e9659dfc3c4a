/**
 * @module The Worker's entry: the app with the real runtime's dependencies.
 */
import { createApp } from "./app";
import { consoleSink } from "./log";

const app = createApp({
  fetch: (request) => fetch(request),
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  log: consoleSink,
});

export default app;
