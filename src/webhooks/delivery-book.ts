/**
 * @module The delivery book: one Durable Object (SQLite) per client key, where that key's
 * asynchronous deliveries, their status and the idempotency index live. Deliveries are durable
 * state, so they are written where writes are checked, never to the optional cache.
 *
 * `accept` is one transaction: of any number of concurrent requests with one `requestId`, exactly
 * one creates a delivery; the others get it back, or 409 when they asked for something else.
 * Records are kept DELIVERY_KEEP_MS (a day).
 *
 * A delivery's data is fetched once (webhooks/consumer.ts): `claim` marks it resolving before the
 * lookup, `keepPayload` stores the body every attempt then sends, in the delivery's own row, so it
 * lives and is deleted with it. A row is unclaimed (both columns null), resolving (`claimed_ms`
 * only: a lookup is under way, or was cut off before its body was stored) or resolved (`payload`,
 * the JSON body: a 365-day trend is about 40 KB, well within a row's 2 MB). The columns were added
 * after the table, so an object made before them gains them when it starts (`ensureColumn`).
 *
 * It also remembers the `webhook-id` of every signed request the key made, for longer than a
 * signature is valid, so each is accepted once: a captured request cannot be replayed.
 */
import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../bindings.ts";
import type { DeliveryStatus } from "../schemas/deliveries.ts";
import { TOLERANCE_SECONDS } from "./signature.ts";
import { ensureColumn } from "../sql.ts";

const DELIVERY_KEEP_MS = 24 * 3600 * 1000;
/** Twice the signature tolerance (either way): a signature outside it is refused anyway. */
const MESSAGE_ID_KEEP_MS = 2 * TOLERANCE_SECONDS * 1000;

export type Acceptance = { kind: "created" | "existing"; status: DeliveryStatus } | { kind: "conflict" };

/** What an attempt finds when it claims a delivery's data. */
export type Claim =
  /** Unclaimed until now: this attempt fetches the data. */
  | { kind: "claimed" }
  /** The body an earlier attempt stored: send it again. */
  | { kind: "resolved"; body: string }
  /** Claimed at `claimedMs` and nothing stored: a lookup is under way, or was cut off. */
  | { kind: "resolving"; claimedMs: number }
  /** No such delivery (its record outlived DELIVERY_KEEP_MS). */
  | { kind: "missing" };

interface Row extends Record<string, SqlStorageValue> {
  id: string;
  owner: string;
  request_id: string | null;
  status: DeliveryStatus["status"];
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  request_hash: string | null;
}

/** A status record's columns: never the payload, which only the consumer reads. */
const STATUS_COLUMNS = "id, owner, request_id, request_hash, status, attempts, last_error, created_at, updated_at";

const toStatus = (row: Row): DeliveryStatus => ({
  id: row.id,
  owner: row.owner,
  status: row.status,
  attempts: row.attempts,
  lastError: row.last_error,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  requestId: row.request_id,
});

export class DeliveryBook extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS deliveries (
      id TEXT PRIMARY KEY, owner TEXT NOT NULL, request_id TEXT UNIQUE, request_hash TEXT, status TEXT NOT NULL,
      attempts INTEGER NOT NULL, last_error TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, created_ms INTEGER NOT NULL)`);
    ensureColumn(this.sql, "deliveries", "claimed_ms", "INTEGER");
    ensureColumn(this.sql, "deliveries", "payload", "TEXT");
    this.sql.exec("CREATE TABLE IF NOT EXISTS message_ids (id TEXT PRIMARY KEY, seen_ms INTEGER NOT NULL)");
  }

  /** Accepts a signed request's `webhook-id` the first time only; false for a replay. */
  claimMessageId(id: string, nowMs: number): boolean {
    this.sql.exec("DELETE FROM message_ids WHERE seen_ms < ?", nowMs - MESSAGE_ID_KEEP_MS);
    const inserted = this.sql.exec("INSERT OR IGNORE INTO message_ids (id, seen_ms) VALUES (?, ?)", id, nowMs).rowsWritten;
    return inserted > 0;
  }

  /** Records a new delivery, or answers with the one this `requestId` already made. */
  accept(status: DeliveryStatus, requestHash: string | null, nowMs: number): Acceptance {
    this.sql.exec("DELETE FROM deliveries WHERE created_ms < ?", nowMs - DELIVERY_KEEP_MS);
    if (status.requestId !== null) {
      const [existing] = this.sql.exec<Row>(`SELECT ${STATUS_COLUMNS} FROM deliveries WHERE request_id = ?`, status.requestId).toArray();
      if (existing) return existing.request_hash === requestHash ? { kind: "existing", status: toStatus(existing) } : { kind: "conflict" };
    }
    this.sql.exec(
      `INSERT INTO deliveries (id, owner, request_id, request_hash, status, attempts, last_error, created_at, updated_at, created_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      status.id,
      status.owner,
      status.requestId,
      requestHash,
      status.status,
      status.attempts,
      status.lastError,
      status.createdAt,
      status.updatedAt,
      nowMs,
    );
    return { kind: "created", status };
  }

  read(id: string): DeliveryStatus | null {
    const [row] = this.sql.exec<Row>(`SELECT ${STATUS_COLUMNS} FROM deliveries WHERE id = ?`, id).toArray();
    return row ? toStatus(row) : null;
  }

  update(id: string, outcome: DeliveryStatus["status"], attempts: number, lastError: string | null, updatedAt: string): void {
    this.sql.exec(
      "UPDATE deliveries SET status = ?, attempts = ?, last_error = ?, updated_at = ? WHERE id = ?",
      outcome,
      attempts,
      lastError,
      updatedAt,
      id,
    );
  }

  /**
   * Claims a delivery's data for the calling attempt, in one transaction: only an unclaimed
   * delivery is claimed, so of any number of attempts (retries, a redelivered message) one fetches.
   */
  claim(id: string, nowMs: number): Claim {
    return this.ctx.storage.transactionSync((): Claim => {
      const [row] = this.sql
        .exec<{ claimed_ms: number | null; payload: string | null }>("SELECT claimed_ms, payload FROM deliveries WHERE id = ?", id)
        .toArray();
      if (!row) return { kind: "missing" };
      if (row.payload !== null) return { kind: "resolved", body: row.payload };
      if (row.claimed_ms !== null) return { kind: "resolving", claimedMs: row.claimed_ms };
      this.sql.exec("UPDATE deliveries SET claimed_ms = ? WHERE id = ?", nowMs, id);
      return { kind: "claimed" };
    });
  }

  /**
   * Stores the body a delivery sends, unless one is stored already (the first wins), and answers
   * with the stored one; null when the delivery is gone.
   */
  keepPayload(id: string, body: string): string | null {
    this.sql.exec("UPDATE deliveries SET payload = ? WHERE id = ? AND payload IS NULL", body, id);
    const [row] = this.sql.exec<{ payload: string | null }>("SELECT payload FROM deliveries WHERE id = ?", id).toArray();
    return row?.payload ?? null;
  }
}
