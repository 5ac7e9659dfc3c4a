/** Client keys for tests, written to the real local KEYS namespace exactly as `npm run key` does. */
import { generateKey, hashKey, nameKvName, recordKvName, recordMetadata, type KeyRecord } from "../../src/auth/keys.ts";

export interface TestKey {
  key: string;
  record: KeyRecord;
}

export async function createTestKey(
  keys: KVNamespace,
  options: Partial<Pick<KeyRecord, "tier" | "permissions" | "disabled" | "name">> = {},
): Promise<TestKey> {
  const key = generateKey();
  const record: KeyRecord = {
    name: options.name ?? `test-${crypto.randomUUID().slice(0, 8)}`,
    tier: options.tier ?? "bulk",
    permissions: options.permissions ?? ["refresh"],
    created: new Date().toISOString(),
    disabled: options.disabled ?? false,
    hash: await hashKey(key),
  };
  await keys.put(recordKvName(record.hash), JSON.stringify(record), { metadata: recordMetadata(record) });
  await keys.put(nameKvName(record.name), JSON.stringify(record.hash));
  return { key, record };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
