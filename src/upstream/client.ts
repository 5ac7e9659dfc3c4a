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
 *
 * A code-0 answer is billed whatever it holds, so it is never thrown away: its days outside the
 * asked range or without a count are dropped (and logged as upstream oddities), its odd
 * range-level fields read as absent (schema.ts), and one that still cannot be read, or is too
 * large to buffer, is an `unusable` answer: kept by the caller like a 201, so that range is not
 * paid for again at once.
 */
import type { Config } from "../config/config.ts";
import { secondsUntilShanghaiHour } from "../calendar.ts";
import { ProblemError } from "../problem.ts";
import type { Runtime } from "../runtime.ts";
import { BUSINESS_CODES } from "./codes.ts";
import { buildUpstreamRequest, otherEndpoint, redact, type UpstreamEndpoint, type UpstreamQuery } from "./request.ts";
import { askedDays, parseUpstreamData, upstreamEnvelopeSchema, type UpstreamSuccess } from "./schema.ts";

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

/** A logical call's result: the data, the upstream's paid "no data for this KOL and range" (201),
 * or a paid code-0 answer that cannot be read (`reason` says why; `raw` keeps its envelope only). */
export type UpstreamAnswer =
  | { kind: "data"; success: UpstreamSuccess }
  | { kind: "no-data"; raw: UpstreamSuccess["raw"] }
  | { kind: "unusable"; raw: UpstreamSuccess["raw"]; reason: string };

type Billing = "billed" | "unbilled" | "uncertain";

type Outcome =
  | { kind: "answer"; answer: UpstreamAnswer }
  | { kind: "retry"; error: ProblemError; delayMs?: number; once?: "rate-limit" }
  | { kind: "fail"; error: ProblemError }
  /** The path answered that it does not exist (HTTP 404 without an envelope, or code 300): unbilled. */
  | { kind: "retired"; error: ProblemError };

/** A body too large to buffer: only its first bytes are kept, enough to read its business code. */
interface Oversized {
  head: string;
}

const HEAD_BYTES = 1024;

async function readBounded(response: Response): Promise<string | Oversized> {
  // Stryker disable next-line StringLiteral: a missing body is read as text that is not JSON; any other such text is read alike
  if (!response.body) return "";
  const reader = response.body.getReader();
  const declared = Number(response.headers.get("Content-Length") ?? "0");
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    chunks.push(value);
    if (size > MAX_UPSTREAM_BODY_BYTES || declared > MAX_UPSTREAM_BODY_BYTES) {
      await reader.cancel();
      return { head: new TextDecoder().decode(concat(chunks, size).slice(0, HEAD_BYTES)) };
    }
  }
  return new TextDecoder().decode(concat(chunks, size));
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The business code at the start of a body too large to parse (the envelope's `code` comes first). */
function leadingCode(head: string): number | null {
  const match = /^\s*\{\s*"code"\s*:\s*"?(-?\d+)"?\s*[,}]/.exec(head);
  return match ? Number(match[1]) : null;
}

function invalid(why: string): ProblemError {
  return new ProblemError("upstream-invalid-response", { detail: `The upstream's answer was not usable: ${why}.` });
}

/** What reading an answer needs besides its body: the call, the clock, the log and the trace. */
interface Reading {
  config: Config;
  token: string;
  query: UpstreamQuery;
  deps: Pick<UpstreamDeps, "now" | "log">;
  trace: UpstreamTrace;
}

/** A billed answer that cannot be read: kept by the caller like a 201, and the operator told. */
function unusable(reading: Reading, code: number, reason: string): [Outcome, Billing] {
  reading.deps.log({
    level: "error",
    msg: "the upstream billed an answer that cannot be read; it is kept for the range so it is not paid for again at once",
    reason,
    kolId: reading.query.kolId,
    range: `${reading.query.startDate}..${reading.query.endDate}`,
    upstreamRequestId: reading.trace.requestId,
  });
  return [{ kind: "answer", answer: { kind: "unusable", raw: { code, data: null }, reason } }, "billed"];
}

/** A code-0 answer: its asked days with counts, its data read as far as it can be. */
function successOf(reading: Reading, json: Record<string, unknown>, data: unknown): [Outcome, Billing] {
  const asked = askedDays(data, reading.query);
  if (Object.keys(asked.oddities).length > 0) {
    reading.deps.log({
      level: "warn",
      msg: "upstream oddity: days dropped from a billed answer",
      kolId: reading.query.kolId,
      range: `${reading.query.startDate}..${reading.query.endDate}`,
      dropped: asked.oddities,
      upstreamRequestId: reading.trace.requestId,
    });
  }
  const parsed = parseUpstreamData(asked.data);
  if (!parsed.success) return unusable(reading, 0, "its data does not have the documented shape");
  const raw = { ...json, data: asked.data } as UpstreamSuccess["raw"];
  return [{ kind: "answer", answer: { kind: "data", success: { raw, data: parsed.data } } }, "billed"];
}

/** A body too large to buffer: billed when it starts with a billed code, else nobody can tell. */
function oversized(reading: Reading, body: Oversized): [Outcome, Billing] {
  const code = leadingCode(body.head);
  const why = `it was larger than ${MAX_UPSTREAM_BODY_BYTES} bytes`;
  if (code !== null) reading.trace.lastCode = code;
  if (code !== null && BUSINESS_CODES[code]?.billed) return unusable(reading, code, why);
  return [{ kind: "fail", error: invalid(why) }, "uncertain"];
}

/** Reads the envelope's `code` (number or numeric string), whatever the HTTP status was. */
function interpretBody(reading: Reading, text: string, status: number): [Outcome, Billing] {
  const { config, token, trace } = reading;
  const now = reading.deps.now();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch /* Stryker disable next-line BlockStatement: `json` is still undefined here, as it was declared */ {
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
  if (code === 0) return successOf(reading, json as Record<string, unknown>, envelope.data.data);
  const detail = `The upstream answered code ${code} (${known.name}).`;
  const retryAfterSeconds = code === 303 ? secondsUntilShanghaiHour(now, config.QUOTA_RESET_HOUR) : known.retryAfterSeconds;
  const error = new ProblemError(
    // Stryker disable next-line StringLiteral: every code but 0 and 201 has its type (codes.ts); the fallback only satisfies the type checker
    known.type ?? "upstream-unknown-code",
    {
      detail,
      upstreamCode: code,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      ...(known.operatorAction === undefined ? {} : { operator: known.operatorAction }),
    },
  );
  if (known.retired) return [{ kind: "retired", error }, billing];
  switch (known.retry) {
    case "backoff":
      // Stryker disable next-line StringLiteral: fetchUpstream treats any kind but answer, fail and retired as a retry
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
    let text: string | Oversized;
    try {
      text = await readBounded(response);
    } catch {
      return timer.signal.aborted ? timedOut("finish its answer") : broken("The upstream's connection broke during its answer.");
    }
    const reading = { config, token, query, deps, trace };
    return typeof text === "string" ? interpretBody(reading, text, response.status) : oversized(reading, text);
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

/**
 * One logical upstream call. Resolves with the answer (data, paid "no data" or paid but unusable)
 * or throws a ProblemError. The caller admitted its first attempt; `admitNext` admits each later
 * one (a retry, a fail-over) before it is made, and throws when the budget refuses it.
 */
export async function fetchUpstream(
  config: Config,
  token: string,
  query: UpstreamQuery,
  deps: UpstreamDeps,
  trace: UpstreamTrace,
  admitNext: () => Promise<void> = async () => undefined,
): Promise<UpstreamAnswer> {
  const started = deps.now();
  const deadline = started + config.UPSTREAM_RETRY_BUDGET_MS;
  let rateLimitRetried = false;
  let endpoint = activeEndpoint(config, deps);
  let failedOver = false;
  let made = 0;
  try {
    for (let attemptNo = 1; ; attemptNo++) {
      if (made++ > 0) await admitNext();
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
