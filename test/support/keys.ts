/** Client keys for tests, written to the real local KEYS namespace exactly as `npm run key` does. */
import { generateKey, newKeyRecord, recordWrites, type KeyRecord } from "../../src/auth/keys.ts";

export interface TestKey {
  key: string;
  record: KeyRecord;
}

export async function createTestKey(
  keys: KVNamespace,
  options: Partial<Pick<KeyRecord, "tier" | "permissions" | "disabled" | "name" | "dailyUpstreamCalls" | "webhookSecret">> = {},
): Promise<TestKey> {
  const key = generateKey();
  const created = await newKeyRecord(
    key,
    {
      name: options.name ?? `test-${crypto.randomUUID().slice(0, 8)}`,
      tier: options.tier ?? "bulk",
      permissions: options.permissions ?? ["refresh"],
      dailyUpstreamCalls: options.dailyUpstreamCalls ?? 0,
    },
    new Date(),
  );
  const record = { ...created, disabled: options.disabled ?? false, webhookSecret: options.webhookSecret ?? created.webhookSecret };
  for (const write of recordWrites(record)) await keys.put(write.name, write.value, { metadata: write.metadata });
  return { key, record };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
