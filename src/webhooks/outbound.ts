/**
 * @module What the gateway sends out on a key's behalf (a delivery's callback, a watch's digest):
 * the owner key's record and Standard Webhooks headers signed with its secrets, and one POST to a
 * receiver within a time limit, never following a redirect.
 */
import { kvStore } from "../cache/kv-store.ts";
import { recordOfName, type KeyRecord } from "../auth/keys.ts";
import { signedHeaders, signingSecrets } from "./signature.ts";
import type { Bindings } from "../bindings.ts";
import type { Runtime } from "../runtime.ts";

/** The owner key's record: its ledger admits a delivery's upstream calls, its secrets sign what is sent. */
export function ownerRecord(env: Bindings, owner: string): Promise<KeyRecord | null> {
  const keys = kvStore(env.KEYS);
  return recordOfName(async (name) => {
    const read = await keys.get(name);
    return read.ok ? read.value : null;
  }, owner);
}

/** Standard Webhooks headers for `body`, signed with every valid secret of the owner key. */
export async function ownerSignedHeaders(
  master: string,
  owner: string,
  record: KeyRecord | null,
  message: { id: string; nowMs: number; body: string },
): Promise<Record<string, string>> {
  const secrets = await signingSecrets(master, owner, record?.webhookSecret ?? { current: 1, previous: null });
  return signedHeaders(secrets, message.id, message.nowMs, message.body);
}

export interface Outgoing {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Why a receiver's HTTP status says it did not take a POST, or null for any 2xx; a redirect is
 * refused, never followed. */
export function refusalOf(response: Response, receiver: string): string | null {
  if (response.status >= 300 && response.status < 400)
    return `the ${receiver} redirected (HTTP ${response.status}); redirects are not followed`;
  return response.ok ? null : `the ${receiver} answered HTTP ${response.status}`;
}

/**
 * POSTs `outgoing` within `timeoutMs`; `judge` reads the answer (null: taken), by default its
 * status alone. Resolves with null or the reason it failed, naming the receiver as `receiver`
 * ("callback", "target").
 */
export async function postOnce(
  outgoing: Outgoing,
  runtime: Runtime,
  timeoutMs: number,
  receiver: string,
  judge: (response: Response) => Promise<string | null> = async (response) => {
    await response.body?.cancel();
    return refusalOf(response, receiver);
  },
): Promise<string | null> {
  const timer = runtime.abortAfter(timeoutMs);
  try {
    const { url, headers, body } = outgoing;
    return await judge(await runtime.fetch(new Request(url, { method: "POST", body, headers, redirect: "manual", signal: timer.signal })));
  } catch {
    return timer.signal.aborted ? `the ${receiver} did not answer within ${timeoutMs} ms` : `the ${receiver} could not be reached`;
  } finally {
    timer.cancel();
  }
}
