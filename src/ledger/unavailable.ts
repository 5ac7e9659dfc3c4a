import { ProblemError } from "../problem.ts";

const LEDGER_RETRY_AFTER_S = 30;

/** A ledger owns a decision to spend or record: when it cannot be asked, nothing is spent. */
export function ledgerUnavailable(ledger: string): ProblemError {
  return new ProblemError("ledger-unavailable", {
    detail: `${ledger} could not be reached, so no upstream call is made for it now; cached answers are still served.`,
    retryAfterSeconds: LEDGER_RETRY_AFTER_S,
  });
}
