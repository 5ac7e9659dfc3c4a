/**
 * @module Is the gateway configured? The one answer every entry uses: the data routes, `/healthz`,
 * the warm-list cron and the delivery queue.
 *
 * Each missing piece becomes an operator message naming what to set and how, never a value: a
 * value may be a secret. Optional capabilities (signed webhooks, queued deliveries) are asked
 * for by the code that needs them, so a gateway without them still serves the data routes.
 */
import { loadConfig, type Config } from "./config.ts";
import { detailOf, ProblemError } from "../problem.ts";
import type { RosterBook } from "../rosters/roster-book.ts";
import type { Bindings } from "../bindings.ts";
import type { DeliveryBook } from "../webhooks/delivery-book.ts";

export interface ReadinessChecks {
  config: "valid" | "invalid";
  token: "present" | "missing";
  cache: "bound" | "missing";
  keys: "bound" | "missing";
  coordinators: "bound" | "missing";
  accountLedger: "bound" | "missing";
}

export type Readiness =
  | { ready: true; config: Config; token: string; checks: ReadinessChecks; problems: [] }
  | { ready: false; config: Config | null; checks: ReadinessChecks; problems: string[]; first: Misconfiguration };

const DECLARE_OBJECT = "declare it in wrangler.toml ([[durable_objects.bindings]] and its migration)";
const DECLARE_BINDING = "declare it in wrangler.toml ([[durable_objects.bindings]])";
/** What a lookup cannot do without: where answers and keys are stored, and who decides to spend. */
const REQUIRED_BINDINGS = {
  CACHE: ["KV namespace", "declare it in wrangler.toml ([[kv_namespaces]], no id needed) and run `npm run deploy`, which creates it"],
  KEYS: ["KV namespace", "declare it in wrangler.toml ([[kv_namespaces]], no id needed) and run `npm run deploy`, which creates it"],
  KOL_COORDINATOR: ["Durable Object", DECLARE_OBJECT],
  ACCOUNT_LEDGER: ["Durable Object", DECLARE_OBJECT],
} as const;

const bound = (value: unknown) => (value ? "bound" : "missing");

const assessed = new WeakMap<object, Readiness>();

/** Memoised per environment object: Workers hand the same one to every request of an isolate. */
export function readiness(env: Bindings): Readiness {
  const known = assessed.get(env);
  if (known) return known;
  const loaded = loadConfig(env);
  const token = loaded.ok ? loaded.config.JUSTONEAPI_TOKEN : undefined;
  const checks: ReadinessChecks = {
    config: loaded.ok ? "valid" : "invalid",
    token: token ? "present" : "missing",
    cache: bound(env.CACHE),
    keys: bound(env.KEYS),
    coordinators: bound(env.KOL_COORDINATOR),
    accountLedger: bound(env.ACCOUNT_LEDGER),
  };
  const found: Misconfiguration[] = [];
  if (!loaded.ok) {
    found.push({
      detail: `The gateway's configuration is invalid: ${loaded.problems.join("; ")}.`,
      operator: "fix these variables in wrangler.toml",
    });
  } else if (!token) {
    found.push({ detail: "The secret JUSTONEAPI_TOKEN is not set.", operator: "run `wrangler secret put JUSTONEAPI_TOKEN`" });
  }
  for (const [binding, [kind, action]] of Object.entries(REQUIRED_BINDINGS)) {
    if (!env[binding as keyof typeof REQUIRED_BINDINGS])
      found.push({ detail: `The ${kind} binding ${binding} is missing.`, operator: action });
  }
  const config = loaded.ok ? loaded.config : null;
  const problems = found.map((problem) => detailOf(problem));
  const result: Readiness =
    config && token && found.length === 0
      ? { ready: true, config, token, checks, problems: [] }
      : { ready: false, config, checks, problems, first: found[0]! };
  assessed.set(env, result);
  return result;
}

/** What is missing, and what the operator does about it (a share link's viewer is told only the first). */
interface Misconfiguration {
  detail: string;
  operator: string;
}

const misconfigured = (problem: Misconfiguration) => new ProblemError("gateway-misconfigured", problem);

/** The validated configuration and token, or a 503 problem naming what the operator must set. */
export function requireReady(env: Bindings): { config: Config; token: string } {
  const state = readiness(env);
  if (!state.ready) throw misconfigured(state.first);
  return { config: state.config, token: state.token };
}

/** The webhook signing secret, or a 503 problem naming it: signed webhooks cannot work without it. */
export function requireSigningSecret(config: Config): string {
  if (config.WEBHOOK_SIGNING_SECRET) return config.WEBHOOK_SIGNING_SECRET;
  throw misconfigured({
    detail: "The secret WEBHOOK_SIGNING_SECRET is not set, so webhooks cannot be signed or verified.",
    operator: "`wrangler secret put WEBHOOK_SIGNING_SECRET`",
  });
}

/** The key ledger (per-key limits and usage), or a 503 problem naming its binding. */
export function requireKeyLedger(env: Bindings): DurableObjectNamespace {
  if (env.KEY_LEDGER) return env.KEY_LEDGER;
  throw misconfigured({ detail: "The Durable Object binding KEY_LEDGER is missing.", operator: DECLARE_BINDING });
}

/** The delivery books (webhook deliveries and their status), or a 503 problem naming the binding. */
export function requireDeliveryBooks(env: Bindings): DurableObjectNamespace<DeliveryBook> {
  if (env.DELIVERY_BOOK) return env.DELIVERY_BOOK;
  throw misconfigured({ detail: "The Durable Object binding DELIVERY_BOOK is missing.", operator: DECLARE_BINDING });
}

/** The roster books (each key's rosters), or a 503 problem naming the binding. */
export function requireRosterBooks(env: Bindings): DurableObjectNamespace<RosterBook> {
  if (env.ROSTER_BOOK) return env.ROSTER_BOOK;
  throw misconfigured({ detail: "The Durable Object binding ROSTER_BOOK is missing.", operator: DECLARE_BINDING });
}

/** The delivery queue, or a 503 problem naming its binding. */
export function requireDeliveryQueue(env: Bindings): Queue {
  if (env.DELIVERIES) return env.DELIVERIES;
  throw misconfigured({
    detail: "The queue binding DELIVERIES is missing.",
    operator: "declare it in wrangler.toml ([[queues.producers]])",
  });
}
