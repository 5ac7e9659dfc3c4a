/**
 * @module Changes to a client key's record through the API (`/v1/keys`): revoke it, rotate its
 * webhook secret, change its tier, permissions or daily limit. KV has no compare-and-set, so two
 * changes read-modify-writing one record at once could each lose the other's (a revocation undone
 * by a limit change sent with it, found by a hostile pass). Every change of a key is therefore made
 * by that key's own ledger (ledger/key-ledger.ts), one at a time, its creation included (two
 * operators making one name at once make one key); this is what each change does.
 */
import { recordOfName, recordWrites, type KeyRecord, type Tier } from "./keys.ts";

export type RecordChange =
  | { kind: "create"; record: KeyRecord }
  | { kind: "revoke" }
  | { kind: "rotate-secret"; finish: boolean }
  | { kind: "set"; fields: { tier?: Tier; permissions?: KeyRecord["permissions"]; dailyUpstreamCalls?: number } };

export type RecordRefusal = "exists" | "not-found" | "revoked" | "not-rotating" | "rotating";
export type ChangeResult = { ok: true; record: KeyRecord } | { ok: false; refused: RecordRefusal };

/** The record after `change`, or why it cannot be made. A revoked key stays revoked: nothing else changes it. */
export function changed(record: KeyRecord, change: Exclude<RecordChange, { kind: "create" }>): KeyRecord | RecordRefusal {
  if (change.kind === "revoke") return { ...record, disabled: true };
  if (record.disabled) return "revoked";
  if (change.kind === "set") return { ...record, ...change.fields };
  const { current, previous } = record.webhookSecret;
  if (change.finish) return previous === null ? "not-rotating" : { ...record, webhookSecret: { current, previous: null } };
  return previous !== null ? "rotating" : { ...record, webhookSecret: { current: current + 1, previous: current } };
}

/** Reads the named key's record from KEYS, applies the change and writes it back. */
export async function changeRecord(keys: KVNamespace, name: string, change: RecordChange): Promise<ChangeResult> {
  const record = await recordOfName(async (kvName) => keys.get(kvName, "json"), name);
  if (change.kind === "create") return record ? { ok: false, refused: "exists" } : written(keys, change.record);
  if (!record) return { ok: false, refused: "not-found" };
  const next = changed(record, change);
  return typeof next === "string" ? { ok: false, refused: next } : written(keys, next);
}

async function written(keys: KVNamespace, record: KeyRecord): Promise<ChangeResult> {
  for (const write of recordWrites(record)) await keys.put(write.name, write.value, { metadata: write.metadata });
  return { ok: true, record };
}
