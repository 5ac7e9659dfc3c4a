/**
 * @module Who may spend the gateway's token: client-key authentication and per-key rate limits.
 *
 * A key arrives as `Authorization: Bearer <key>` or, on the drop-in route, as the upstream-style
 * `token` query parameter; never from a cookie. Where a route allows it (the webhook target), a
 * request may instead be signed with the key's signing secret (`X-Signature`, naming the key in
 * `X-Key-Name`); the raw body is verified before anything parses it. Missing, unknown and revoked
 * keys get the same 401, so an answer never tells whether a key exists. With no key in the
 * namespace at all the gateway fails closed with an operator message, unless PUBLIC_ACCESS is set.
 */
import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import { ProblemError } from "../problem.ts";
import { hashKey, keyRecordSchema, nameKvName, RECORD_PREFIX, recordKvName, type KeyRecord, type Tier } from "./keys.ts";
import { constantTimeEqual, deriveSigningSecret, verifySignature } from "../webhooks/signature.ts";
import type { GatewayEnv } from "../bindings.ts";
import { kvStore, type Store } from "../cache/store.ts";
import { memoryStore } from "../cache/memory-store.ts";
import { tieredStore } from "../cache/tiered-store.ts";

/** How long an edge location (KV's cache) and then an isolate (memory) may trust a key record:
 * a revocation reaches every location within their sum, about a minute and a half. */
const KEY_CACHE_TTL_SECONDS = 60;
const KEY_MEMORY_SECONDS = 30;
const KEY_MEMORY_BYTES = 256 * 1024;
const KEYS_EXIST_MEMO_MS = 60_000;
const RATE_LIMIT_PERIOD_SECONDS = 60;

export interface Client {
  /** The key's name, or "public" for an anonymous caller under PUBLIC_ACCESS. */
  name: string;
  tier: Tier;
  canRefresh: boolean;
  anonymous: boolean;
}

const AUTH_HELP = "A valid client key is required: send `Authorization: Bearer <key>` (on the upstream-style route, `token=<key>`).";

function unauthorized(invalid: boolean, detail = AUTH_HELP): ProblemError {
  return new ProblemError("unauthorized", {
    detail,
    authenticate: invalid ? 'Bearer realm="xingtu-edge", error="invalid_token"' : 'Bearer realm="xingtu-edge"',
  });
}

function presentedKey(c: Context<GatewayEnv>): string | null {
  const header = c.req.header("Authorization");
  if (header !== undefined) {
    const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
    return match ? match[1]! : "";
  }
  const param = c.var.queryKey;
  return param ? (c.req.query(param) ?? null) : null;
}

async function findKey(keys: Store, key: string): Promise<KeyRecord | null> {
  const hash = await hashKey(key);
  const stored = await keys.get(recordKvName(hash), { edgeCacheSeconds: KEY_CACHE_TTL_SECONDS });
  const record = keyRecordSchema.safeParse(stored.ok ? stored.value : null);
  if (!record.success || !constantTimeEqual(record.data.hash, hash)) return null;
  return record.data;
}

async function findKeyByName(keys: Store, name: string): Promise<KeyRecord | null> {
  const hash = await keys.get(nameKvName(name), { edgeCacheSeconds: KEY_CACHE_TTL_SECONDS });
  if (!hash.ok || typeof hash.value !== "string") return null;
  const stored = await keys.get(recordKvName(hash.value), { edgeCacheSeconds: KEY_CACHE_TTL_SECONDS });
  const record = keyRecordSchema.safeParse(stored.ok ? stored.value : null);
  return record.success && record.data.name === name ? record.data : null;
}

/** The key named by a signed request, once its signature over the raw body is verified. */
async function signedKey(c: Context<GatewayEnv>, keys: Store, header: string): Promise<KeyRecord | null> {
  const { config, deps } = c.var.lookup;
  const name = c.req.header("X-Key-Name");
  if (!name) throw unauthorized(true, "A signed request must name its key in X-Key-Name.");
  if (!config.WEBHOOK_SIGNING_SECRET) {
    throw new ProblemError("gateway-misconfigured", {
      detail:
        "The secret WEBHOOK_SIGNING_SECRET is not set, so signed requests cannot be verified. Operator: `wrangler secret put WEBHOOK_SIGNING_SECRET`.",
    });
  }
  const secret = await deriveSigningSecret(config.WEBHOOK_SIGNING_SECRET, name);
  const verification = await verifySignature(header, await c.req.text(), secret, deps.now());
  if (!verification.ok) throw unauthorized(true, `The request's signature is not valid: ${verification.reason}.`);
  return findKeyByName(keys, name);
}

export interface ClientAuthOptions {
  /** Accept requests signed with a key's signing secret instead of carrying the key. */
  signatures?: boolean;
}

export function clientAuth(now: () => number, options: ClientAuthOptions = {}) {
  const memory = memoryStore({ maxBytes: KEY_MEMORY_BYTES, now });
  // Memoised per isolate: answering "does any key exist?" should not cost a KV list per 401.
  let keysExist: { value: boolean; until: number } | null = null;
  const anyKeyExists = async (keys: KVNamespace, now: number) => {
    if (keysExist && keysExist.until > now) return keysExist.value;
    const listed = await keys.list({ prefix: RECORD_PREFIX, limit: 1 });
    keysExist = { value: listed.keys.length > 0, until: now + KEYS_EXIST_MEMO_MS };
    return keysExist.value;
  };

  return createMiddleware<GatewayEnv>(async (c, next) => {
    const { config, deps } = c.var.lookup;
    const keys = c.env.KEYS;
    const keyStore = tieredStore(memory, kvStore(keys), KEY_MEMORY_SECONDS);
    const signature = options.signatures ? c.req.header("X-Signature") : undefined;
    const key = signature === undefined ? presentedKey(c) : null;
    let client: Client;
    if (key === null && signature === undefined && config.PUBLIC_ACCESS) {
      client = { name: "public", tier: "standard", canRefresh: false, anonymous: true };
    } else {
      const record = signature !== undefined ? await signedKey(c, keyStore, signature) : key ? await findKey(keyStore, key) : null;
      if (!record || record.disabled) {
        if (!config.PUBLIC_ACCESS && !(await anyKeyExists(keys, deps.now()))) {
          throw new ProblemError("gateway-misconfigured", {
            detail:
              "No client keys exist, so the gateway refuses every data request. Operator: create one with `npm run key -- create --name NAME --remote`, or set PUBLIC_ACCESS=true to serve without keys.",
          });
        }
        throw unauthorized(key !== null || signature !== undefined);
      }
      client = { name: record.name, tier: record.tier, canRefresh: record.permissions.includes("refresh"), anonymous: false };
    }
    c.set("client", client);

    const limiter = client.tier === "bulk" ? c.env.RATE_LIMIT_BULK : c.env.RATE_LIMIT_STANDARD;
    const subject = client.anonymous ? `ip:${c.req.header("CF-Connecting-IP") ?? "unknown"}` : `key:${client.name}`;
    const { success } = await limiter.limit({ key: subject });
    if (!success) {
      throw new ProblemError("rate-limited", {
        detail: `The ${client.tier} tier's request limit is reached for this ${client.anonymous ? "address" : "key"}; retry after the window resets.`,
        retryAfterSeconds: RATE_LIMIT_PERIOD_SECONDS,
      });
    }
    await next();
  });
}
