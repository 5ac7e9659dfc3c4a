/**
 * @module The upstream client: one logical call to "KOL Follower Trend (V1)", paid for once.
 *
 * The upstream reports its business result in the body's `code`, under any HTTP status, so every
 * answer's body is read and its code honoured before the status is. Only what is certainly
 * unbilled is retried (codes 301 and 302, per codes.ts): a timeout, a connection that broke, an
 * HTTP error without a code or an unreadable body may have been billed, so they are never
 * retried. Every attempt gets the whole UPSTREAM_TIMEOUT_MS (the maker's advice against duplicate
 * charges); a retry is made only when a whole attempt still fits UPSTREAM_RETRY_BUDGET_MS.
 * The token lives only inside the request URL built here; nothing derived from that URL, nor
 * any error text of the runtime's fetch, is ever put into a message.
 */
import type { Config } from "../config/config.ts";
import { secondsUntilShanghaiHour } from "../calendar.ts";
import { ProblemError } from "../problem.ts";
import type { Runtime } from "../runtime.ts";
import { BUSINESS_CODES } from "./codes.ts";
import { buildUpstreamRequest, otherEndpoint, redact, type UpstreamEndpoint, type UpstreamQuery } from "./request.ts";
import { parseUpstreamData, upstreamEnvelopeSchema, type UpstreamSuccess } from "./schema.ts";

/** A 365-day answer is about 40 KB; anything past this is not a real answer and is not buffered. */
export const MAX_UPSTREAM_BODY_BYTES = 4 * 1024 * 1024;
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 4_000;
const RATE_LIMIT_DELAY_MS = 1_000;
const MAX_REQUEST_ID_LENGTH = 128;
const TIMEOUT_RETRY_AFTER_S = 60;

/** What the client takes from the runtime: the network, the clock, timers, randomness, the log and
 * the isolate's memory of a fail-over. */
export type UpstreamDeps = Pick<Runtime, "fetch" | "now" | "sleep" | "abortAfter" | "random" | "log" | "isolate">;

/** What one logical call cost, for the log line and the `Xingtu-Upstream-*` headers. */
export interface UpstreamTrace {
  attempts: number;
  /** Attempts whose answer the maker bills (codes 0 and 201). */
  billed: number;
  /** Attempts that may have been billed: a timeout, a broken connection, an answer without a code. */
  uncertain: number;
  elapsedMs: number;
  lastCode?: number;
  lastMessage?: string;
  /** The maker's id of the last answer (its support traces charges by it); never in a cache key. */
  requestId?: string;
  /** The path the last attempt called. */
  endpoint?: UpstreamEndpoint;
}

/** A logical call's result: the data, or the upstream's paid "no data for this KOL and range" (201). */
export type UpstreamAnswer = { kind: "data"; success: UpstreamSuccess } | { kind: "no-data"; raw: UpstreamSuccess["raw"] };

type Billing = "billed" | "unbilled" | "uncertain";

type Outcome =
  | { kind: "answer"; answer: UpstreamAnswer }
  | { kind: "retry"; error: ProblemError; delayMs?: number; once?: "rate-limit" }
  | { kind: "fail"; error: ProblemError }
  /** The path answered that it does not exist (HTTP 404 without an envelope, or code 300): unbilled. */
  | { kind: "retired"; error: ProblemError };

async function readBounded(response: Response): Promise<string | null> {
  const declared = Number(response.headers.get("Content-Length") ?? "0");
  if (declared > MAX_UPSTREAM_BODY_BYTES) {
    await response.body?.cancel();
    return null;
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_UPSTREAM_BODY_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function invalid(why: string): ProblemError {
  return new ProblemError("upstream-invalid-response", { detail: `The upstream's answer was not usable: ${why}.` });
}

/** Reads the envelope's `code` (number or numeric string), whatever the HTTP status was. */
function interpretBody(text: string, status: number, now: number, config: Config, trace: UpstreamTrace, token: string): [Outcome, Billing] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const envelope = upstreamEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    if (status === 404) {
      const error = new ProblemError("upstream-api-invalid", { detail: "The upstream answered HTTP 404: this path does not exist there." });
      return [{ kind: "retired", error }, "unbilled"];
    }
    // Without a code nobody can tell whether the call was processed (and billed).
    if (status !== 200)
      return [
        { kind: "fail", error: new ProblemError("upstream-http-error", { detail: `The upstream answered HTTP ${status}.` }) },
        "uncertain",
      ];
    return [{ kind: "fail", error: invalid(json === undefined ? "its body is not JSON" : "its body has no business code") }, "uncertain"];
  }
  const { code, requestId } = envelope.data;
  trace.lastCode = code;
  if (requestId !== undefined && requestId !== null) trace.requestId = redact(String(requestId), token).slice(0, MAX_REQUEST_ID_LENGTH);
  if (envelope.data.message) trace.lastMessage = redact(envelope.data.message, token).slice(0, 200);
  const known = BUSINESS_CODES[code];
  if (!known) {
    const error = new ProblemError("upstream-unknown-code", { detail: `The upstream answered the undocumented code ${code}.` });
    return [{ kind: "fail", error }, "uncertain"];
  }
  const billing: Billing = known.billed ? "billed" : "unbilled";
  if (code === 201) return [{ kind: "answer", answer: { kind: "no-data", raw: json as UpstreamSuccess["raw"] } }, billing];
  if (code === 0) {
    const data = parseUpstreamData(envelope.data.data);
    if (!data.success) return [{ kind: "fail", error: invalid("its data does not have the documented shape") }, billing];
    return [{ kind: "answer", answer: { kind: "data", success: { raw: json as UpstreamSuccess["raw"], data: data.data } } }, billing];
  }
  const detail =
    `The upstream answered code ${code} (${known.name}).` + (known.operatorAction ? ` Operator: ${known.operatorAction}.` : "");
  const retryAfterSeconds = code === 303 ? secondsUntilShanghaiHour(now, config.QUOTA_RESET_HOUR) : known.retryAfterSeconds;
  const error = new ProblemError(
    known.type ?? "upstream-unknown-code",
    retryAfterSeconds === undefined ? { detail } : { detail, retryAfterSeconds },
  );
  if (known.retired) return [{ kind: "retired", error }, billing];
  switch (known.retry) {
    case "backoff":
      return [{ kind: "retry", error }, billing];
    case "once-after-delay":
      return [{ kind: "retry", once: "rate-limit", delayMs: RATE_LIMIT_DELAY_MS, error }, billing];
    case "never":
      return [{ kind: "fail", error }, billing];
  }
}

async function attempt(
  config: Config,
  token: string,
  endpoint: UpstreamEndpoint,
  query: UpstreamQuery,
  deps: UpstreamDeps,
  trace: UpstreamTrace,
): Promise<[Outcome, Billing]> {
  trace.endpoint = endpoint;
  const timeoutMs = config.UPSTREAM_TIMEOUT_MS;
  const timer = deps.abortAfter(timeoutMs);
  const timedOut = (what: string): [Outcome, Billing] => [
    {
      kind: "fail",
      // The timed-out call may still be collected (and billed) upstream: ask again after a while, not at once.
      error: new ProblemError("upstream-timeout", {
        detail: `The upstream did not ${what} within ${timeoutMs} ms.`,
        retryAfterSeconds: TIMEOUT_RETRY_AFTER_S,
      }),
    },
    "uncertain",
  ];
  // The runtime cannot tell a refused connection from one that broke after sending: neither is retried.
  const broken = (detail: string): [Outcome, Billing] => [
    { kind: "fail", error: new ProblemError("upstream-unreachable", { detail }) },
    "uncertain",
  ];
  try {
    let response: Response;
    try {
      response = await deps.fetch(buildUpstreamRequest(config.UPSTREAM_BASE_URL, token, endpoint, query, timer.signal));
    } catch {
      return timer.signal.aborted ? timedOut("answer") : broken("The upstream could not be reached (network error).");
    }
    let text: string | null;
    try {
      text = await readBounded(response);
    } catch {
      return timer.signal.aborted ? timedOut("finish its answer") : broken("The upstream's connection broke during its answer.");
    }
    if (text === null) return [{ kind: "fail", error: invalid(`it was larger than ${MAX_UPSTREAM_BODY_BYTES} bytes`) }, "uncertain"];
    return interpretBody(text, response.status, deps.now(), config, trace, token);
  } finally {
    timer.cancel();
  }
}

function backoffMs(retry: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retry);
  // "Equal jitter": never less than half the step, so retries cannot bunch up at zero.
  return ceiling / 2 + random() * (ceiling / 2);
}

/** The path to call now: the configured one, or the other while a fail-over is remembered. */
function activeEndpoint(config: Config, deps: Pick<UpstreamDeps, "now" | "isolate">): UpstreamEndpoint {
  const failover = deps.isolate.upstreamFailover;
  return failover && failover.until > deps.now() ? failover.to : config.UPSTREAM_ENDPOINT;
}

/** Remembers that `from` is gone (for UPSTREAM_FAILOVER_SECONDS) and tells the operator once. */
function failOver(config: Config, deps: UpstreamDeps, from: UpstreamEndpoint, reason: ProblemError): UpstreamEndpoint {
  const to = otherEndpoint(from);
  const now = deps.now();
  const until = now + config.UPSTREAM_FAILOVER_SECONDS * 1000;
  if (to === config.UPSTREAM_ENDPOINT) {
    // The fail-over path is gone too: back to the configured one, nothing to remember.
    deps.isolate.upstreamFailover = undefined;
  } else {
    deps.isolate.upstreamFailover = { from, to, since: now, until };
    deps.log({
      level: "warn",
      msg: "upstream path retired; failing over",
      from,
      to,
      until: new Date(until).toISOString(),
      reason: reason.problemType,
      operator: `set UPSTREAM_ENDPOINT = "${to}" once this is confirmed`,
    });
  }
  return to;
}

/** One logical upstream call. Resolves with the answer (data or paid "no data") or throws a ProblemError. */
export async function fetchUpstream(
  config: Config,
  token: string,
  query: UpstreamQuery,
  deps: UpstreamDeps,
  trace: UpstreamTrace,
): Promise<UpstreamAnswer> {
  const started = deps.now();
  const deadline = started + config.UPSTREAM_RETRY_BUDGET_MS;
  let rateLimitRetried = false;
  let endpoint = activeEndpoint(config, deps);
  let failedOver = false;
  try {
    for (let attemptNo = 1; ; attemptNo++) {
      trace.attempts++;
      const [outcome, billing] = await attempt(config, token, endpoint, query, deps, trace);
      if (billing === "billed") trace.billed++;
      if (billing === "uncertain") trace.uncertain++;
      if (outcome.kind === "answer") return outcome.answer;
      if (outcome.kind === "fail") throw outcome.error;
      if (outcome.kind === "retired") {
        // Unbilled, and the other path answers the same question: asked once, at once.
        if (failedOver) throw outcome.error;
        failedOver = true;
        endpoint = failOver(config, deps, endpoint, outcome.error);
        attemptNo--;
        continue;
      }
      if (attemptNo >= config.UPSTREAM_MAX_ATTEMPTS) throw outcome.error;
      if (outcome.once === "rate-limit") {
        if (rateLimitRetried) throw outcome.error;
        rateLimitRetried = true;
      }
      const delay =
        outcome.delayMs !== undefined ? outcome.delayMs + deps.random() * outcome.delayMs : backoffMs(attemptNo - 1, deps.random);
      // A retry gets a whole attempt's time or is not made: the answer is then the 503 with Retry-After.
      if (deps.now() + delay + config.UPSTREAM_TIMEOUT_MS > deadline) throw outcome.error;
      await deps.sleep(delay);
    }
  } finally {
    trace.elapsedMs += deps.now() - started;
  }
}
