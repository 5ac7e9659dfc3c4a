/**
 * @module The isolates' JavaScript heaps in local workerd, read through its inspector (the Chrome
 * DevTools Protocol, one WebSocket per Worker at ws://127.0.0.1:PORT/core:user:<worker name>).
 *
 * test/bench/runtime.ts starts Miniflare without an inspector, so `inspectedWorkerd` starts workerd
 * through a two-line wrapper (Miniflare's MINIFLARE_WORKERD_PATH) that adds `--inspector-addr`,
 * and asks V8 for `--expose-gc` (MINIFLARE_WORKERD_V8_FLAGS). workerd left the protocol's
 * `HeapProfiler.collectGarbage` unanswered (tried: no answer in 5 s, heap unchanged), so a sample
 * forces a full collection by evaluating `gc()` in the isolate, then reads
 * `Runtime.getHeapUsage`: the live heap, not garbage.
 */
import { chmodSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { join } from "node:path";

/** Sets the environment Miniflare reads when it spawns workerd; returns the inspector's port and
 * a function that puts the environment back (call it once the runtime is ready). */
export async function inspectedWorkerd(dir: string): Promise<{ port: number; restoreEnv: () => void }> {
  const port = await freePort();
  const workerd = process.env.MINIFLARE_WORKERD_PATH ?? (createRequire(import.meta.url)("workerd") as { default: string }).default;
  const wrapper = join(dir, "workerd");
  writeFileSync(wrapper, `#!/bin/sh\nexec '${workerd.replaceAll("'", "'\\''")}' "$@" --inspector-addr=127.0.0.1:${port}\n`);
  chmodSync(wrapper, 0o755);
  const saved = { path: process.env.MINIFLARE_WORKERD_PATH, flags: process.env.MINIFLARE_WORKERD_V8_FLAGS };
  process.env.MINIFLARE_WORKERD_PATH = wrapper;
  process.env.MINIFLARE_WORKERD_V8_FLAGS = [saved.flags, "--expose-gc"].filter(Boolean).join(" ");
  const restore = (name: "MINIFLARE_WORKERD_PATH" | "MINIFLARE_WORKERD_V8_FLAGS", value: string | undefined) => {
    if (value !== undefined) process.env[name] = value;
    else if (name === "MINIFLARE_WORKERD_PATH") delete process.env.MINIFLARE_WORKERD_PATH;
    else delete process.env.MINIFLARE_WORKERD_V8_FLAGS;
  };
  return {
    port,
    restoreEnv: () => {
      restore("MINIFLARE_WORKERD_PATH", saved.path);
      restore("MINIFLARE_WORKERD_V8_FLAGS", saved.flags);
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface HeapUsage {
  /** Bytes of live objects (after the forced collection). */
  used: number;
  /** Bytes V8 has committed for the heap. */
  total: number;
}

/** One inspector session on one Worker's isolate. */
export class IsolateInspector {
  #nextId = 0;
  readonly #pending = new Map<number, { resolve: (value: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  readonly #listeners = new Set<(method: string, params: Record<string, unknown>) => void>();

  readonly worker: string;
  readonly #socket: WebSocket;

  private constructor(worker: string, socket: WebSocket) {
    this.worker = worker;
    this.#socket = socket;
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as {
        id?: number;
        result?: Record<string, unknown>;
        error?: { message: string };
        method?: string;
        params?: Record<string, unknown>;
      };
      const waiting = message.id === undefined ? undefined : this.#pending.get(message.id);
      if (waiting) {
        this.#pending.delete(message.id!);
        if (message.error) waiting.reject(new Error(`${worker}: ${message.error.message}`));
        // workerd answers its own commands (takeHeapSnapshot) by echoing the command: no `result`.
        else waiting.resolve(message.result ?? {});
      } else if (message.method) for (const listener of this.#listeners) listener(message.method, message.params ?? {});
    });
    socket.addEventListener("close", () => {
      for (const { reject } of this.#pending.values()) reject(new Error(`${worker}: the inspector closed`));
      this.#pending.clear();
    });
  }

  /** Connects to the Worker named `worker` (its name in the Miniflare options). */
  static async connect(port: number, worker: string): Promise<IsolateInspector> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/core:user:${worker}`);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve(), { once: true });
      socket.addEventListener("error", () => reject(new Error(`no inspector for ${worker} on port ${port}`)), { once: true });
    });
    return new IsolateInspector(worker, socket);
  }

  call(method: string, params: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.worker}: ${method} had no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /**
   * The isolate's heap after a full collection. First drops the console messages V8 keeps for the
   * inspector (up to 1,000 of the gateway's log lines, retained only because an inspector is
   * attached: not there in production), then evaluates `gc()` in one of the isolate's contexts.
   */
  async heap(): Promise<HeapUsage> {
    await this.call("Runtime.discardConsoleEntries");
    await this.call("Runtime.evaluate", { contextId: await this.#context(), expression: "gc()" });
    const usage = await this.call("Runtime.getHeapUsage");
    return { used: usage.usedSize as number, total: usage.totalSize as number };
  }

  /** An execution context to evaluate in: Runtime.enable reports them, Runtime.disable stops the
   * console events it would otherwise send for every log line. */
  async #context(): Promise<number> {
    let context: number | undefined;
    const listener = (method: string, params: Record<string, unknown>) => {
      if (method === "Runtime.executionContextCreated") context = (params.context as { id: number }).id;
    };
    this.#listeners.add(listener);
    try {
      await this.call("Runtime.enable");
      await this.call("Runtime.disable");
    } finally {
      this.#listeners.delete(listener);
    }
    if (context === undefined) throw new Error(`${this.worker}: no execution context to collect garbage in`);
    return context;
  }

  /** A heap snapshot (V8 collects garbage before taking one), summarised by constructor. */
  async snapshot(): Promise<HeapSummary> {
    const chunks: string[] = [];
    const listener = (method: string, params: Record<string, unknown>) => {
      if (method === "HeapProfiler.addHeapSnapshotChunk") chunks.push(params.chunk as string);
    };
    this.#listeners.add(listener);
    try {
      await this.call("Runtime.discardConsoleEntries");
      await this.call("HeapProfiler.takeHeapSnapshot", { reportProgress: false }, 300_000);
    } finally {
      this.#listeners.delete(listener);
    }
    return summariseSnapshot(chunks.join(""));
  }

  close(): void {
    this.#socket.close();
  }
}

/** Objects by constructor (DevTools' "Summary" view, by self size): name to count and bytes. */
export type HeapSummary = Record<string, { count: number; bytes: number }>;

/** Groups a .heapsnapshot's nodes as DevTools' summary does: objects by constructor name, other
 * kinds (strings, arrays, closures, code, ...) by kind. */
export function summariseSnapshot(json: string): HeapSummary {
  const snapshot = JSON.parse(json) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((field) => fields.indexOf(field)) as [number, number, number];
  const summary: HeapSummary = {};
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]!]!;
    const key = type === "object" || type === "native" ? snapshot.strings[snapshot.nodes[i + nameAt]!]! : `(${type})`;
    const entry = (summary[key] ??= { count: 0, bytes: 0 });
    entry.count++;
    entry.bytes += snapshot.nodes[i + sizeAt]!;
  }
  return summary;
}

/** What grew between two summaries, largest growth in bytes first. */
export function heapGrowth(before: HeapSummary, after: HeapSummary, top = 15) {
  return Object.entries(after)
    .map(([name, { count, bytes }]) => ({
      name,
      count: count - (before[name]?.count ?? 0),
      bytes: bytes - (before[name]?.bytes ?? 0),
      countAfter: count,
      bytesAfter: bytes,
    }))
    .filter((row) => row.bytes > 0 || row.count > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}
