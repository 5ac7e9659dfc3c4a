/**
 * @module The upstream client: one logical call to "KOL Follower Trend (V1)", with retries.
 *
 * The upstream reports its business result in the body's `code`, often under HTTP 200, so every
 * answer is read and validated before it counts as a success. Retries are bounded twice: by a
 * number of attempts and by a total time budget, since each attempt costs the customer money.
 * The token lives only inside the request URL built here; nothing derived from that URL, nor
 * any error text of the runtime's fetch, is ever put into a message.
 */
import type { Config } from "../config/config.ts";
import { secondsUntilShanghaiHour } from "../calendar.ts";
import { ProblemError } from "../problem.ts";
import type { Runtime } from "../runtime.ts";
import { BUSINESS_CODES } from "./codes.ts";
import { buildUpstreamRequest, redact, type UpstreamQuery } from "./request.ts";
import { upstreamDataSchema, upstreamEnvelopeSchema, type UpstreamSuccess } from "./schema.ts";

/** A 365-day answer is about 40 KB; anything past this is not a real answer and is not buffered. */
export const MAX_UPSTREAM_BODY_BYTES = 4 * 1024 * 1024;
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 4_000;
const RATE_LIMIT_DELAY_MS = 1_000;
const COLLECTION_RETRY_AFTER_S = 30;
const RATE_LIMIT_RETRY_AFTER_S = 60;

/** What the client takes from the runtime: the network, the clock, timers and randomness. */
export type UpstreamDeps = Pick<Runtime, "fetch" | "now" | "sleep" | "abortAfter" | "random">;

/** What one logical call cost, for the log line. */
export interface UpstreamTrace {
  attempts: number;
  elapsedMs: number;
  lastCode?: number;
  lastMessage?: string;
}

type Outcome =
  | { kind: "success"; result: UpstreamSuccess }
  | { kind: "retry"; error: ProblemError; delayMs?: number; once?: "rate-limit" }
  | { kind: "fail"; error: ProblemError };

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

function interpretBody(text: string, now: number, quotaResetHour: number, trace: UpstreamTrace, token: string): Outcome {
  const invalid = (why: string): Outcome => ({
    kind: "fail",
    error: new ProblemError("upstream-invalid-response", { detail: `The upstream's answer was not usable: ${why}.` }),
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return invalid("its body is not JSON");
  }
  const envelope = upstreamEnvelopeSchema.safeParse(json);
  if (!envelope.success) return invalid("its body has no business code");
  const { code } = envelope.data;
  trace.lastCode = code;
  if (envelope.data.message) trace.lastMessage = redact(envelope.data.message, token).slice(0, 200);
  if (code === 0) {
    const data = upstreamDataSchema.safeParse(envelope.data.data);
    if (!data.success) return invalid("its data does not have the documented shape");
    return { kind: "success", result: { raw: json as UpstreamSuccess["raw"], data: data.data } };
  }
  const known = BUSINESS_CODES[code];
  if (!known) {
    return {
      kind: "fail",
      error: new ProblemError("upstream-unknown-code", { detail: `The upstream answered the undocumented code ${code}.` }),
    };
  }
  const detail =
    `The upstream answered code ${code} (${known.name}).` + (known.operatorAction ? ` Operator: ${known.operatorAction}.` : "");
  switch (code) {
    case 301:
      return { kind: "retry", error: new ProblemError(known.type, { detail, retryAfterSeconds: COLLECTION_RETRY_AFTER_S }) };
    case 302:
      return {
        kind: "retry",
        once: "rate-limit",
        delayMs: RATE_LIMIT_DELAY_MS,
        error: new ProblemError(known.type, { detail, retryAfterSeconds: RATE_LIMIT_RETRY_AFTER_S }),
      };
    case 303:
      return {
        kind: "fail",
        error: new ProblemError(known.type, { detail, retryAfterSeconds: secondsUntilShanghaiHour(now, quotaResetHour) }),
      };
    default:
      return { kind: "fail", error: new ProblemError(known.type, { detail }) };
  }
}

async function attempt(
  config: Config,
  token: string,
  query: UpstreamQuery,
  timeoutMs: number,
  deps: UpstreamDeps,
  trace: UpstreamTrace,
): Promise<Outcome> {
  const timer = deps.abortAfter(timeoutMs);
  try {
    let response: Response;
    try {
      response = await deps.fetch(buildUpstreamRequest(config.UPSTREAM_BASE_URL, token, query, timer.signal));
    } catch {
      if (timer.signal.aborted) {
        return {
          kind: "fail",
          error: new ProblemError("upstream-timeout", { detail: `The upstream did not answer within ${timeoutMs} ms.` }),
        };
      }
      return {
        kind: "retry",
        error: new ProblemError("upstream-unreachable", { detail: "The upstream could not be reached (network error)." }),
      };
    }
    let text: string | null;
    try {
      text = await readBounded(response);
    } catch {
      if (timer.signal.aborted) {
        return {
          kind: "fail",
          error: new ProblemError("upstream-timeout", { detail: `The upstream did not finish its answer within ${timeoutMs} ms.` }),
        };
      }
      return {
        kind: "retry",
        error: new ProblemError("upstream-unreachable", { detail: "The upstream's connection broke during its answer." }),
      };
    }
    if (response.status >= 500) {
      return {
        kind: "retry",
        error: new ProblemError("upstream-http-error", { detail: `The upstream answered HTTP ${response.status}.` }),
      };
    }
    if (text === null) {
      return {
        kind: "fail",
        error: new ProblemError("upstream-invalid-response", {
          detail: `The upstream's answer was larger than ${MAX_UPSTREAM_BODY_BYTES} bytes.`,
        }),
      };
    }
    return interpretBody(text, deps.now(), config.QUOTA_RESET_HOUR, trace, token);
  } finally {
    timer.cancel();
  }
}

function backoffMs(retry: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retry);
  // "Equal jitter": never less than half the step, so retries cannot bunch up at zero.
  return ceiling / 2 + random() * (ceiling / 2);
}

/** One logical upstream call. Resolves with a validated success or throws a ProblemError. */
export async function fetchUpstream(
  config: Config,
  token: string,
  query: UpstreamQuery,
  deps: UpstreamDeps,
  trace: UpstreamTrace,
): Promise<UpstreamSuccess> {
  const started = deps.now();
  const deadline = started + config.UPSTREAM_RETRY_BUDGET_MS;
  let rateLimitRetried = false;
  try {
    for (let attemptNo = 1; ; attemptNo++) {
      const remaining = deadline - deps.now();
      trace.attempts++;
      const outcome = await attempt(config, token, query, Math.max(1, Math.min(config.UPSTREAM_TIMEOUT_MS, remaining)), deps, trace);
      if (outcome.kind === "success") return outcome.result;
      if (outcome.kind === "fail") throw outcome.error;
      if (attemptNo >= config.UPSTREAM_MAX_ATTEMPTS) throw outcome.error;
      if (outcome.once === "rate-limit") {
        if (rateLimitRetried) throw outcome.error;
        rateLimitRetried = true;
      }
      const delay =
        outcome.delayMs !== undefined ? outcome.delayMs + deps.random() * outcome.delayMs : backoffMs(attemptNo - 1, deps.random);
      if (deps.now() + delay >= deadline) throw outcome.error;
      await deps.sleep(delay);
    }
  } finally {
    trace.elapsedMs += deps.now() - started;
  }
}
