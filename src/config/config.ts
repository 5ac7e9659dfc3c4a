/**
 * @module The gateway's configuration, validated once per environment object with zod.
 *
 * This schema is the one source of defaults: wrangler.toml sets only what differs, and the
 * table in docs/configuration.md is checked against it (test/node/config-docs.test.ts).
 *
 * Workers hand the same `env` object to every request of an isolate, so the parsed result is
 * memoised per object. Problems are reported by variable name and rule only: a value may be a
 * secret, so it never appears in a message.
 */
import * as z from "zod/mini";
import "../schemas/messages.ts";
import { KV_MINIMUM_TTL_SECONDS } from "../cache/types.ts";
import { ENDPOINT_NAMES } from "../upstream/request.ts";
import { isCalendarDate } from "../calendar.ts";

// Zod schemas are immutable values, and each one built costs about 10 us when the Worker starts
// (a third of the start-up was this module): the parts the variables have in common are built once.
const numberWritten = (pattern: RegExp, error: string) => z.union([z.number(), z.string().check(z.trim(), z.regex(pattern, { error }))]);
const wholeNumberWritten = numberWritten(/^\d+$/, "must be a whole number");
const decimalWritten = numberWritten(/^\d+(\.\d+)?$/, "must be a number");
const toNumber = z.transform(Number);
const atLeast = new Map<string, z.ZodMiniNumber<number>>();

/** A number from a wrangler var (a string) or a JSON value, written as `written` allows, at least `min`. */
const numeric = (fallback: number, min: number, written: typeof wholeNumberWritten, kind: "int" | "number") => {
  const bound = `${kind} ${min}`;
  let number = atLeast.get(bound);
  if (!number) {
    number = (kind === "int" ? z.int() : z.number()).check(z.minimum(min, { error: `must be at least ${min}` }));
    atLeast.set(bound, number);
  }
  return z.pipe(z.pipe(z._default(written, fallback), toNumber), number);
};

const integer = (fallback: number, min: number) => numeric(fallback, min, wholeNumberWritten, "int");
const decimal = (fallback: number, min: number) => numeric(fallback, min, decimalWritten, "number");

const flagWritten = z.union([z.boolean(), z.enum(["true", "false"], { error: 'must be "true" or "false"' })]);
const toFlag = z.transform((value: boolean | "true" | "false") => value === true || value === "true");
const flag = (fallback: boolean) => z.pipe(z._default(flagWritten, fallback), toFlag);

/** A comma-separated list (wrangler vars are strings): trimmed, empty entries dropped, each item checked. */
const commaList = (item: z.ZodMiniType<string, string>, normalise: (entry: string) => string = (entry) => entry) =>
  z.pipe(
    z.pipe(
      z._default(z.string(), ""),
      z.transform((list: string) =>
        list
          .split(",")
          .map((entry) => normalise(entry.trim()))
          .filter(Boolean),
      ),
    ),
    z.array(item),
  );

export const configSchema = z
  .object({
    JUSTONEAPI_TOKEN: z.optional(z.string().check(z.trim(), z.minLength(1, { error: "is empty" }))),
    UPSTREAM_BASE_URL: z.pipe(
      z._default(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }), "https://api.justoneapi.com"),
      z.transform((url: string) => url.replace(/\/+$/, "")),
    ),
    ALLOW_INSECURE_UPSTREAM: flag(false),
    // The maker's current path by default: the seed's is deprecated and may be switched off.
    UPSTREAM_ENDPOINT: z._default(z.enum(ENDPOINT_NAMES, { error: `must be one of ${ENDPOINT_NAMES.join(", ")}` }), "author-daily-fans"),
    UPSTREAM_FAILOVER_SECONDS: integer(3600, 1),
    UPSTREAM_TIMEOUT_MS: integer(60_000, 1),
    UPSTREAM_MAX_ATTEMPTS: integer(3, 1),
    UPSTREAM_RETRY_BUDGET_MS: integer(90_000, 1),
    MAX_RANGE_DAYS: integer(365, 1),
    // When a KOL's coordinator must call the upstream, it asks in one call for up to this many days
    // (the missing days and the unstored days around them): the maker bills per call, not per day.
    // A year, the longest range a client may ask: every range people ask (a week to six months,
    // ending in the last week) then fits the first call's window. 1: only the missing days' span.
    UPSTREAM_FETCH_DAYS: integer(365, 1),
    // Douyin Xingtu's follower history starts around 2018: earlier dates are never forwarded.
    MIN_DATE: z._default(z.string().check(z.refine(isCalendarDate, { error: "must be a calendar date written yyyy-MM-dd" })), "2018-01-01"),
    SETTLED_TTL_SECONDS: integer(7 * 24 * 3600, KV_MINIMUM_TTL_SECONDS),
    LIVE_TTL_SECONDS: integer(3600, KV_MINIMUM_TTL_SECONDS),
    NO_DATA_TTL_SECONDS: integer(6 * 3600, KV_MINIMUM_TTL_SECONDS),
    // A billed answer that could not be read is kept this long, so the range is not paid for again at once.
    UNUSABLE_TTL_SECONDS: integer(3600, KV_MINIMUM_TTL_SECONDS),
    STALE_IF_ERROR_SECONDS: integer(24 * 3600, 0),
    STALE_WHILE_REVALIDATE_SECONDS: integer(600, 0),
    // A key's explicit refresh (Xingtu-Refresh) of one range is granted at most once this often.
    REFRESH_INTERVAL_SECONDS: integer(600, 1),
    MEMORY_CACHE_BYTES: integer(8 * 1024 * 1024, 0),
    MEMORY_CACHE_SECONDS: integer(60, 0),
    DAY_CACHE: flag(true),
    // While a call for a KOL is under way, its coordinator gathers the misses that arrive this close together into the next call.
    COALESCE_WINDOW_MS: integer(20, 0),
    // Upstream calls a Shanghai day for the whole account (0: none): about four times what a team
    // following a few rosters of 50-200 creators daily spends, so normal use never meets it.
    UPSTREAM_DAILY_BUDGET: integer(2000, 0),
    // Spent upstream calls a Shanghai day for a key that sets no limit of its own (0: none).
    KEY_DAILY_UPSTREAM_CALLS: integer(300, 0),
    // Calls the account's ledger and a key's ledger lease to an isolate at a time, admitted ahead so
    // that a miss waits for neither ledger (ledger/leases.ts; 0: each call admitted when it is made),
    // and how long an isolate uses a lease before it gives back what is left.
    LEASE_CALLS: integer(4, 0),
    LEASE_SECONDS: integer(30, 1),
    // What the maker charges per billed call, as the operator's own plan says (the maker publishes
    // no price): quotes, /v1/usage and Xingtu-Upstream-Cost then say amounts. 0: not configured.
    UPSTREAM_PRICE_PER_CALL: decimal(0, 0),
    UPSTREAM_PRICE_CURRENCY: z._default(
      z.string().check(z.regex(/^[A-Z]{3}$/, { error: "must be an ISO 4217 currency code, such as CNY" })),
      "CNY",
    ),
    QUOTA_RESET_HOUR: z.pipe(integer(0, 0), z.number().check(z.maximum(23, { error: "must be an hour from 0 to 23" }))),
    WARM_KOLS: commaList(z.string().check(z.regex(/^[1-9][0-9]{0,31}$/, { error: "must list KOL ids (digits) separated by commas" }))),
    WARM_RANGE_DAYS: integer(30, 1),
    PUBLIC_ACCESS: flag(false),
    // How far from a creator's normal daily change a day must be to be flagged (rosters/anomalies.ts).
    ANOMALY_THRESHOLD: decimal(3.5, 1),
    // When watches run (Shanghai hour): yesterday has settled by then. The two hours after retry.
    WATCH_HOUR: z.pipe(integer(10, 0), z.number().check(z.maximum(23, { error: "must be an hour from 0 to 23" }))),
    // Requests admitted per rate-limiter call, per tier (auth/allowance.ts): the tier's limiter
    // counts grants, so its wrangler.toml limit is requests per window divided by this.
    RATE_LIMIT_STANDARD_GRANT: integer(1, 1),
    RATE_LIMIT_BULK_GRANT: integer(10, 1),
    // What each tier's limiter admits a minute (its wrangler.toml limit times its grant), as the
    // RateLimit-Policy header states it: the Worker cannot read a limiter's own settings.
    RATE_LIMIT_STANDARD_PER_MINUTE: integer(120, 1),
    RATE_LIMIT_BULK_PER_MINUTE: integer(600, 1),
    WEBHOOK_SIGNING_SECRET: z.optional(z.string().check(z.trim(), z.minLength(16, { error: "must be at least 16 characters" }))),
    CALLBACK_HOSTS: commaList(
      z.string().check(z.regex(/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/, { error: "must list host names (or *.domain) separated by commas" })),
      (host) => host.toLowerCase(),
    ),
    ALLOW_LOCAL_CALLBACKS: flag(false),
    CALLBACK_PORTS: commaList(z.string().check(z.regex(/^[1-9]\d{0,4}$/, { error: "must list port numbers separated by commas" }))),
    DELIVERY_MAX_ATTEMPTS: integer(6, 1),
    CALLBACK_TIMEOUT_MS: integer(10_000, 1),
    ALLOWED_ORIGINS: commaList(z.url({ protocol: /^https?$/, error: "must list http(s) origins separated by commas" })),
  })
  .check(
    z.superRefine((config, ctx) => {
      if (config.UPSTREAM_BASE_URL.startsWith("http://") && !config.ALLOW_INSECURE_UPSTREAM) {
        ctx.addIssue({
          code: "custom",
          path: ["UPSTREAM_BASE_URL"],
          message: "is plain http, which would send the token in clear; use https or set ALLOW_INSECURE_UPSTREAM=true",
        });
      }
    }),
  );

export type Config = z.infer<typeof configSchema>;

export type ConfigResult = { ok: true; config: Config; problems: [] } | { ok: false; problems: string[] };

const parsed = new WeakMap<object, ConfigResult>();

export function loadConfig(env: object): ConfigResult {
  const cached = parsed.get(env);
  if (cached) return cached;
  const result = configSchema.safeParse(env);
  const outcome: ConfigResult = result.success
    ? { ok: true, config: result.data, problems: [] }
    : { ok: false, problems: result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`) };
  parsed.set(env, outcome);
  return outcome;
}
