/**
 * @module The memory tier: a least-recently-used map bounded by bytes, inside one isolate.
 *
 * Lazy expiry on read and no timers (timers are not for this on Workers): an expired value is
 * dropped when it is next looked at or when room is needed. Values are kept as given and never
 * mutated by the cache; their size is their JSON length, the same bytes KV would hold.
 */
import type { Store } from "./types.ts";

export interface MemoryStoreOptions {
  /** The most bytes of values held at once; the least recently used go first. */
  maxBytes: number;
  now: () => number;
}

interface Slot {
  value: unknown;
  bytes: number;
  expiresAt: number;
}

export function memoryStore(options: MemoryStoreOptions): Store & { readonly bytes: number; readonly size: number } {
  // A Map iterates in insertion order: re-inserting on access keeps the oldest first.
  const slots = new Map<string, Slot>();
  let bytes = 0;

  const drop = (key: string) => {
    const slot = slots.get(key);
    if (!slot) return;
    slots.delete(key);
    bytes -= slot.bytes;
  };

  return {
    get bytes() {
      return bytes;
    },
    get size() {
      return slots.size;
    },
    async get(key) {
      const slot = slots.get(key);
      if (!slot) return { ok: true, value: null };
      if (slot.expiresAt <= options.now()) {
        drop(key);
        return { ok: true, value: null };
      }
      slots.delete(key);
      slots.set(key, slot);
      return { ok: true, value: slot.value };
    },
    async put(key, value, keepSeconds) {
      drop(key);
      const size = JSON.stringify(value)?.length ?? 0;
      if (size > options.maxBytes || keepSeconds <= 0) return true;
      while (bytes + size > options.maxBytes) {
        const oldest = slots.keys().next().value as string;
        drop(oldest);
      }
      slots.set(key, { value, bytes: size, expiresAt: options.now() + keepSeconds * 1000 });
      bytes += size;
      return true;
    },
    async delete(key) {
      drop(key);
      return true;
    },
  };
}
