/**
 * @module Memory in front of KV: hot keys are answered without a KV read; writes go to both.
 *
 * A value read from KV is promoted into memory for at most `promoteSeconds`, which bounds how
 * long this isolate can miss another isolate's newer write.
 */
import type { Store } from "./types.ts";

export function tieredStore(memory: Store, kv: Store, promoteSeconds: number): Store {
  return {
    async get(key, options) {
      const near = await memory.get(key);
      if (near.ok && near.value !== null) return near;
      const far = await kv.get(key, options);
      if (far.ok && far.value !== null) await memory.put(key, far.value, promoteSeconds);
      return far;
    },
    async put(key, value, keepSeconds) {
      await memory.put(key, value, Math.min(keepSeconds, promoteSeconds));
      return kv.put(key, value, keepSeconds);
    },
    async delete(key) {
      await memory.delete(key);
      return kv.delete(key);
    },
  };
}
