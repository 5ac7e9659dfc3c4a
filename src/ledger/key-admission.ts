/**
 * @module Admits one upstream call for the calling client where the call is decided (a KOL's
 * coordinator, or an isolate that cannot reach it), from what the miss carried (CallerPass): the
 * key's daily limit (a call its ledger leased to the isolate, or one its ledger admits now, asked
 * directly, not through the calling isolate), beside the call's weight against the request's rate
 * limit (which only the calling isolate keeps).
 */
import { secondsUntilShanghaiHour, shanghaiToday } from "../calendar.ts";
import { ProblemError } from "../problem.ts";
import { problemParts, type CallerPass, type KeyAdmission, type ProblemParts } from "../coordination/protocol.ts";
import type { Runtime } from "../runtime.ts";
import type { Admission, KeyLedger } from "./key-ledger.ts";
import { ledgerUnavailable } from "./unavailable.ts";

export const keyLedgerOf = (namespace: DurableObjectNamespace<KeyLedger>, name: string) => namespace.get(namespace.idFromName(name));

/** The refusal of a call past the key's daily limit. */
export const keySpendLimit = (limit: number, now: number) =>
  new ProblemError("key-spend-limit", {
    detail: `This key's ${limit} upstream calls for today (Asia/Shanghai; billed, or maybe billed) are used up; cached answers are still served.`,
    retryAfterSeconds: secondsUntilShanghaiHour(now, 0),
  });

/** The key's reservation a call took (its leased call, or one its ledger admitted), for the usage record to release. */
export interface TakenReservation {
  reservation: number | null;
}

export function callerAdmission(
  keyLedgers: DurableObjectNamespace<KeyLedger>,
  runtime: Runtime,
  pass: CallerPass,
  taken: TakenReservation,
): KeyAdmission {
  const admitKey = async (): Promise<ProblemParts | null> => {
    const { key } = pass;
    if (!key) return null;
    if (key.leased !== null) {
      taken.reservation = key.leased;
      return null;
    }
    const now = runtime.now();
    let admission: Admission;
    try {
      admission = await keyLedgerOf(keyLedgers, key.name).admit(shanghaiToday(now), key.limit, now);
    } catch {
      return problemParts(ledgerUnavailable("The key's ledger"));
    }
    if (!admission.ok) return problemParts(keySpendLimit(key.limit, now));
    taken.reservation = admission.reservation;
    return null;
  };
  // Both asked at once; a key reservation taken for a call the rate limit refused is released by the usage record.
  return async () => {
    const [weight, key] = await Promise.all([pass.weigh?.() ?? null, admitKey()]);
    return weight ?? key;
  };
}
