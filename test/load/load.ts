/**
 * @module `npm run load`: the gateway and the emulator in local workerd (Miniflare, deployable
 * bundles), driven by a second process over 127.0.0.1 with a mixed workload (hits, misses, the
 * drop-in route, synchronous webhook calls, bad requests) for a bounded time
 * (LOAD_SECONDS, default 20; a soak is the same with a larger number, e.g. 600). Reports throughput,
 * latency percentiles, answers by status and problem type, upstream calls, and memory at start,
 * every 5 s and at the end: each isolate's live JavaScript heap (gateway, Durable Objects,
 * emulator; read through workerd's inspector after a forced collection, see inspector.ts), the
 * workerd process's resident memory, and the local storage's size on disk. Ends with a verdict on
 * the gateway's heap after warm-up (the last half of the samples within 10 % of their own mean).
 * LOAD_HEAP_SNAPSHOTS=1 also takes a heap snapshot of the gateway when warm-up ends and at the
 * end, and lists what grew between them by constructor.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { buildBundle, EMULATOR_ORIGIN, seedClientKey, startRuntime } from "../bench/runtime.ts";
import { heapGrowth, type HeapSummary, type HeapUsage, inspectedWorkerd, IsolateInspector } from "./inspector.ts";

const SECONDS = Number(process.env.LOAD_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 32);
const HEAP_SNAPSHOTS = process.env.LOAD_HEAP_SNAPSHOTS === "1";
const EMULATOR_LATENCY_MS = 50;
const SAMPLE_EVERY_MS = 5_000;
/** The heap after warm-up counts as level when every sample of the last half is this close to their mean. */
const LEVEL_TOLERANCE = 0.1;
/** Fewer samples than this in the last half (a run under a minute) get no verdict. */
const MIN_JUDGED_SAMPLES = 6;
/** The Workers runtime's memory limit per isolate. */
const ISOLATE_LIMIT_BYTES = 128 * 1000 * 1000;
/** The isolates, by their names in test/bench/runtime.ts: the gateway serves requests, `objects`
 * hosts the Durable Objects, the emulator keeps its request log in its own heap. */
const ISOLATES = ["gateway", "objects", "emulator"] as const;
type Isolate = (typeof ISOLATES)[number];

interface MemorySample {
  /** Seconds since the driver started (0: before it). */
  seconds: number;
  heapBytes: Record<Isolate, HeapUsage>;
  workerdRssKiB: number;
  workerdRssByKindKiB: Record<"anon" | "file" | "shmem", number>;
  /** The local storage on disk: bytes in total and by kind (kv, do:<class>, cache, ratelimit). */
  storage: { bytes: number; byKind: Record<string, { bytes: number; databases: number }> };
}

/** Resident memory of the workerd processes this process started, in KiB. */
function workerdRssKiB(): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const parent = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      if (parent === process.pid && /^Name:\s+workerd/m.test(status)) total += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      // The process ended while being read.
    }
  }
  return total;
}

/** Bytes of the files under the local storage (KV's SQLite and blobs, each Durable Object's SQLite
 * database, the cache, the rate limiters), by kind (the directory below v3/; Durable Objects by
 * class), with how many SQLite databases each kind has (for Durable Objects: one per object). */
function storageBytes(root: string): MemorySample["storage"] {
  const storage: MemorySample["storage"] = { bytes: 0, byKind: {} };
  let entries: string[];
  try {
    entries = readdirSync(root, { recursive: true, encoding: "utf8" });
  } catch {
    return storage;
  }
  for (const entry of entries) {
    try {
      const stat = statSync(join(root, entry));
      if (!stat.isFile()) continue;
      const [kind = "other", sub = ""] = relative("v3", entry).split(sep);
      const key = kind === "do" ? `do:${sub.replace(/^[^-]*-/, "")}` : kind;
      const slot = (storage.byKind[key] ??= { bytes: 0, databases: 0 });
      slot.bytes += stat.size;
      if (entry.endsWith(".sqlite")) slot.databases++;
      storage.bytes += stat.size;
    } catch {
      // Deleted while being read (SQLite's journal files come and go).
    }
  }
  return storage;
}

/** The workerd processes' resident memory by kind (/proc's RssAnon, RssFile, RssShmem), in KiB:
 * anonymous is the heaps and malloc's; file and shared are mapped files (the binary, SQLite's -shm). */
function workerdRssByKindKiB(): Record<"anon" | "file" | "shmem", number> {
  const total = { anon: 0, file: 0, shmem: 0 };
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== process.pid || !/^Name:\s+workerd/m.test(status)) continue;
      total.anon += Number(/^RssAnon:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      total.file += Number(/^RssFile:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      total.shmem += Number(/^RssShmem:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      // The process ended while being read.
    }
  }
  return total;
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const describe = (s: MemorySample) =>
  `gateway heap ${mib(s.heapBytes.gateway.used)} MiB (objects ${mib(s.heapBytes.objects.used)}, emulator ${mib(s.heapBytes.emulator.used)})` +
  `  workerd RSS ${mib(s.workerdRssKiB * 1024)} MiB (anon ${mib(s.workerdRssByKindKiB.anon * 1024)})` +
  `  storage ${mib(s.storage.bytes)} MiB (` +
  Object.entries(s.storage.byKind)
    .filter(([, { bytes }]) => bytes >= 512 * 1024)
    .map(([kind, { bytes, databases }]) => `${kind} ${mib(bytes)}${kind.startsWith("do:") ? ` in ${databases}` : ""}`)
    .join(", ") +
  ")";

/** The gateway's heap after warm-up: level when the last half of the samples stays within
 * LEVEL_TOLERANCE of its own mean; otherwise growing when that half's trend (least squares) adds
 * more than LEVEL_TOLERANCE of the mean across it, else unsteady (in-flight requests' objects are
 * live at a sample: a small heap can swing by more than 10 % without growing). */
function heapVerdict(samples: MemorySample[]) {
  const half = samples.slice(Math.floor(samples.length / 2));
  const used = half.map((s) => s.heapBytes.gateway.used);
  const mean = used.reduce((a, b) => a + b, 0) / used.length;
  const maxDeviation = Math.max(...used.map((u) => Math.abs(u - mean))) / mean;
  const meanT = half.reduce((a, s) => a + s.seconds, 0) / half.length;
  const covariance = half.reduce((a, s, i) => a + (s.seconds - meanT) * (used[i]! - mean), 0);
  const variance = half.reduce((a, s) => a + (s.seconds - meanT) ** 2, 0);
  const slopeBytesPerMinute = variance > 0 ? (covariance / variance) * 60 : 0;
  return {
    verdict:
      half.length < MIN_JUDGED_SAMPLES
        ? ("heap not judged (run too short; a soak is LOAD_SECONDS=600)" as const)
        : maxDeviation <= LEVEL_TOLERANCE
          ? ("heap level" as const)
          : slopeBytesPerMinute * ((half.at(-1)!.seconds - half[0]!.seconds) / 60) > LEVEL_TOLERANCE * mean
            ? ("heap grows" as const)
            : ("heap unsteady (beyond 10 % of its mean, without a rising trend)" as const),
    fromSeconds: half[0]!.seconds,
    samples: half.length,
    meanBytes: mean,
    minBytes: Math.min(...used),
    maxBytes: Math.max(...used),
    maxDeviation,
    slopeBytesPerMinute,
    peakBytes: Math.max(...samples.map((s) => s.heapBytes.gateway.used)),
  };
}

const dir = mkdtempSync(join(tmpdir(), "xingtu-load-"));
const storage = join(dir, "state");
const gateway = buildBundle("gateway", "wrangler.toml");
const emulator = buildBundle("emulator", "tools/emulator/wrangler.toml");
const inspector = await inspectedWorkerd(dir);
const mf = await startRuntime({ gateway, emulator, emulatorLatencyMs: EMULATOR_LATENCY_MS, listen: true, persistTo: storage }).finally(
  inspector.restoreEnv,
);
const inspectors: IsolateInspector[] = [];
try {
  const url = await mf.ready;
  for (const isolate of ISOLATES) inspectors.push(await IsolateInspector.connect(inspector.port, isolate));
  const sample = async (seconds: number): Promise<MemorySample> => {
    const heapBytes = {} as Record<Isolate, HeapUsage>;
    for (const [i, isolate] of ISOLATES.entries()) heapBytes[isolate] = await inspectors[i]!.heap();
    return {
      seconds,
      heapBytes,
      workerdRssKiB: workerdRssKiB(),
      workerdRssByKindKiB: workerdRssByKindKiB(),
      storage: storageBytes(storage),
    };
  };
  const report = (label: string, s: MemorySample) => {
    console.log(`${label.padStart(6)}  ${describe(s)}`);
    return s;
  };

  const key = await seedClientKey(mf, "load");
  const samples = [report("start", await sample(0))];
  const driver = spawn(process.execPath, ["test/load/driver.ts", url.href, String(SECONDS), String(CONCURRENCY)], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, LOAD_CLIENT_KEY: key },
  });
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) / 100) / 10;
  let output = "";
  driver.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => driver.on("exit", resolve));
  let done = false;
  void exited.then(() => (done = true));

  // Every 5 s while the driver runs, on a fixed schedule (a slow sample delays only itself).
  let warmSnapshot: HeapSummary | undefined;
  for (let tick = 1; ; tick++) {
    const wait = started + tick * SAMPLE_EVERY_MS - performance.now();
    if (wait > 0) await Promise.race([sleep(wait), exited]);
    if (done) break;
    samples.push(report(`${tick * (SAMPLE_EVERY_MS / 1000)} s`, await sample(elapsed())));
    if (HEAP_SNAPSHOTS && !warmSnapshot && tick * SAMPLE_EVERY_MS >= (SECONDS * 1000) / 2) {
      warmSnapshot = await inspectors[0]!.snapshot();
      console.log(`        heap snapshot of the gateway at ${elapsed()} s (end of warm-up)`);
    }
  }
  const code = await exited;
  if (code !== 0) throw new Error(`the load driver exited with ${code}`);
  const load = JSON.parse(output) as Record<string, unknown>;
  const upstreamCalls = ((await (await mf.dispatchFetch(`${EMULATOR_ORIGIN}/__emulator/requests`)).json()) as unknown[]).length;
  samples.push(report("end", await sample(elapsed())));
  const growth = warmSnapshot ? heapGrowth(warmSnapshot, await inspectors[0]!.snapshot()) : undefined;
  const heap = heapVerdict(samples);
  const results = {
    target: url.href,
    emulatorLatencyMs: EMULATOR_LATENCY_MS,
    ...load,
    upstreamCalls,
    workerdRssKiB: { start: samples[0]!.workerdRssKiB, end: samples.at(-1)!.workerdRssKiB, every5s: samples.map((s) => s.workerdRssKiB) },
    memory: { samples, gatewayHeap: heap, ...(growth ? { gatewayHeapGrowthAfterWarmUp: growth } : {}) },
  };

  const round = (value: unknown) => (typeof value === "number" ? Math.round(value * 10) / 10 : value);
  console.log(
    `load: ${round(load.requests)} requests in ${round(load.seconds)} s from ${CONCURRENCY} clients over ${url.host}: ${round(load.throughput)} req/s`,
  );
  console.table(
    Object.fromEntries(
      Object.entries(load.latencyMsByKind as Record<string, Record<string, number>>).map(([kind, s]) => [
        kind,
        Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v)])),
      ]),
    ),
  );
  console.log(
    "answers by status:",
    JSON.stringify(load.byStatus),
    " by problem type:",
    JSON.stringify(load.byProblemType),
    " network errors:",
    load.networkErrors,
  );
  console.log(`upstream calls: ${upstreamCalls} (the emulator's request log holds one entry each, in the emulator's heap)`);
  const warm = samples.find((s) => s.seconds >= heap.fromSeconds)!;
  console.table(
    Object.fromEntries(
      [
        ["start", samples[0]!],
        [`after warm-up (${warm.seconds} s)`, warm],
        ["end", samples.at(-1)!],
      ].map(([label, s]) => {
        const m = s as MemorySample;
        return [
          label as string,
          {
            "gateway heap MiB": mib(m.heapBytes.gateway.used),
            "(committed)": mib(m.heapBytes.gateway.total),
            "objects heap MiB": mib(m.heapBytes.objects.used),
            "emulator heap MiB": mib(m.heapBytes.emulator.used),
            "workerd RSS MiB": mib(m.workerdRssKiB * 1024),
            "storage MiB": mib(m.storage.bytes),
            "Durable Objects": Object.entries(m.storage.byKind).reduce(
              (n, [kind, { databases }]) => n + (kind.startsWith("do:") ? databases : 0),
              0,
            ),
          },
        ];
      }),
    ),
  );
  const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
  console.log(
    `${heap.verdict}: the gateway's heap over the last half (${heap.samples} samples from ${heap.fromSeconds} s) averages ${mib(heap.meanBytes)} MiB ` +
      `(${mib(heap.minBytes)} to ${mib(heap.maxBytes)}), at most ${percent(heap.maxDeviation)} from its mean (level: within ${percent(LEVEL_TOLERANCE)}); ` +
      `trend ${heap.slopeBytesPerMinute >= 0 ? "+" : ""}${(heap.slopeBytesPerMinute / 1024 / 1024).toFixed(2)} MiB/min; ` +
      `peak ${mib(heap.peakBytes)} MiB of the isolate's 128 MB (${percent(heap.peakBytes / ISOLATE_LIMIT_BYTES)})`,
  );
  if (growth) {
    console.log("what grew in the gateway's heap from the end of warm-up to the end (by constructor):");
    console.table(
      Object.fromEntries(
        growth.map((row) => [
          row.name.slice(0, 60),
          { "+count": row.count, "+KiB": round(row.bytes / 1024), count: row.countAfter, KiB: round(row.bytesAfter / 1024) },
        ]),
      ),
    );
  }
  mkdirSync("bench-results", { recursive: true });
  writeFileSync("bench-results/load.json", `${JSON.stringify(results, null, 2)}\n`);
  console.log("written: bench-results/load.json");
} finally {
  for (const session of inspectors) session.close();
  await mf.dispose();
  if (process.env.LOAD_KEEP_STATE === "1") console.log(`local storage kept: ${storage}`);
  else rmSync(dir, { recursive: true, force: true });
}
