/**
 * @module The upstream's business codes: each documented code's name, the problem type it
 * becomes, and what the operator must do about it. One table, read by the client.
 */
import type { ProblemType } from "../problem.ts";

export interface BusinessCode {
  type: ProblemType;
  name: string;
  operatorAction?: string;
}

export const BUSINESS_CODES: Record<number, BusinessCode> = {
  100: {
    type: "upstream-token-invalid",
    name: "Invalid or Inactive Token",
    operatorAction: "set a valid token with `wrangler secret put JUSTONEAPI_TOKEN`",
  },
  301: { type: "upstream-collection-failed", name: "Collection Failed" },
  302: { type: "upstream-rate-limited", name: "Rate Limit Exceeded" },
  303: { type: "upstream-quota-exceeded", name: "Daily Quota Exceeded" },
  400: { type: "upstream-invalid-parameters", name: "Invalid Parameters" },
  500: { type: "upstream-internal-error", name: "Internal Server Error" },
  600: {
    type: "upstream-permission-denied",
    name: "Permission Denied",
    operatorAction: "enable this endpoint for the account on Just One API",
  },
  601: { type: "upstream-insufficient-balance", name: "Insufficient Balance", operatorAction: "top up the Just One API account" },
  602: {
    type: "upstream-spending-cap-reached",
    name: "Spending Cap Reached",
    operatorAction: "raise the token's spending cap on Just One API",
  },
};
