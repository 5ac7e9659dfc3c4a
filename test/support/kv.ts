/** A KV namespace whose chosen operation fails as Workers KV does, and whose others find nothing. */
export function failingKv(failOn: "get" | "put", message = "KV GET failed: 500 Internal Server Error"): KVNamespace {
  return new Proxy({} as KVNamespace, {
    get: (_target, property) => async () => {
      if (property === failOn) throw new Error(message);
      return property === "list" ? { keys: [], list_complete: true, cacheStatus: null } : null;
    },
  });
}

export const KV_WRITE_RATE_ERROR = "KV PUT failed: 429 Too Many Requests";
