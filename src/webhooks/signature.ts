/**
 * @module Webhook signatures by Standard Webhooks (standardwebhooks.com), through its reference
 * library: `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature:
 * v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, several space-separated while a secret
 * is being rotated.
 *
 * Each client key has its own `whsec_` secret, derived from the Worker secret
 * WEBHOOK_SIGNING_SECRET, the key's name and a generation number kept in the key's record, so no
 * secret is stored anywhere and a rotation is a new generation: during one, the previous
 * generation stays valid too (`npm run key -- rotate-secret`). Plain Web Crypto, so `npm run key
 * -- secret` derives the very same secret.
 *
 * Verification uses the gateway's clock (the library's own check reads the global one), reads the
 * raw body before anything parses it, and compares in constant time; each `webhook-id` is then
 * accepted once by the key's delivery book.
 */
import { Webhook } from "standardwebhooks";
import { base64, constantTimeEqual, hmacSha256 } from "../bytes.ts";

/** Standard Webhooks' tolerance: a signature more than this far from our clock, either way, is refused. */
export const TOLERANCE_SECONDS = 5 * 60;

/** The generations of a key's secret that are valid now: the current one, and the previous one during a rotation. */
export interface SecretGenerations {
  current: number;
  previous: number | null;
}

async function derive(master: string, keyName: string, generation: number): Promise<string> {
  return `whsec_${base64(await hmacSha256(master, `xingtu-edge webhook secret:${keyName}:${generation}`))}`;
}

/** The key's valid secrets, current first. */
export function signingSecrets(master: string, keyName: string, generations: SecretGenerations): Promise<string[]> {
  const valid = generations.previous === null ? [generations.current] : [generations.current, generations.previous];
  return Promise.all(valid.map((generation) => derive(master, keyName, generation)));
}

/** The Standard Webhooks headers of a message, signed with every valid secret. */
export function signedHeaders(secrets: string[], id: string, nowMs: number, body: string): Record<string, string> {
  const at = new Date(Math.floor(nowMs / 1000) * 1000);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(at.getTime() / 1000),
    "webhook-signature": secrets.map((secret) => new Webhook(secret).sign(id, at, body)).join(" "),
  };
}

export type Verification = { ok: true; id: string } | { ok: false; reason: string };

/** Checks a signed request's headers and raw body against the key's valid secrets. */
export function verifySigned(headers: Headers, body: string, secrets: string[], nowMs: number): Verification {
  const [id, timestamp, signature] = ["webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => headers.get(name));
  if (!id || !timestamp || !signature)
    return { ok: false, reason: "a signed request needs webhook-id, webhook-timestamp and webhook-signature" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "webhook-timestamp must be unix seconds" };
  const skew = nowMs / 1000 - Number(timestamp);
  if (skew > TOLERANCE_SECONDS) return { ok: false, reason: `the signature is older than ${TOLERANCE_SECONDS} seconds` };
  if (skew < -TOLERANCE_SECONDS) return { ok: false, reason: "the signature's timestamp is in the future" };
  const at = new Date(Number(timestamp) * 1000);
  const expected = secrets.map((secret) => new Webhook(secret).sign(id, at, body));
  // Each expected signature carries its scheme ("v1,"), so a part of another scheme matches none.
  const passed = signature.split(" ");
  return passed.some((candidate) => expected.some((valid) => constantTimeEqual(candidate, valid)))
    ? { ok: true, id }
    : { ok: false, reason: "no signature matches the body with this key's secret" };
}
