/**
 * @module Who may spend the gateway's token: client-key authentication and per-key rate limits.
 *
 * A key arrives as `Authorization: Bearer <key>` or, on the drop-in route, as the upstream-style
 * `token` query parameter; never from a cookie. Missing, unknown and revoked keys get the same
 * 401, so an answer never tells whether a key exists. With no key in the namespace at all the
 * gateway fails closed with an operator message, unless PUBLIC_ACCESS is set.
 */
import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import { ProblemError } from "../problem";
import { hashKey, keyRecordSchema, RECORD_PREFIX, recordKvName, type KeyRecord, type Tier } from "./keys";
import type { GatewayEnv } from "../env";
import { kvStore, type Store } from "../cache/store";
import { memoryStore } from "../cache/memory-store";
import { tieredStore } from "../cache/tiered-store";

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

function unauthorized(invalid: boolean): ProblemError {
  return new ProblemError("unauthorized", {
    detail: "A valid client key is required: send `Authorization: Bearer <key>` (on the upstream-style route, `token=<key>`).",
    authenticate: invalid ? 'Bearer realm="xingtu-edge", error="invalid_token"' : 'Bearer realm="xingtu-edge"',
  });
}

function presentedKey(c: Context<GatewayEnv>): string | null {
  const header = c.req.header("Authorization");
  if (header !== undefined) {
    const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
    return match ? match[1]! : "";
  }
  if (c.var.upstreamStyle) return c.req.query("token") ?? null;
  return null;
}

function timingSafeEqualHex(a: string, b: string): boolean {
  const encoder = new TextEncoder();
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  return left.byteLength === right.byteLength && crypto.subtle.timingSafeEqual(left, right);
}

async function findKey(keys: Store, key: string): Promise<KeyRecord | null> {
  const hash = await hashKey(key);
  const stored = await keys.get(recordKvName(hash), { edgeCacheSeconds: KEY_CACHE_TTL_SECONDS });
  const record = keyRecordSchema.safeParse(stored.ok ? stored.value : null);
  if (!record.success || !timingSafeEqualHex(record.data.hash, hash)) return null;
  return record.data;
}

export function clientAuth(now: () => number) {
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
    const key = presentedKey(c);
    let client: Client;
    if (key === null && config.PUBLIC_ACCESS) {
      client = { name: "public", tier: "standard", canRefresh: false, anonymous: true };
    } else {
      const record = key ? await findKey(tieredStore(memory, kvStore(keys), KEY_MEMORY_SECONDS), key) : null;
      if (!record || record.disabled) {
        if (!config.PUBLIC_ACCESS && !(await anyKeyExists(keys, deps.now()))) {
          throw new ProblemError("gateway-misconfigured", {
            detail: "No client keys exist, so the gateway refuses every data request. Operator: create one with `npm run key -- create --name NAME --remote`, or set PUBLIC_ACCESS=true to serve without keys.",
          });
        }
        throw unauthorized(key !== null);
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
