/**
 * @module The upstream's business codes, decided in one table: each documented code's name, the
 * problem it becomes, whether the maker bills it, whether it may be retried, and what the operator
 * must do. Billing is the maker's (its API usage guide): codes 0 and 201 are billed, the rest not.
 * The list is the maker's current one (its OpenAPI document: 0, 100, 101, 202, 300-303, 400, 404,
 * 500, 503, 600-602) plus 201 from its billing table; any other code is an invalid answer.
 */
import type { ProblemType } from "../problem.ts";

/** How the client treats a code: `retry` only where the call was certainly not billed. */
export type RetryClass = "never" | "backoff" | "once-after-delay";

export interface BusinessCode {
  name: string;
  /** The problem a failure becomes; absent for the answers that carry a result (0 and 201). */
  type?: ProblemType;
  billed: boolean;
  retry: RetryClass;
  /** Stops every upstream call until the quota resets or an operator clears it (the spend guard). */
  opensGuard?: boolean;
  /** The path itself is gone: the client fails over to the other upstream path (unbilled). */
  retired?: boolean;
  /** `Retry-After` for the client, in seconds. */
  retryAfterSeconds?: number;
  operatorAction?: string;
}

export const BUSINESS_CODES: Record<number, BusinessCode> = {
  // Stryker disable next-line StringLiteral: codes 0 and 201 carry a result and are returned before a code's name or retry class is read.
  0: { name: "Success", billed: true, retry: "never" },
  // Stryker disable next-line StringLiteral: as for code 0, the answer is returned before its name or retry class is read.
  201: { name: "No Content Available", billed: true, retry: "never" },
  100: {
    name: "Invalid or Inactive Token",
    type: "upstream-token-invalid",
    billed: false,
    retry: "never",
    operatorAction: "set a valid token with `wrangler secret put JUSTONEAPI_TOKEN`",
  },
  101: {
    name: "Token Rejected",
    type: "upstream-token-invalid",
    billed: false,
    retry: "never",
    operatorAction: "check the token and its account on Just One API (`wrangler secret put JUSTONEAPI_TOKEN`)",
  },
  202: { name: "Item Not Supported", type: "upstream-item-not-supported", billed: false, retry: "never" },
  300: {
    name: "API invalid",
    type: "upstream-api-invalid",
    billed: false,
    // Stryker disable next-line StringLiteral: code 300 retires the path (fails over) before its retry class is read
    retry: "never",
    retired: true,
    operatorAction: "the upstream says this path is no longer valid; set UPSTREAM_ENDPOINT to the other path",
  },
  301: { name: "Collection Failed", type: "upstream-collection-failed", billed: false, retry: "backoff", retryAfterSeconds: 30 },
  302: { name: "Rate Limit Exceeded", type: "upstream-rate-limited", billed: false, retry: "once-after-delay", retryAfterSeconds: 60 },
  303: { name: "Daily Quota Exceeded", type: "upstream-quota-exceeded", billed: false, retry: "never", opensGuard: true },
  400: { name: "Invalid Parameters", type: "upstream-invalid-parameters", billed: false, retry: "never" },
  404: { name: "Not Found", type: "upstream-not-found", billed: false, retry: "never" },
  500: { name: "Internal Server Error", type: "upstream-internal-error", billed: false, retry: "never" },
  503: { name: "Service Unavailable", type: "upstream-unavailable", billed: false, retry: "never", retryAfterSeconds: 30 },
  600: {
    name: "Permission Denied",
    type: "upstream-permission-denied",
    billed: false,
    retry: "never",
    operatorAction: "enable this endpoint for the account on Just One API",
  },
  601: {
    name: "Insufficient Balance",
    type: "upstream-insufficient-balance",
    billed: false,
    retry: "never",
    opensGuard: true,
    operatorAction: "top up the Just One API account",
  },
  602: {
    name: "Spending Cap Reached",
    type: "upstream-spending-cap-reached",
    billed: false,
    retry: "never",
    opensGuard: true,
    operatorAction: "raise the token's spending cap on Just One API",
  },
};
