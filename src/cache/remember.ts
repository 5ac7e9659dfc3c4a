/**
 * @module What an isolate keeps in a plain Map with a bound on entries (the memory tier bounds
 * bytes instead): a value set is the newest entry, and past the bound the oldest is forgotten.
 */

/** Sets `key` to `value` as the newest entry of `map`, forgetting the oldest once `map` holds more than `max`. */
export function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  // A Map iterates in insertion order: setting anew moves the key to the end.
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value!);
}
