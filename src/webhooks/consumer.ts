/**
 * @module The delivery queue's consumer: fetch the answer (through the same cache), then POST it
 * to the callback, signed with the owner key's webhook secret. (Watch digests travel the same
 * queue: alerts/digest-delivery.ts sends them.)
 *
 * A delivery fetches its data once, whatever happens to its messages: the first attempt claims the
 * delivery in the owner's delivery book (delivery-book.ts) before the lookup and stores the body it
 * makes (`status: "ok"` with the data, or `"error"` with the problem, and what fetching cost), and
 * every later attempt, retry or redelivered message sends exactly that body again. So a receiver
 * that keeps failing never makes the gateway call the upstream (and maybe pay) again.
 *
 * An attempt that finds the delivery claimed but no body stored never looks up again: the claimer
 * may still be fetching (a message delivered twice), or was cut off (its Worker died, or the book
 * could not store its body) after a call that may have been billed. While the claim is younger
 * than CLAIM_ABANDONED_MS (a consumer runs at most 15 minutes) the attempt waits, retried without
 * sending or recording anything; after it, or on the last attempt, the delivery resolves to an
 * `internal-error` problem saying so (the gateway's own failure: no upstream problem fits), with
 * `upstreamCalls` 0 (this resolution made none), and a new request (a new `requestId`, or none)
 * fetches the data again, from the cache if the cut-off lookup stored it. The first body stored
 * wins, so an attempt that lost a race sends the winner's. A message whose delivery is gone from
 * the book (kept a day) is dropped: it could not be resolved once.

 * A callback that fails (network error, non-2xx, or a redirect, which is never followed) is
 * retried with exponential backoff; after DELIVERY_MAX_ATTEMPTS attempts the delivery is marked
 * failed with its last error and the message goes on to the dead-letter queue. Callbacks are
 * signed by Standard Webhooks (again on each attempt, at its time); their `webhook-id` is the
 * delivery id, so a receiver can drop a repeat.
 */
import { normalize } from "../lookup/normalize.ts";
import { ProblemError, problemBody } from "../problem.ts";
import { dataOf } from "../lookup/lookup.ts";
import { createLookupContext, deferTo, newTrace, type LookupContext } from "../lookup/context.ts";
import { checkCallbackUrl } from "./callback-url.ts";
import { ownerRecord, ownerSignedHeaders, postOnce } from "./outbound.ts";
import { deliveryBookOf, deliveryMessageSchema, retryDelaySeconds, type DeliveryMessage } from "./deliveries.ts";
import { deliverDigest, isDigestMessage } from "../alerts/digest-delivery.ts";
import type { Bindings } from "../bindings.ts";
import type { Runtime } from "../runtime.ts";
import { countedLookup, dailyLimitOf, keyUsage, type KeyUsage } from "../ledger/usage.ts";

/** A consumer runs at most 15 minutes (wall clock), and a minute more covers clocks that differ:
 * a claim older than this without a stored body was abandoned. */
const CLAIM_ABANDONED_MS = 16 * 60 * 1000;

/** What fetching a delivery's data cost, as the data routes' Xingtu-Upstream-* headers say it. */
interface Cost {
  upstreamCalls: number;
  upstreamBilled: number;
  upstreamRequestId: string | null;
}

const NO_COST: Cost = { upstreamCalls: 0, upstreamBilled: 0, upstreamRequestId: null };

/** Whose answer a payload is: the delivery, and the client's own `requestId`. */
const idsOf = (message: DeliveryMessage) => ({ deliveryId: message.deliveryId, requestId: message.requestId });

function errorPayload(message: DeliveryMessage, problem: ProblemError, cost: Cost) {
  return {
    ...idsOf(message),
    status: "error",
    error: problemBody(problem, { requestId: message.deliveryId, instance: "/v1/webhooks/daily-fans", upstreamStyle: false }),
    ...cost,
  };
}

async function payloadFor(message: DeliveryMessage, context: LookupContext, usage: KeyUsage | null) {
  const cost = (): Cost => ({
    upstreamCalls: context.trace.upstream.attempts,
    upstreamBilled: context.trace.upstream.billed,
    upstreamRequestId: context.trace.upstream.attempts > 0 ? (context.trace.upstream.requestId ?? null) : null,
  });
  try {
    const result = await countedLookup(context, usage, message.query);
    return { ...idsOf(message), status: "ok", data: normalize(message.query, dataOf(result)), ...cost() };
  } catch (error) {
    const problem =
      error instanceof ProblemError ? error : new ProblemError("internal-error", { detail: "The gateway failed unexpectedly." });
    return errorPayload(message, problem, cost());
  }
}

/** What a delivery sends when an earlier attempt claimed its data and stored nothing. */
const interruptedPayload = (message: DeliveryMessage) =>
  errorPayload(
    message,
    new ProblemError("internal-error", {
      detail:
        "An earlier attempt at this delivery was interrupted while it fetched the data, after an upstream call that may have been billed. " +
        "A delivery fetches its data once, so this one carries none: send a new request (a new requestId, or none) to fetch it again.",
    }),
    NO_COST,
  );

/** The body to send, a wait (an earlier attempt may still be fetching), or the delivery is gone from its book. */
type Resolution = { kind: "send"; body: string } | { kind: "wait"; delaySeconds: number } | { kind: "gone" };

/**
 * Resolves a delivery's body once (see the module comment): claims it, fetches through `fetchPayload`
 * only when this attempt holds the claim, and stores the body before anything is sent. A book that
 * cannot be reached throws, so the message is retried.
 */
async function resolveOnce(
  book: ReturnType<typeof deliveryBookOf>,
  message: DeliveryMessage,
  attempt: { nowMs: number; last: boolean },
  fetchPayload: () => Promise<object>,
): Promise<Resolution> {
  const keep = async (payload: object): Promise<Resolution> => {
    // The first body stored wins: an attempt that lost a race sends the winner's.
    const body = await book.keepPayload(message.deliveryId, JSON.stringify(payload));
    return body === null ? { kind: "gone" } : { kind: "send", body };
  };
  const claim = await book.claim(message.deliveryId, attempt.nowMs);
  switch (claim.kind) {
    case "missing":
      return { kind: "gone" };
    case "resolved":
      return { kind: "send", body: claim.body };
    case "claimed":
      return keep(await fetchPayload());
    case "resolving": {
      const waitMs = claim.claimedMs + CLAIM_ABANDONED_MS - attempt.nowMs;
      if (waitMs > 0 && !attempt.last) return { kind: "wait", delaySeconds: Math.ceil(waitMs / 1000) };
      return keep(interruptedPayload(message));
    }
  }
}

export async function deliver(
  message: Message<unknown>,
  env: Bindings,
  runtime: Runtime,
  defer: (work: Promise<unknown>) => void,
): Promise<void> {
  const parsed = deliveryMessageSchema.safeParse(message.body);
  if (!parsed.success) {
    runtime.log({ level: "error", msg: "dropped a malformed delivery message", messageId: message.id });
    message.ack();
    return;
  }
  const delivery = parsed.data;
  const context = createLookupContext({
    env,
    runtime,
    trace: newTrace(),
    defer,
    warn: (msg) => runtime.log({ level: "warn", msg, deliveryId: delivery.deliveryId }),
  });
  const { config } = context;
  // The owner's delivery book; a failure to reach it throws, so the message is retried, never lost.
  const book = deliveryBookOf(env.DELIVERY_BOOK, delivery.owner);
  const record = (outcome: "delivered" | "failed" | "queued", lastError: string | null) =>
    book.update(delivery.deliveryId, outcome, message.attempts, lastError, new Date(runtime.now()).toISOString());
  const log = (level: "info" | "warn" | "error", msg: string, error?: string) =>
    runtime.log({
      level,
      msg,
      deliveryId: delivery.deliveryId,
      client: delivery.owner,
      attempts: message.attempts,
      ...(error === undefined ? {} : { error }),
    });

  // The allow-list may have changed since the request was accepted: check again before sending.
  const url = checkCallbackUrl(delivery.callbackUrl, config);
  if (!url.ok || !config.WEBHOOK_SIGNING_SECRET) {
    await record("failed", url.ok ? "WEBHOOK_SIGNING_SECRET is not set" : `the callback URL ${url.reason}`);
    message.ack();
    return;
  }

  const owner = await ownerRecord(env, delivery.owner);
  const usage = owner
    ? keyUsage(
        env,
        runtime,
        config,
        { name: owner.name, anonymous: false, dailyUpstreamCalls: dailyLimitOf(owner.dailyUpstreamCalls, config) },
        defer,
      )
    : null;
  const last = message.attempts >= config.DELIVERY_MAX_ATTEMPTS;
  const resolution = await resolveOnce(book, delivery, { nowMs: runtime.now(), last }, () => payloadFor(delivery, context, usage));
  if (resolution.kind === "gone") {
    log("error", "dropped a delivery whose record is gone from its book");
    message.ack();
    return;
  }
  if (resolution.kind === "wait") {
    // Nothing is recorded: the attempt that holds the claim may be about to record its outcome.
    log("info", "delivery waits: an earlier attempt claimed its data");
    message.retry({ delaySeconds: resolution.delaySeconds });
    return;
  }
  const { body } = resolution;
  // Standard Webhooks: webhook-id is the delivery's id, the same on every retry, so a receiver dedupes on it.
  const signed = await ownerSignedHeaders(config.WEBHOOK_SIGNING_SECRET, delivery.owner, owner, {
    id: delivery.deliveryId,
    nowMs: runtime.now(),
    body,
  });
  const outgoing = {
    url: url.url.href,
    body,
    headers: { "Content-Type": "application/json", ...signed, "User-Agent": "xingtu-edge-webhooks" },
  };
  // A callback is taken by any 2xx answer.
  const failure = await postOnce(outgoing, runtime, config.CALLBACK_TIMEOUT_MS, "callback");

  if (failure === null) {
    await record("delivered", null);
    message.ack();
    log("info", "delivered");
    return;
  }
  await record(last ? "failed" : "queued", failure);
  log("warn", "delivery attempt failed", failure);
  // On the last attempt the retry hands the message to the dead-letter queue.
  message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
}

export function queueHandler(runtime: Runtime) {
  return async (batch: MessageBatch<unknown>, env: Bindings, ctx: ExecutionContext): Promise<void> => {
    const defer = deferTo(ctx);
    // Deliveries never wait on one another: a slow receiver delays only its own.
    await Promise.all(
      batch.messages.map((message) =>
        isDigestMessage(message.body) ? deliverDigest(message, message.body, env, runtime) : deliver(message, env, runtime, defer),
      ),
    );
  };
}
