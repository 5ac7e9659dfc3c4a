/**
 * @module CPU time of the gateway's per-request work on a 365-day range, measured in Node's V8
 * (workerd's engine; inside workerd the clock does not advance during computation, by design).
 */
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

type Subject = typeof import("./cpu-subject.ts");

async function loadSubject(): Promise<Subject> {
  const result = await build({
    entryPoints: [resolve("test/bench/cpu-subject.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
  });
  const outdir = resolve(".wrangler", "bench-build", "cpu");
  mkdirSync(outdir, { recursive: true });
  const file = resolve(outdir, "cpu-subject.mjs");
  writeFileSync(file, result.outputFiles[0]!.text);
  return (await import(pathToFileURL(file).href)) as Subject;
}

function cpuMicrosPerCall(work: () => unknown, iterations: number): number {
  for (let i = 0; i < Math.min(200, iterations); i++) work();
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / iterations;
}

export interface CpuResult {
  days: number;
  gatewayMicros: number;
  passThroughMicros: number;
  ratio: number;
}

export async function measureCpu(iterations: number): Promise<CpuResult> {
  const subject = await loadSubject();
  const range = { kolId: "6838432048", startDate: "2025-03-01", endDate: "2026-02-28" };
  const text = subject.upstreamText(range.kolId, range.startDate, range.endDate);
  const gatewayMicros = cpuMicrosPerCall(() => subject.normaliseAndSerialise(text, range), iterations);
  const passThroughMicros = cpuMicrosPerCall(() => subject.passThrough(text), iterations);
  return { days: 365, gatewayMicros, passThroughMicros, ratio: gatewayMicros / passThroughMicros };
}
