/**
 * @module Every entry's metadata under a KV prefix, page after page: the key records (operators'
 * list, the daily watches) and a key's share links are indexes whose metadata holds the record.
 */

/** The metadata of every entry under `prefix` that has some, in KV's order. */
export async function metadataUnder<M>(namespace: KVNamespace, prefix: string): Promise<M[]> {
  const found: M[] = [];
  let cursor: string | undefined;
  do {
    const page = await namespace.list<M>({ prefix, cursor });
    // An entry put by hand has none (or null): it is not one of these records.
    for (const key of page.keys) if (key.metadata != null) found.push(key.metadata);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return found;
}
