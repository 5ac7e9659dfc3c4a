/**
 * @module Share links: read-only URLs to one resource (a creator's trend or a roster's trends, over
 * a fixed or rolling range), for callers that cannot send a header (IMPORTDATA, Power Query, an
 * `<img>`, Feishu and WPS). A link's token is its id and a MAC of the id under a key derived from
 * WEBHOOK_SIGNING_SECRET: only the gateway can mint one, a forged or mistyped token is refused
 * without a read, and nothing stored (KV) is enough to use a link. Its record, in KEYS, says what
 * it shows, whose key it spends under, and whether it was revoked or has expired.
 */
import * as z from "zod/mini";
import { constantTimeEqual, hmacSha256 } from "../bytes.ts";
import { builtOnFirstUse } from "../schemas/request.ts";
import { COMPARE_MODES } from "../render/compare.ts";
import { LANGS } from "../render/language.ts";

/** Bytes of randomness in a link's id, and of its MAC: 96 and 192 bits, as base64url 16 and 32 characters. */
const ID_BYTES = 12;
const MAC_BYTES = 24;
const ID_CHARS = 16;
// Stryker disable next-line Regex: the MAC check refuses every other shape too; the pattern only spares it the hashing
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{48}$/;
/** Links one key may keep at once (revoked and expired ones do not count). */
export const MAX_LINKS = 100;
/** How long a revoked or expired link's record is kept, so it is refused as such rather than unknown. */
export const TOMBSTONE_SECONDS = 30 * 24 * 3600;

function base64url(bytes: Uint8Array): string {
  const unpadded = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_");
  // Stryker disable next-line Regex: base64 pads only at the end; 12 and 24 bytes have no "=", 32 bytes (the derived key) one, so /=+/ and /=$/ remove the same
  return unpadded.replace(/=+$/, "");
}

async function macOf(master: string, id: string): Promise<string> {
  // Its own derived key: a link's MAC can never be mistaken for a webhook secret or signature.
  const key = base64url(await hmacSha256(master, "xingtu-edge share links"));
  return base64url((await hmacSha256(key, id)).slice(0, MAC_BYTES));
}

/** A new link's id: its token is derived from it (tokenOf), and stored nowhere. */
export const newLinkId = () => base64url(crypto.getRandomValues(new Uint8Array(ID_BYTES)));

/** The token of an existing link (its owner lists it again). */
export const tokenOf = async (master: string, id: string) => id + (await macOf(master, id));

/** The id of a token the gateway minted; null for anything else (compared in constant time). */
export async function verifiedId(master: string, token: string): Promise<string | null> {
  // Equivalent as `false` (docs/testing.md lists it; its `true` is killed): the MAC check refuses every other shape too; this only spares it the hashing
  if (!TOKEN_PATTERN.test(token)) return null;
  const id = token.slice(0, ID_CHARS);
  return constantTimeEqual(token.slice(ID_CHARS), await macOf(master, id)) ? id : null;
}

/** A token as a log line may show it: its id only, never the part that makes it usable. */
export const loggedToken = (token: string) => `${token.slice(0, ID_CHARS)}…`;

/** A stored link's record, checked when read (built on first use: off every isolate's start-up). */
export const shareRecordSchema = builtOnFirstUse(() =>
  z.object({
    id: z.string(),
    /** The key whose limits the link spends within, and whose usage it counts in. */
    owner: z.string(),
    resource: z.union([z.object({ kolId: z.string(), name: z.optional(z.string()) }), z.object({ roster: z.string() })]),
    range: z.union([z.object({ startDate: z.string(), endDate: z.string() }), z.object({ days: z.int() })]),
    /** The chart's modes and the answers' languages, as a link is made with them. */
    mode: z.optional(z.enum(COMPARE_MODES)),
    lang: z.optional(z.enum(LANGS)),
    note: z.optional(z.string()),
    createdAt: z.string(),
    expiresAt: z.nullable(z.string()),
    revokedAt: z.nullable(z.string()),
  }),
);
export type ShareRecord = z.output<ReturnType<typeof shareRecordSchema>>;

export const linkKvName = (id: string) => `link:${id}`;
/** The owner's index: listed by prefix, the record in its metadata (no read per link). */
export const ownerLinkPrefix = (owner: string) => `links:${owner}:`;
export const ownerLinkKvName = (owner: string, id: string) => `${ownerLinkPrefix(owner)}${id}`;

/** Whether a link serves now: `revoked`, `expired`, or null. */
export function refusal(record: ShareRecord, nowMs: number): "revoked" | "expired" | null {
  if (record.revokedAt !== null) return "revoked";
  // Without an expiry: NaN, which no moment reaches.
  // Stryker disable next-line StringLiteral: any text that is not a date parses to NaN, "Stryker was here!" as "" does
  const expires = Date.parse(record.expiresAt ?? "");
  return expires <= nowMs ? "expired" : null;
}

/** Seconds KV should keep a record: to its expiry (or revocation) and a tombstone's time after. */
export function keepSeconds(record: ShareRecord, nowMs: number): number | undefined {
  const end = record.revokedAt ?? record.expiresAt;
  if (end === null) return undefined;
  return Math.max(60, Math.ceil((Date.parse(end) - nowMs) / 1000) + TOMBSTONE_SECONDS);
}
