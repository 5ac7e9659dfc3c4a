/**
 * @module `npm run load`: the gateway and the emulator in local workerd (Miniflare, deployable
 * bundles), driven by a second process over 127.0.0.1 with a mixed workload (hits, misses, the
 * drop-in route, synchronous webhook calls, bad requests) for a bounded time
 * (LOAD_SECONDS, default 20; a soak is the same with a larger number). Reports throughput,
 * latency percentiles, answers by status and problem type, upstream calls, and the workerd
 * process's memory at start and end.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { buildBundle, EMULATOR_ORIGIN, seedClientKey, startRuntime } from "../bench/runtime.ts";

const SECONDS = Number(process.env.LOAD_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 32);
const EMULATOR_LATENCY_MS = 50;

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

const gateway = buildBundle("gateway", "wrangler.toml");
const emulator = buildBundle("emulator", "tools/emulator/wrangler.toml");
const mf = await startRuntime({ gateway, emulator, emulatorLatencyMs: EMULATOR_LATENCY_MS, listen: true });
try {
  const url = await mf.ready;
  const key = await seedClientKey(mf, "load");
  const memoryStartKiB = workerdRssKiB();
  const driver = spawn(process.execPath, ["test/load/driver.ts", url.href, String(SECONDS), String(CONCURRENCY)], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, LOAD_CLIENT_KEY: key },
  });
  const samplesKiB = [memoryStartKiB];
  const sampler = setInterval(() => samplesKiB.push(workerdRssKiB()), 5_000);
  let output = "";
  driver.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => driver.on("exit", resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`the load driver exited with ${code}`);
  const load = JSON.parse(output) as Record<string, unknown>;
  const upstreamCalls = ((await (await mf.dispatchFetch(`${EMULATOR_ORIGIN}/__emulator/requests`)).json()) as unknown[]).length;
  const memoryEndKiB = workerdRssKiB();
  const results = {
    target: url.href,
    emulatorLatencyMs: EMULATOR_LATENCY_MS,
    ...load,
    upstreamCalls,
    workerdRssKiB: { start: memoryStartKiB, end: memoryEndKiB, every5s: samplesKiB },
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
  console.log(`upstream calls: ${upstreamCalls}`);
  const mib = (kib: number) => (kib / 1024).toFixed(1);
  console.log(
    `workerd memory (RSS): ${mib(memoryStartKiB)} MiB at start, ${mib(memoryEndKiB)} MiB at end; every 5 s: ${samplesKiB.map(mib).join(", ")}`,
  );
  mkdirSync("bench-results", { recursive: true });
  writeFileSync("bench-results/load.json", `${JSON.stringify(results, null, 2)}\n`);
  console.log("written: bench-results/load.json");
} finally {
  await mf.dispose();
}
