/**
 * @module A KOL's coordinator's journal of its upstream calls, in the coordinator's own SQLite: a
 * call is written down before its first attempt goes out (a Durable Object's output gate holds
 * outgoing requests until its storage writes are durable) and crossed out once the account ledger
 * has its record.
 *
 * A call still written down by an object that is gone (a deploy, an eviction, a crash) may have
 * been billed, and its reservations would lapse (ledger/reservations.ts) as if it never was. The
 * alarm set when the journal's first call was written down (an alarm outlives its object) wakes the
 * next object for the KOL within JOURNAL_CHECK_MS, long before reservations lapse, and it records the
 * lost call: at the account ledger, and at the calling key's ledger, as that many uncertain calls
 * (billed, maybe); a call that ended and whose record did not land, with what it cost. So a restart
 * does not hand a call's budget or limit back to be spent again. Each record carries the call's
 * name, so a record that landed just as its object was lost (before it was crossed out) is not
 * counted again by the account's ledger.
 */
import type { CallEntry, CallJournal, SpendGuard } from "../ledger/spend-guard.ts";
import type { KeyLedger } from "../ledger/key-ledger.ts";
import { keyLedgerOf } from "../ledger/key-admission.ts";

/** While calls are written down, the journal is looked at this often (by the object's alarm): far
 * within the time a reservation takes to lapse. */
export const JOURNAL_CHECK_MS = 60_000;

/** The calling key's part of a call: its name and the reservation its ledger admitted the call with. */
export interface KeyPart {
  name: string;
  reservation: number | null;
}

interface JournalRow extends Record<string, SqlStorageValue> {
  id: number;
  day: string;
  started_at: number;
  reservations: string;
  key_name: string | null;
  key_reservation: number | null;
  attempts: number | null;
  billed: number | null;
}

export function createJournalTable(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT, day TEXT NOT NULL, started_at INTEGER NOT NULL, reservations TEXT NOT NULL,
    key_name TEXT, key_reservation INTEGER, attempts INTEGER, billed INTEGER)`);
}

/** A call's name for the ledgers: its object's id and its row, unique for good (ids are never reused). */
const callName = (object: string, id: number) => `${object}:${id}`;

/** Crosses a call out: the account's ledger has its record. */
const crossOut = (sql: SqlStorage, id: number) => void sql.exec("DELETE FROM calls WHERE id = ?", id);

/** Whether any call is written down. */
export const journalHasCalls = (sql: SqlStorage): boolean => sql.exec("SELECT id FROM calls LIMIT 1").toArray().length > 0;

/**
 * The journal one miss's calls are written in. `live` holds the calls this object is making or
 * recording (the others are a lost object's); `key` says, when the call starts, which key it is
 * charged to; `arm` asks the object to look at the journal later.
 */
export function callJournal(
  object: string,
  sql: SqlStorage,
  live: Set<number>,
  now: () => number,
  key: () => KeyPart | null,
  arm: () => void,
): CallJournal {
  return {
    started(day, reservations): CallEntry {
      // The first call written down sets the look; later ones leave it, so a lost call is looked at
      // within JOURNAL_CHECK_MS of the first, however many follow. (Setting it on every call would only
      // push the look later: no test can tell without the platform's clock.)
      if (!journalHasCalls(sql)) arm();
      const charged = key();
      const id = sql
        .exec<{ id: number }>(
          "INSERT INTO calls (day, started_at, reservations, key_name, key_reservation) VALUES (?, ?, ?, ?, ?) RETURNING id",
          day,
          now(),
          JSON.stringify(reservations),
          charged?.name ?? null,
          charged?.reservation ?? null,
        )
        .one().id;
      live.add(id);
      return {
        call: callName(object, id),
        admitted: (all) => void sql.exec("UPDATE calls SET reservations = ? WHERE id = ?", JSON.stringify(all), id),
        // The key's part goes back to the calling isolate with the outcome (ledger/usage.ts records it).
        ended: ({ attempts, billed }) =>
          void sql.exec("UPDATE calls SET attempts = ?, billed = ?, key_name = NULL WHERE id = ?", attempts, billed, id),
        recorded: (landed) => {
          if (landed) crossOut(sql, id);
          // One whose record did not land is the alarm's to record.
          live.delete(id);
        },
      };
    },
  };
}

/**
 * Records each call of the journal that this object is not making: at the key's ledger first (then
 * its part is crossed out), then at the account's (then the call is). A ledger out of reach leaves
 * the call written down for the next look. True when calls are still written down.
 */
export async function recordLostCalls(
  object: string,
  sql: SqlStorage,
  live: Set<number>,
  guard: SpendGuard,
  keyLedgers: DurableObjectNamespace<KeyLedger>,
): Promise<boolean> {
  const rows = sql.exec<JournalRow>("SELECT * FROM calls ORDER BY id").toArray();
  for (const row of rows.filter((candidate) => !live.has(candidate.id))) {
    const reservations = JSON.parse(row.reservations) as number[];
    // Under way when its object was lost: each attempt admitted may have gone out and been billed.
    const attempts = row.attempts ?? reservations.length;
    try {
      if (row.key_name !== null) {
        const delta = { requests: 0, hits: 0, calls: attempts, billed: 0, uncertain: attempts };
        await keyLedgerOf(keyLedgers, row.key_name).record(row.day, delta, row.key_reservation);
        sql.exec("UPDATE calls SET key_name = NULL WHERE id = ?", row.id);
      }
      await guard.recordCall(row.day, reservations, { attempts, billed: row.billed ?? 0 }, row.started_at, callName(object, row.id));
      crossOut(sql, row.id);
    } catch {
      // Kept for the next look.
    }
  }
  return journalHasCalls(sql);
}
