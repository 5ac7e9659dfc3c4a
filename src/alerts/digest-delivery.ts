/**
 * @module Delivering a watch's digest from the queue: the target is read again from the roster
 * book (a watch changed or removed since is honoured, and its secret never travels in a message),
 * the request is built and signed for its kind (formats.ts), and a failure is retried with the
 * callbacks' back-off until DELIVERY_MAX_ATTEMPTS, then left to the dead-letter queue. A watch's
 * test (watch-test.ts) builds its requests here too, so a sample is signed as a real digest is.
 */
import { requireReady, requireRosterBooks } from "../config/readiness.ts";
import type { Config } from "../config/config.ts";
import { checkCallbackUrl } from "../webhooks/callback-url.ts";
import { ownerRecord, ownerSignedHeaders, postOnce, type Outgoing } from "../webhooks/outbound.ts";
import { retryDelaySeconds } from "../webhooks/deliveries.ts";
import { hex } from "../bytes.ts";
import { accepted, chatRequest, webhookBody, type Digest } from "./formats.ts";
import type { WatchTarget } from "../schemas/watches.ts";
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

/**
 * The digest's Standard Webhooks `webhook-id`, which a receiver drops repeats by: the same on every
 * retry of one message, and different for every key, roster, day and target, so two keys' rosters
 * of one name never share it. The day stays readable; the rest is hashed, so the id names neither
 * the key nor the roster, and holds no `.` (the signed content is `id.timestamp.body`).
 */
async function digestId(message: DigestMessage): Promise<string> {
  // Neither a roster name nor a target's place holds a newline: the three parts cannot run together.
  const seed = new TextEncoder().encode(`${message.owner}\n${message.roster}\n${message.target}`);
  return `digest_${message.digest.day}_${hex(await crypto.subtle.digest("SHA-256", seed)).slice(0, 24)}`;
}

/**
 * The request for one target: a chat service's message signed as it documents (formats.ts), or a
 * Standard Webhooks callback signed with the owner key's secrets under `webhookId`; a string says
 * why none can be sent (its host no longer allowed, no signing secret).
 */
export async function digestRequest(
  env: Bindings,
  config: Config,
  owner: string,
  target: WatchTarget,
  digest: Digest,
  webhookId: string,
  nowMs: number,
): Promise<Outgoing | string> {
  if (target.type !== "webhook") return chatRequest(target, digest, nowMs);
  const checked = checkCallbackUrl(target.url, config);
  if (!checked.ok) return `the target URL ${checked.reason}`;
  if (!config.WEBHOOK_SIGNING_SECRET) return "WEBHOOK_SIGNING_SECRET is not set";
  const body = webhookBody(digest);
  const signed = await ownerSignedHeaders(config.WEBHOOK_SIGNING_SECRET, owner, await ownerRecord(env, owner), {
    id: webhookId,
    nowMs,
    body,
  });
  return { url: checked.url.href, headers: { "Content-Type": "application/json", ...signed }, body };
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
  const books = requireRosterBooks(env);
  const book = books.get(books.idFromName(body.owner));
  const target = (await book.getWatch(body.roster))?.watch.targets[body.target];
  if (!target) {
    log("info", "watch digest dropped: the watch or its target is gone");
    message.ack();
    return;
  }
  const outgoing = await digestRequest(env, config, body.owner, target, body.digest, await digestId(body), runtime.now());
  if (typeof outgoing === "string") {
    log("warn", "watch digest not sent", outgoing);
    message.ack();
    return;
  }
  const failure = await postOnce(outgoing, runtime, config.CALLBACK_TIMEOUT_MS, "target", (response) => accepted(target, response));
  if (failure === null) {
    log("info", "watch digest delivered");
    message.ack();
    return;
  }
  log("warn", "watch digest attempt failed", failure);
  // On the last attempt the retry hands the message to the dead-letter queue.
  message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
}
