/**
 * @module Webhook signatures in the style of the large senders:
 * `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
 *
 * Each client key has its own signing secret, derived from the Worker secret
 * WEBHOOK_SIGNING_SECRET and the key's name, so none is stored anywhere. Plain Web Crypto, so the
 * `npm run key -- secret` command derives the very same secret. Verification reads the raw body
 * before anything parses it, compares in constant time, and bounds the replay window.
 */
import { constantTimeEqual, hex } from "../bytes.ts";

const encoder = new TextEncoder();
/** Requests signed longer ago than this are replays. */
export const REPLAY_WINDOW_SECONDS = 300;
/** A sender's clock may run this far ahead of ours. */
export const CLOCK_SKEW_SECONDS = 30;

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return hex(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
}

export async function deriveSigningSecret(master: string, keyName: string): Promise<string> {
  return `whsec_${await hmacHex(master, `xingtu-edge signing secret:${keyName}`)}`;
}

export async function signatureHeader(secret: string, body: string, unixSeconds: number): Promise<string> {
  return `t=${unixSeconds},v1=${await hmacHex(secret, `${unixSeconds}.${body}`)}`;
}

export type Verification = { ok: true } | { ok: false; reason: string };

export async function verifySignature(header: string, body: string, secret: string, nowMs: number): Promise<Verification> {
  const parts = new Map(header.split(",").map((part) => part.trim().split("=", 2) as [string, string]));
  const t = parts.get("t");
  const v1 = parts.get("v1");
  if (!t || !/^\d{1,12}$/.test(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1))
    return { ok: false, reason: "X-Signature must be t=<unix seconds>,v1=<64 hex digits>" };
  const age = nowMs / 1000 - Number(t);
  if (age > REPLAY_WINDOW_SECONDS) return { ok: false, reason: `the signature is older than ${REPLAY_WINDOW_SECONDS} seconds` };
  if (age < -CLOCK_SKEW_SECONDS) return { ok: false, reason: "the signature's timestamp is in the future" };
  const expected = await hmacHex(secret, `${t}.${body}`);
  return constantTimeEqual(expected, v1) ? { ok: true } : { ok: false, reason: "the signature does not match the body" };
}
