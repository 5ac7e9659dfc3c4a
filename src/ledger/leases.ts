/**
 * @module Calls a ledger leased to this isolate (the account's ledger, or a key's): admitted ahead,
 * so that a miss hands one to its KOL's coordinator and waits for no ledger on its way to the
 * upstream. The ledger counts each leased call as reserved (ledger/reservations.ts) until the call
 * made with it is recorded or it is given back, so its budget or limit stays exact however many
 * isolates hold leases; near the budget or limit it leases none, and each call is admitted alone.
 *
 * A lease is used for LEASE_SECONDS, on its Shanghai day only. The pool asks for more in the
 * background once fewer than half of LEASE_CALLS are left, and gives back the calls of a lease that
 * ended unused. An isolate that is evicted or crashes gives nothing back: its calls lapse at the
 * ledger a few minutes after the lease's end, counted as spent until then.
 *
 * A leased call is not checked against the breaker when it is used: once the upstream says the
 * account is stopped (303, 601, 602: unbilled answers), the isolate that heard it gives back its
 * leased calls at once, and another isolate holding some may try each of them once (hearing the
 * same unbilled answer) until its lease ends, LEASE_SECONDS at most.
 */
export interface LeasedSlot<Start> {
  day: string;
  reservation: number;
  /** Usable until then. */
  until: number;
  /** What the ledger said with the lease (the account's fail-over and range limit). */
  start: Start;
}

export interface LeasePool<Start> {
  slots: LeasedSlot<Start>[];
  /** A lease is being asked for. */
  asking: boolean;
}

// Stryker disable next-line ArrayDeclaration: a slot that is not one (no day) is dropped as ended at the first take, and its give-back releases no reservation
export const emptyPool = <Start>(): LeasePool<Start> => ({ slots: [], asking: false });

/** What the pool asks its ledger: a lease of up to `want` calls on `day` usable until `until`, and the giving back of unused ones. */
export interface LeaseSource<Start> {
  lease: (day: string, want: number, until: number) => Promise<{ reservations: number[]; start: Start }>;
  giveBack: (reservations: number[]) => Promise<void>;
}

export interface LeaseTerms {
  /** Calls asked a lease (0: no leases). */
  calls: number;
  /** How long a lease is used. */
  ms: number;
}

/** The terms LEASE_CALLS and LEASE_SECONDS set. */
export const leaseTerms = (config: { LEASE_CALLS: number; LEASE_SECONDS: number }): LeaseTerms => ({
  calls: config.LEASE_CALLS,
  ms: config.LEASE_SECONDS * 1000,
});

const usable = (slot: LeasedSlot<unknown>, day: string, now: number) => slot.day === day && slot.until > now;

/**
 * A leased call for a miss on `day`, or null when the pool holds none usable now. Asks for more in
 * the background (`defer`) when the pool runs low, and gives back calls of leases that ended.
 */
export function takeLeased<Start>(
  pool: LeasePool<Start>,
  source: LeaseSource<Start>,
  terms: LeaseTerms,
  day: string,
  now: number,
  defer: (work: Promise<unknown>) => void,
): LeasedSlot<Start> | null {
  const ended = pool.slots.filter((slot) => !usable(slot, day, now));
  if (ended.length > 0) {
    pool.slots = pool.slots.filter((slot) => usable(slot, day, now));
    defer(source.giveBack(ended.map((slot) => slot.reservation)).catch(() => undefined));
  }
  const slot = pool.slots.pop() ?? null;
  // With LEASE_CALLS 0 a pool is never short of half of none: nothing is ever asked.
  if (!pool.asking && pool.slots.length < terms.calls / 2) {
    pool.asking = true;
    const until = now + terms.ms;
    defer(
      source
        .lease(day, terms.calls - pool.slots.length, until)
        .then(({ reservations, start }) => pool.slots.push(...reservations.map((reservation) => ({ day, reservation, until, start }))))
        // A lease not granted (the ledger out of reach, the breaker open): the next miss asks again.
        .catch(() => undefined)
        .finally(() => (pool.asking = false)),
    );
  }
  return slot;
}

/** A leased call a miss did not use: back in the pool while its lease lasts, else given back. */
export function putBack<Start>(
  pool: LeasePool<Start>,
  source: LeaseSource<Start>,
  slot: LeasedSlot<Start>,
  now: number,
  defer: (work: Promise<unknown>) => void,
): void {
  // An ended slot kept instead would be given back by the pool's next take: only sooner here.
  if (usable(slot, slot.day, now)) pool.slots.push(slot);
  else defer(source.giveBack([slot.reservation]).catch(() => undefined));
}

/** Gives back every call the pool holds (the upstream said the account's calls are stopped). */
export function giveBackAll<Start>(pool: LeasePool<Start>, source: LeaseSource<Start>, defer: (work: Promise<unknown>) => void): void {
  // Giving back none would release nothing: the check saves the ledger a call.
  if (pool.slots.length === 0) return;
  const reservations = pool.slots.map((slot) => slot.reservation);
  // Stryker disable next-line ArrayDeclaration: a slot that is not one (no day) is dropped as ended at the next take, releasing nothing
  pool.slots = [];
  defer(source.giveBack(reservations).catch(() => undefined));
}
