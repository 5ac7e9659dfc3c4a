/**
 * @module The delivery queue's consumer: fetch the answer (through the same cache), then POST it
 * to the callback, signed with the owner key's webhook secret. (Watch digests travel the same
 * queue: alerts/digest-delivery.ts sends them.)
 *
 * A callback that fails (network error, non-2xx, or a redirect, which is never followed) is
 * retried with exponential backoff; after DELIVERY_MAX_ATTEMPTS attempts the delivery is marked
 * failed with its last error and the message goes on to the dead-letter queue. Callbacks are
 * signed by Standard Webhooks; their `webhook-id` is the delivery id, so a receiver can drop a repeat.
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
import { countedLookup, keyUsage, type KeyUsage } from "../ledger/usage.ts";

async function payloadFor(message: DeliveryMessage, context: LookupContext, usage: KeyUsage | null) {
  const base = { deliveryId: message.deliveryId, requestId: message.requestId };
  // What fetching the answer cost, as the data routes' Xingtu-Upstream-* headers say it.
  const cost = () => ({
    upstreamCalls: context.trace.upstream.attempts,
    upstreamBilled: context.trace.upstream.billed,
    upstreamRequestId: context.trace.upstream.attempts > 0 ? (context.trace.upstream.requestId ?? null) : null,
  });
  try {
    const result = await countedLookup(context, usage, message.query);
    return { ...base, status: "ok", data: normalize(message.query, dataOf(result)), ...cost() };
  } catch (error) {
    const problem =
      error instanceof ProblemError ? error : new ProblemError("internal-error", { detail: "The gateway failed unexpectedly." });
    return {
      ...base,
      status: "error",
      error: problemBody(problem, { requestId: message.deliveryId, instance: "/v1/webhooks/daily-fans", upstreamStyle: false }),
      ...cost(),
    };
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

  // The allow-list may have changed since the request was accepted: check again before sending.
  const url = checkCallbackUrl(delivery.callbackUrl, config);
  if (!url.ok || !config.WEBHOOK_SIGNING_SECRET) {
    await record("failed", url.ok ? "WEBHOOK_SIGNING_SECRET is not set" : `the callback URL ${url.reason}`);
    message.ack();
    return;
  }

  const owner = await ownerRecord(env, delivery.owner);
  const usage = owner
    ? keyUsage(env, runtime, { name: owner.name, anonymous: false, dailyUpstreamCalls: owner.dailyUpstreamCalls }, defer)
    : null;
  const body = JSON.stringify(await payloadFor(delivery, context, usage));
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
    runtime.log({ level: "info", msg: "delivered", deliveryId: delivery.deliveryId, client: delivery.owner, attempts: message.attempts });
    return;
  }
  const last = message.attempts >= config.DELIVERY_MAX_ATTEMPTS;
  await record(last ? "failed" : "queued", failure);
  runtime.log({
    level: "warn",
    msg: "delivery attempt failed",
    deliveryId: delivery.deliveryId,
    client: delivery.owner,
    attempts: message.attempts,
    error: failure,
  });
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
