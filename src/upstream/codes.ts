/**
 * @module The upstream's business codes, decided in one table: each documented code's name, the
 * problem it becomes, whether the maker bills it, whether it may be retried, and what the operator
 * must do. Billing is the maker's (its API usage guide): codes 0 and 201 are billed, the rest not.
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
  operatorAction?: string;
}

export const BUSINESS_CODES: Record<number, BusinessCode> = {
  0: { name: "Success", billed: true, retry: "never" },
  201: { name: "No Content Available", billed: true, retry: "never" },
  100: {
    name: "Invalid or Inactive Token",
    type: "upstream-token-invalid",
    billed: false,
    retry: "never",
    operatorAction: "set a valid token with `wrangler secret put JUSTONEAPI_TOKEN`",
  },
  300: {
    name: "API invalid",
    type: "upstream-api-invalid",
    billed: false,
    retry: "never",
    operatorAction: "the upstream says this API is no longer valid; check Just One API's current endpoints",
  },
  301: { name: "Collection Failed", type: "upstream-collection-failed", billed: false, retry: "backoff" },
  302: { name: "Rate Limit Exceeded", type: "upstream-rate-limited", billed: false, retry: "once-after-delay" },
  303: { name: "Daily Quota Exceeded", type: "upstream-quota-exceeded", billed: false, retry: "never", opensGuard: true },
  400: { name: "Invalid Parameters", type: "upstream-invalid-parameters", billed: false, retry: "never" },
  500: { name: "Internal Server Error", type: "upstream-internal-error", billed: false, retry: "never" },
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
