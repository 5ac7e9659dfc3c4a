/**
 * @module The operational routes' answers (`/healthz`, `/v1/usage`, `/v1/key`, `/v1/spend-guard`):
 * schemas only, so the OpenAPI document can be built from them without loading the routes.
 */
import * as z from "zod";
import { ENDPOINT_NAMES } from "../upstream/request.ts";

const presence = z.enum(["present", "missing"]);
const binding = z.enum(["bound", "missing"]);

export const healthSchema = z.object({
  /** "degraded": configured, but the account's ledger cannot be reached (hits are served, misses are not). */
  status: z.enum(["ok", "degraded", "misconfigured"]),
  version: z.string(),
  checks: z.object({
    config: z.enum(["valid", "invalid"]),
    token: presence,
    cache: binding,
    keys: binding,
    coordinators: binding,
    accountLedger: binding,
    /** Whether any client key exists ("not-needed" under PUBLIC_ACCESS; "unknown" when not configured). */
    clientKeys: z.enum(["present", "none", "not-needed", "unknown"]),
  }),
  problems: z.array(z.string()),
  upstream: z
    .object({
      /** The configured path (UPSTREAM_ENDPOINT). */
      endpoint: z.enum(ENDPOINT_NAMES),
      /** The path calls go to now: the configured one unless the account failed over. */
      active: z.enum(ENDPOINT_NAMES),
      failover: z.object({ from: z.enum(ENDPOINT_NAMES), to: z.enum(ENDPOINT_NAMES), since: z.string(), until: z.string() }).nullable(),
      /** The upstream's range limit as the account learned it (a widened window refused as invalid
       * parameters): the narrowest refused, the widest that worked, until when it holds; null: none known. */
      rangeLimit: z.object({ refusedDays: z.number().int(), workedDays: z.number().int(), until: z.string() }).nullable(),
    })
    .nullable(),
  spendGuard: z
    .object({
      upstreamCalls: z.enum(["allowed", "stopped"]),
      breaker: z.object({ reason: z.string(), until: z.string() }).nullable(),
      budget: z.object({ limit: z.number(), used: z.number(), day: z.string() }).nullable(),
    })
    .nullable(),
});
export type Health = z.infer<typeof healthSchema>;

export const usageSchema = z.object({
  key: z.string(),
  /** The Shanghai day counted. */
  day: z.string(),
  requests: z.number().int(),
  hits: z.number().int(),
  upstreamCalls: z.number().int(),
  billedCalls: z.number().int(),
  /** Calls that may have been billed (a timeout, a broken connection, an answer without a code): counted as spent. */
  uncertainCalls: z.number().int(),
  /** Calls admitted and not yet recorded (under way now): they count against the limit too. */
  inFlightCalls: z.number().int(),
  /** Calls the key's ledger leased to gateway isolates, admitted ahead so that misses wait for no ledger: they count against the limit until used and recorded, or given back. */
  leasedCalls: z.number().int(),
  /** The key's daily limit of spent (billed or maybe billed) upstream calls; null: none. */
  dailyUpstreamCalls: z.number().int().nullable(),
  remainingUpstreamCalls: z.number().int().nullable(),
  /** When the day (and the limit) resets. */
  resetsAt: z.string(),
  /** The gateway's own state, from the upstream account's ledger: whether misses may call the
   * upstream now (why not, until when), and what is left of its daily budget (null: none). */
  gateway: z.object({
    upstreamCalls: z.enum(["allowed", "stopped"]),
    stoppedUntil: z.string().nullable(),
    reason: z.string().nullable(),
    budgetRemaining: z.number().int().nullable(),
  }),
  /** UPSTREAM_PRICE_PER_CALL and its currency, and what this key's spent calls (billed and maybe billed)
   * cost today and over `history`'s 30 days; null when the operator configured no price. */
  cost: z.object({ perCall: z.number(), currency: z.string(), today: z.number(), last30Days: z.number() }).nullable(),
  /** The key's last 30 days (Asia/Shanghai), oldest first, today last. */
  history: z.array(
    z.object({
      day: z.string(),
      upstreamCalls: z.number().int(),
      billedCalls: z.number().int(),
      uncertainCalls: z.number().int(),
      /** null without a configured price. */
      amount: z.number().nullable(),
    }),
  ),
});
export type Usage = z.infer<typeof usageSchema>;

/** `GET /v1/key`: which key this is (its name, tier, permissions and daily limit), never the key itself. */
export const keyInfoSchema = z.object({
  key: z.string(),
  tier: z.enum(["standard", "bulk"]),
  permissions: z.array(z.enum(["refresh", "operate"])),
  /** The key's daily limit of billed upstream calls; null: none. */
  dailyUpstreamCalls: z.number().int().nullable(),
});
export type KeyInfo = z.infer<typeof keyInfoSchema>;

export const spendGuardSchema = z.object({
  upstreamCalls: z.enum(["allowed", "stopped"]),
  breaker: z.object({ reason: z.string(), until: z.string() }).nullable(),
  /** Today (Asia/Shanghai) for the upstream account: calls made, billed, in flight, and leased to gateway isolates (admitted ahead; they count against the budget until used and recorded, or given back). */
  today: z.object({
    day: z.string(),
    calls: z.number().int(),
    billed: z.number().int(),
    inFlight: z.number().int(),
    leased: z.number().int(),
  }),
  /** UPSTREAM_DAILY_BUDGET; null: none. */
  budget: z.number().int().nullable(),
  /** DELETE only: whether a breaker was open and is now closed. */
  cleared: z.boolean().optional(),
});
export type SpendGuardState = z.infer<typeof spendGuardSchema>;
