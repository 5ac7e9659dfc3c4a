/**
 * @module The account's daily budget (UPSTREAM_DAILY_BUDGET) as both sides read it: the account
 * ledger, which opens its breaker when the budget is reached, and the spend guard, which tells the
 * operator what lifts it (a larger budget, not clearing). No Workers import: Node's tools load it too.
 */

/** How a breaker the budget opened names its reason. */
export const BUDGET_REASON = "daily budget";

/** Calls a Shanghai day (0: none), and when a breaker opened now would close. */
export interface BudgetRule {
  limit: number;
  resetAt: number;
}

/** Whether `calls` reach the budget. */
export const reached = (budget: BudgetRule, calls: number) => budget.limit > 0 && calls >= budget.limit;
