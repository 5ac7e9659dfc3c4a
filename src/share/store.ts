/**
 * @module Where share links are kept: each link's record in KEYS (`link:{id}`, read when the link is
 * opened, through this isolate's memory and the edge cache), and its owner's index entry (`links:
 * {owner}:{id}`, the record again as metadata, so the owner lists its links without a read each).
 */
import type { Bindings } from "../bindings.ts";
import { kvStore } from "../cache/kv-store.ts";
import { metadataUnder } from "../cache/kv-list.ts";
import { tieredStore } from "../cache/tiered-store.ts";
import { ProblemError } from "../problem.ts";
import type { Runtime } from "../runtime.ts";
import { keepSeconds, linkKvName, ownerLinkKvName, ownerLinkPrefix, refusal, shareRecordSchema, type ShareRecord } from "./links.ts";

/** How long an isolate, then an edge location, may trust a link's record: a revocation through
 * another isolate reaches every location within their sum, as a key's does. */
const LINK_MEMORY_SECONDS = 30;
export const LINK_EDGE_SECONDS = 60;

/** KEYS as links and their owners' key records are read: this isolate's memory, then KV. */
export const linkStore = (env: Bindings, runtime: Runtime) =>
  tieredStore(runtime.isolate.keyRecords, kvStore(env.KEYS), LINK_MEMORY_SECONDS);

export async function readLink(env: Bindings, runtime: Runtime, id: string): Promise<ShareRecord | null> {
  // Stryker disable next-line ObjectLiteral: the edge cache saves KV reads between isolates; no test has two locations
  const stored = await linkStore(env, runtime).get(linkKvName(id), { edgeCacheSeconds: LINK_EDGE_SECONDS });
  // Stryker disable next-line LogicalOperator: a fast path: the schema just after refuses a failed read or a missing record the same
  if (!stored.ok || stored.value === null) return null;
  const parsed = shareRecordSchema().safeParse(stored.value);
  return parsed.success ? parsed.data : null;
}

/** Writes a link's record and its owner's index entry. */
export async function writeLink(env: Bindings, runtime: Runtime, record: ShareRecord): Promise<void> {
  const keep = keepSeconds(record, runtime.now());
  // Equivalent as `false` (docs/testing.md lists it; its `true` is killed): an expirationTtl of undefined is no expiry, as no option is
  const options = keep === undefined ? {} : { expirationTtl: keep };
  try {
    await Promise.all([
      env.KEYS.put(linkKvName(record.id), JSON.stringify(record), options),
      // Stryker disable next-line StringLiteral: the index entry is read by its metadata only; its value is never read
      env.KEYS.put(ownerLinkKvName(record.owner, record.id), "", { ...options, metadata: record }),
    ]);
  } catch {
    throw new ProblemError("ledger-unavailable", {
      detail: "The share link could not be saved; nothing was changed. Retry later.",
      retryAfterSeconds: 30,
    });
  }
  // This isolate sees its own change at once; others within LINK_MEMORY_SECONDS + LINK_EDGE_SECONDS.
  await runtime.isolate.keyRecords.delete(linkKvName(record.id));
}

/** The owner's links, oldest first (revoked and expired ones included, until KV lets them go). */
export async function ownersLinks(env: Bindings, owner: string): Promise<ShareRecord[]> {
  const records = (await metadataUnder<unknown>(env.KEYS, ownerLinkPrefix(owner))).flatMap((metadata) => {
    const parsed = shareRecordSchema().safeParse(metadata);
    // One this release cannot read (a newer release's, during a rollout) is left out, not a failed list.
    return parsed.success ? [parsed.data] : [];
  });
  return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The owner's links to one of its rosters that still work. */
async function workingLinksTo(env: Bindings, runtime: Runtime, owner: string, roster: string): Promise<ShareRecord[]> {
  const links = await ownersLinks(env, owner);
  return links.filter(
    (record) => "roster" in record.resource && record.resource.roster === roster && refusal(record, runtime.now()) === null,
  );
}

/** Points the owner's working links to a roster at its new name: a renamed roster keeps its links. */
export async function moveRosterLinks(env: Bindings, runtime: Runtime, owner: string, from: string, to: string): Promise<void> {
  const moving = await workingLinksTo(env, runtime, owner, from);
  await Promise.all(moving.map((record) => writeLink(env, runtime, { ...record, resource: { roster: to } })));
}

/** Revokes the owner's links to a roster it deleted: a roster made later under the name (or renamed
 * to it) is never shown through a link that was given out for another. */
export async function endRosterLinks(env: Bindings, runtime: Runtime, owner: string, roster: string): Promise<void> {
  const ending = await workingLinksTo(env, runtime, owner, roster);
  const at = new Date(runtime.now()).toISOString();
  await Promise.all(ending.map((record) => writeLink(env, runtime, { ...record, revokedAt: at })));
}
