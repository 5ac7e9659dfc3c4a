/**
 * @module Delivering a watch's digest from the queue: the target is read again from the roster
 * book (a watch changed or removed since is honoured, and its secret never travels in a message),
 * the request is built and signed for its kind (formats.ts), and a failure is retried with the
 * callbacks' back-off until DELIVERY_MAX_ATTEMPTS, then left to the dead-letter queue.
 */
import { requireReady } from "../config/readiness.ts";
import { recordOfName } from "../auth/keys.ts";
import { kvStore } from "../cache/kv-store.ts";
import { checkCallbackUrl } from "../webhooks/callback-url.ts";
import { signedHeaders, signingSecrets } from "../webhooks/signature.ts";
import { retryDelaySeconds } from "../webhooks/deliveries.ts";
import { accepted, chatRequest, type Digest, type Outgoing } from "./formats.ts";
import type { Bindings } from "../bindings.ts";
import type { Runtime } from "../runtime.ts";

export interface DigestMessage {
  kind: "digest";
  /** The key whose roster it is. */
  owner: string;
  roster: string;
  /** The target's place in the watch's list. */
  target: number;
  digest: Digest;
}

export const isDigestMessage = (body: unknown): body is DigestMessage =>
  typeof body === "object" && body !== null && (body as { kind?: unknown }).kind === "digest";

/** A Standard Webhooks callback, signed with the owner key's secrets; its id is the same on retries. */
async function webhookRequest(env: Bindings, message: DigestMessage, url: string, nowMs: number): Promise<Outgoing | string> {
  const { config } = requireReady(env);
  const checked = checkCallbackUrl(url, config);
  if (!checked.ok) return `the target URL ${checked.reason}`;
  if (!config.WEBHOOK_SIGNING_SECRET) return "WEBHOOK_SIGNING_SECRET is not set";
  const keys = kvStore(env.KEYS);
  const owner = await recordOfName(async (name) => {
    const read = await keys.get(name);
    return read.ok ? read.value : null;
  }, message.owner);
  const secrets = await signingSecrets(
    config.WEBHOOK_SIGNING_SECRET,
    message.owner,
    owner?.webhookSecret ?? { current: 1, previous: null },
  );
  const body = JSON.stringify({ type: "roster.digest", ...message.digest });
  const id = `digest_${message.digest.day}_${message.roster}_${message.target}`;
  return { url: checked.url.href, headers: { "Content-Type": "application/json", ...signedHeaders(secrets, id, nowMs, body) }, body };
}

export async function deliverDigest(message: Message<unknown>, body: DigestMessage, env: Bindings, runtime: Runtime): Promise<void> {
  const { config } = requireReady(env);
  const log = (level: "info" | "warn", msg: string, error?: string) =>
    runtime.log({
      level,
      msg,
      client: body.owner,
      roster: body.roster,
      day: body.digest.day,
      target: body.target,
      attempts: message.attempts,
      error,
    });
  const book = env.ROSTER_BOOK!.get(env.ROSTER_BOOK!.idFromName(body.owner));
  const target = (await book.getWatch(body.roster))?.watch.targets[body.target];
  if (!target) {
    log("info", "watch digest dropped: the watch or its target is gone");
    message.ack();
    return;
  }
  const now = runtime.now();
  const outgoing =
    target.type === "webhook" ? await webhookRequest(env, body, target.url, now) : await chatRequest(target, body.digest, now);
  if (typeof outgoing === "string") {
    log("warn", "watch digest not sent", outgoing);
    message.ack();
    return;
  }
  const timer = runtime.abortAfter(config.CALLBACK_TIMEOUT_MS);
  let failure: string | null;
  try {
    const response = await runtime.fetch(
      new Request(outgoing.url, {
        method: "POST",
        headers: outgoing.headers,
        body: outgoing.body,
        redirect: "manual",
        signal: timer.signal,
      }),
    );
    failure = await accepted(target, response);
  } catch {
    failure = timer.signal.aborted
      ? `the target did not answer within ${config.CALLBACK_TIMEOUT_MS} ms`
      : "the target could not be reached";
  } finally {
    timer.cancel();
  }
  if (failure === null) {
    log("info", "watch digest delivered");
    message.ack();
    return;
  }
  log("warn", "watch digest attempt failed", failure);
  // On the last attempt the retry hands the message to the dead-letter queue.
  message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
}
