/**
 * @module Who may spend the gateway's token: client-key authentication and per-key rate limits.
 *
 * A key arrives as `Authorization: Bearer <key>` or, on the drop-in route, as the upstream-style
 * `token` query parameter; never from a cookie. Where a route allows it (the webhook target), a
 * request may instead be signed with the key's webhook secret by Standard Webhooks (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`, naming the key in `X-Key-Name`); the raw body is
 * verified before anything parses it, and each `webhook-id` is accepted once. Missing, unknown and revoked
 * keys get the same 401, so an answer never tells whether a key exists. With no key in the
 * namespace at all the gateway fails closed with an operator message, unless PUBLIC_ACCESS is set.
 */
import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import { ProblemError } from "../problem.ts";
import { admit, giveBack, takeSpare } from "./allowance.ts";
import { dailyLimitOf } from "../ledger/usage.ts";
import { RECORD_PREFIX, recordOfKey, recordOfName, type KeyRecord, type KeysReader, type Tier } from "./keys.ts";
import { signingSecrets, verifySigned } from "../webhooks/signature.ts";
import { requireDeliveryBooks, requireSigningSecret } from "../config/readiness.ts";
import { deliveryBookOf } from "../webhooks/deliveries.ts";
import { kvStore } from "../cache/kv-store.ts";
import { tieredStore } from "../cache/tiered-store.ts";
import type { Runtime } from "../runtime.ts";
import type { LookupEnv } from "../middleware/gateway-context.ts";

/** How long an edge location (KV's cache) and then an isolate (memory) may trust a key record:
 * a revocation reaches every location within their sum, about a minute and a half. */
const KEY_CACHE_TTL_SECONDS = 60;
const KEY_MEMORY_SECONDS = 30;
const KEYS_EXIST_MEMO_MS = 60_000;
const RATE_LIMIT_PERIOD_SECONDS = 60;

export interface Client {
  /** The key's name, or "public" for an anonymous caller under PUBLIC_ACCESS. */
  name: string;
  tier: Tier;
  canRefresh: boolean;
  /** May read and clear the spend guard (`/v1/spend-guard`). */
  canOperate: boolean;
  anonymous: boolean;
  /** Spent upstream calls a Shanghai day (the key's ledger admits them): the key's own limit or the
   * gateway's default (KEY_DAILY_UPSTREAM_CALLS); 0: no limit. */
  dailyUpstreamCalls: number;
  /** Counts one upstream call the request causes as one more request against its rate limit. */
  chargeUpstreamCall?: () => Promise<void>;
  /** Counts it ahead from this isolate's spare allowance, when there is one (false: none). */
  chargeSpareUpstreamCall?: () => boolean;
  /** Gives back a charge taken ahead whose call was not made. */
  refundUpstreamCall?: () => void;
}

/** Whose rate limit a request counted against, for its RateLimit headers (rateLimitHeaders). */
export interface RateLimitSubject {
  tier: Tier;
  /** Requests the tier admits a window. */
  quota: number;
  subject: string;
}

export interface ClientVariables {
  client: Client;
  rateLimit: RateLimitSubject;
  /** The query parameter that may carry a client key on this route (drop-in: token, chart: key). */
  queryKey: "token" | "key";
}

export interface ClientEnv {
  Bindings: LookupEnv["Bindings"];
  Variables: LookupEnv["Variables"] & ClientVariables;
}

/**
 * Requests the gateway makes to its own routes on a client's behalf (a share link's), with the
 * client they run as: set only by the gateway's code on a Request object it built, so nothing a
 * caller sends can claim one.
 */
export const grantedClients = new WeakMap<Request, Granted>();

/** A share link's own requests (`/s/...`), marked before anything of theirs can fail. */
const linkViews = new WeakSet<Request>();

export const markLinkView = (request: Request): void => void linkViews.add(request);

/** Whether this request is a share link's viewer's (who may be anyone the link was sent to): the link's own, or the one it runs for them. */
export const isLinkView = (request: Request): boolean => linkViews.has(request) || grantedClients.has(request);

/** A request the gateway runs for a client: who it runs as, and the rate-limit bucket it counts in. */
export interface Granted {
  client: Client;
  /** A share link's requests count in the link's own bucket (the owner's tier, per link), so a
   * link's viewers can never use up its owner's own requests; what they spend still counts on the owner. */
  rateSubject: string;
}

/** The client a key's record stands for. */
export function clientOfRecord(record: KeyRecord, config: Parameters<typeof dailyLimitOf>[1]): Client {
  return {
    name: record.name,
    tier: record.tier,
    canRefresh: record.permissions.includes("refresh"),
    canOperate: record.permissions.includes("operate"),
    anonymous: false,
    dailyUpstreamCalls: dailyLimitOf(record.dailyUpstreamCalls, config),
  };
}

/**
 * Refuses a failed authentication attempt (a wrong key, a forged share link) with `error`, or with a
 * 429 once its address has failed too often: attempts are limited per address (Cloudflare sets
 * CF-Connecting-IP on every request), so keys and links cannot be guessed at the gateway's expense.
 */
export async function refuseAttempt(
  env: ClientEnv["Bindings"],
  address: string | undefined,
  error: ProblemError,
  nowMs: number,
): Promise<never> {
  const limiter = env.RATE_LIMIT_AUTH_FAILURES;
  if (address && limiter && !(await limiter.limit({ key: `ip:${address}` })).success) {
    throw rateLimited("Too many failed authentication attempts from this address.", nowMs);
  }
  throw error;
}

/**
 * `RateLimit-Policy` and `RateLimit` (the IETF HTTPAPI draft) on every answer to a request that
 * counted against a rate limit, the 429 included: the tier's quota a window, and what is left of
 * it with the seconds until the window resets. Cloudflare's limiter answers only "allowed or not",
 * so `r` is the quota less what this isolate admitted for the key this window: exact for a key
 * served by one location, an upper bound otherwise (a 429 says 0).
 */
export function rateLimitHeaders(runtime: Pick<Runtime, "isolate" | "now">) {
  return createMiddleware<{ Variables: Partial<Pick<ClientVariables, "rateLimit">> }>(async (c, next) => {
    await next();
    const limit = c.get("rateLimit");
    if (!limit) return;
    const nowSeconds = Math.floor(runtime.now() / 1000);
    const state = runtime.isolate.allowances.get(limit.subject);
    const current = state?.window === Math.floor(nowSeconds / RATE_LIMIT_PERIOD_SECONDS) ? state : undefined;
    const remaining = current?.refused ? 0 : Math.max(0, limit.quota - (current?.used ?? 0));
    const reset = RATE_LIMIT_PERIOD_SECONDS - (nowSeconds % RATE_LIMIT_PERIOD_SECONDS);
    c.res.headers.set("RateLimit-Policy", `"${limit.tier}";q=${limit.quota};w=${RATE_LIMIT_PERIOD_SECONDS}`);
    c.res.headers.set("RateLimit", `"${limit.tier}";r=${remaining};t=${reset}`);
  });
}

/** Lets a route take the client key from a query parameter, for callers that cannot send headers. */
export function keyInQuery(param: ClientVariables["queryKey"]) {
  return createMiddleware<{ Variables: Pick<ClientVariables, "queryKey"> }>(async (c, next) => {
    c.set("queryKey", param);
    await next();
  });
}

/** The gateway fails closed until a key exists: what the operator is told, here and in /healthz. */
export const NO_KEYS =
  "No client keys exist, so the gateway refuses every data request. Operator: create one with `npm run key -- create --name NAME --remote`, or set PUBLIC_ACCESS=true to serve without keys.";

/**
 * A 429 whose Retry-After is what is left of the current window: the limiters count in windows of
 * RATE_LIMIT_PERIOD_SECONDS, so waiting that long is never needed, and waiting less is too little.
 */
function rateLimited(detail: string, nowMs: number): ProblemError {
  const elapsed = Math.floor(nowMs / 1000) % RATE_LIMIT_PERIOD_SECONDS;
  const retryAfterSeconds = RATE_LIMIT_PERIOD_SECONDS - elapsed;
  return new ProblemError("rate-limited", {
    detail: `${detail} Retry in ${retryAfterSeconds} s, when the window resets.`,
    retryAfterSeconds,
  });
}

const AUTH_HELP = "A valid client key is required: send `Authorization: Bearer <key>` (on the upstream-style route, `token=<key>`).";

function unauthorized(invalid: boolean, detail = AUTH_HELP): ProblemError {
  return new ProblemError("unauthorized", {
    detail,
    authenticate: invalid ? 'Bearer realm="xingtu-edge", error="invalid_token"' : 'Bearer realm="xingtu-edge"',
  });
}

function presentedKey(c: Context<ClientEnv>): string | null {
  const header = c.req.header("Authorization");
  if (header !== undefined) {
    const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
    return match ? match[1]! : "";
  }
  const param = c.get("queryKey");
  if (!param) return null;
  // As every parameter: sent twice, which one counts could not be told.
  if ((c.req.queries(param)?.length ?? 0) > 1) {
    throw new ProblemError("invalid-request", {
      detail: `The ${param} parameter must be sent once.`,
      errors: [{ field: param, in: "query", rule: "single_value", message: "must be sent once" }],
    });
  }
  return c.req.query(param) ?? null;
}

/** The key named by a signed request, once its signature over the raw body is verified and its
 * `webhook-id` accepted for the first time. */
async function signedKey(c: Context<ClientEnv>, read: KeysReader): Promise<KeyRecord | null> {
  const { config, runtime } = c.get("lookup");
  const name = c.req.header("X-Key-Name");
  if (!name) throw unauthorized(true, "A signed request must name its key in X-Key-Name.");
  const master = requireSigningSecret(config);
  const record = await recordOfName(read, name);
  if (!record || record.disabled) return null;
  const secrets = await signingSecrets(master, name, record.webhookSecret);
  const verification = verifySigned(c.req.raw.headers, await c.req.text(), secrets, runtime.now());
  if (!verification.ok) throw unauthorized(true, `The request's signature is not valid: ${verification.reason}.`);
  let first: boolean;
  try {
    first = await deliveryBookOf(requireDeliveryBooks(c.env), name).claimMessageId(verification.id, runtime.now());
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    throw new ProblemError("ledger-unavailable", {
      detail: "The key's delivery book could not be reached to check the webhook-id; retry with a new signature.",
      retryAfterSeconds: 30,
    });
  }
  if (!first) {
    throw new ProblemError("webhook-replayed", {
      detail: `The webhook-id "${verification.id}" was already accepted: sign each request with a new webhook-id (use requestId to make a delivery idempotent).`,
    });
  }
  return record;
}

export interface ClientAuthOptions {
  /** Accept requests signed with a key's signing secret instead of carrying the key. */
  signatures?: boolean;
}

/** "Does any key exist?", memoised per isolate so a 401 does not cost a KV list. */
export async function anyKeyExists(keys: KVNamespace, runtime: Runtime): Promise<boolean> {
  const now = runtime.now();
  const known = runtime.isolate.keysExist;
  if (known && known.until > now) return known.value;
  const listed = await keys.list({ prefix: RECORD_PREFIX, limit: 1 });
  runtime.isolate.keysExist = { value: listed.keys.length > 0, until: now + KEYS_EXIST_MEMO_MS };
  return listed.keys.length > 0;
}

/**
 * What belongs to a key (deliveries, rosters) needs one: under PUBLIC_ACCESS every anonymous caller
 * is one identity, so one could read or change another's. Anonymous callers get data answers only.
 */
export function requireKeyFor(client: { anonymous: boolean }, what: string): void {
  if (!client.anonymous) return;
  throw new ProblemError("unauthorized", {
    detail: `${what} needs a client key: send \`Authorization: Bearer <key>\`.`,
    authenticate: 'Bearer realm="xingtu-edge"',
  });
}

export function clientAuth(runtime: Runtime, options: ClientAuthOptions = {}) {
  return createMiddleware<ClientEnv>(async (c, next) => {
    const { config } = c.get("lookup");
    const keys = c.env.KEYS;
    const keyStore = tieredStore(runtime.isolate.keyRecords, kvStore(keys), KEY_MEMORY_SECONDS);
    const read: KeysReader = async (name) => {
      // Stryker disable next-line ObjectLiteral: KV's own default edge cache (cacheTtl) is 60 s, as KEY_CACHE_TTL_SECONDS is; no local runtime has an edge cache
      const stored = await keyStore.get(name, { edgeCacheSeconds: KEY_CACHE_TTL_SECONDS });
      return stored.ok ? stored.value : null;
    };
    const signature = options.signatures ? c.req.header("webhook-signature") : undefined;
    // Equivalent as `true` (docs/testing.md lists it; its `false` is killed): "true" reads a signed request's key too, which nothing then uses: the signature is checked first, and key !== null adds nothing to signature !== undefined
    const key = signature === undefined ? presentedKey(c) : null;
    const address = c.req.header("CF-Connecting-IP");
    const refuse = (error: ProblemError) => refuseAttempt(c.env, address, error, runtime.now());
    let client: Client;
    const granted = grantedClients.get(c.req.raw);
    if (granted) {
      client = granted.client;
    } else if (key === null && signature === undefined && config.PUBLIC_ACCESS) {
      client = { name: "public", tier: "standard", canRefresh: false, canOperate: false, anonymous: true, dailyUpstreamCalls: 0 };
    } else {
      let record: KeyRecord | null;
      try {
        record = signature !== undefined ? await signedKey(c, read) : key ? await recordOfKey(read, key, runtime.isolate.keyHashes) : null;
      } catch (error) {
        if (error instanceof ProblemError && error.problemType === "unauthorized") return refuse(error);
        throw error;
      }
      if (!record || record.disabled) {
        if (!config.PUBLIC_ACCESS && !(await anyKeyExists(keys, runtime))) {
          throw new ProblemError("gateway-misconfigured", { detail: NO_KEYS });
        }
        return refuse(unauthorized(key !== null || signature !== undefined));
      }
      client = clientOfRecord(record, config);
    }

    const limiter = client.tier === "bulk" ? c.env.RATE_LIMIT_BULK : c.env.RATE_LIMIT_STANDARD;
    const subject = granted?.rateSubject ?? (client.anonymous ? `ip:${address ?? "unknown"}` : `key:${client.name}`);
    /** What the limit is counted for, as a refusal names it. */
    const limited = granted ? "share link" : client.anonymous ? "address" : "key";
    const allowance = () =>
      admit(runtime.isolate.allowances, subject, async () => (await limiter.limit({ key: subject })).success, {
        size: client.tier === "bulk" ? config.RATE_LIMIT_BULK_GRANT : config.RATE_LIMIT_STANDARD_GRANT,
        periodSeconds: RATE_LIMIT_PERIOD_SECONDS,
        nowMs: runtime.now(),
      });
    // Rate limits count requests; a request that makes upstream calls weighs one more per call, so
    // a many-creator request cannot buy more in a minute than as many single requests could.
    client.chargeUpstreamCall = async () => {
      if (!(await allowance())) {
        throw rateLimited(
          `The ${client.tier} tier's request limit is reached for this ${limited}: each upstream call a request causes counts as one more request.`,
          runtime.now(),
        );
      }
    };
    // A miss's weight is charged ahead from a spare of this isolate's grant (one kept for the next
    // request), so its coordinator need not ask this isolate back; given back when no call is made.
    const window = { periodSeconds: RATE_LIMIT_PERIOD_SECONDS, nowMs: runtime.now() };
    client.chargeSpareUpstreamCall = () => takeSpare(runtime.isolate.allowances, subject, 1, window);
    client.refundUpstreamCall = () => giveBack(runtime.isolate.allowances, subject, window);
    c.set("client", client);
    c.set("rateLimit", {
      tier: client.tier,
      quota: client.tier === "bulk" ? config.RATE_LIMIT_BULK_PER_MINUTE : config.RATE_LIMIT_STANDARD_PER_MINUTE,
      subject,
    });
    const admitted = await allowance();
    if (!admitted) {
      throw rateLimited(`The ${client.tier} tier's request limit is reached for this ${limited}.`, runtime.now());
    }
    await next();
  });
}
