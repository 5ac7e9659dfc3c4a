/**
 * @module CPU time of the gateway's work, measured in Node's V8 (workerd's engine; inside workerd
 * the clock does not advance during computation, by design): a 365-day range validated,
 * normalised and serialised; and a whole request through the app, a cache hit and `/healthz`.
 */
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { median } from "./measure.ts";
import { PLATFORM_STUB } from "./startup.ts";

/** Bundles a subject as wrangler would for workerd, so Node can load the gateway's own modules. */
async function loadSubject<T>(name: string): Promise<T> {
  const result = await build({
    entryPoints: [resolve(`test/bench/${name}.ts`)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*"],
    write: false,
  });
  const outdir = resolve(".wrangler", "bench-build", "cpu");
  mkdirSync(outdir, { recursive: true });
  const file = resolve(outdir, `${name}.mjs`);
  writeFileSync(file, result.outputFiles[0]!.text.replaceAll('"cloudflare:workers"', JSON.stringify(PLATFORM_STUB)));
  return (await import(pathToFileURL(file).href)) as T;
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
  const subject = await loadSubject<typeof import("./cpu-subject.ts")>("cpu-subject");
  const range = { kolId: "6838432048", startDate: "2025-03-01", endDate: "2026-02-28" };
  const text = subject.upstreamText(range.kolId, range.startDate, range.endDate);
  const gatewayMicros = cpuMicrosPerCall(() => subject.normaliseAndSerialise(text, range), iterations);
  const passThroughMicros = cpuMicrosPerCall(() => subject.passThrough(text), iterations);
  return { days: 365, gatewayMicros, passThroughMicros, ratio: gatewayMicros / passThroughMicros };
}

async function cpuMicrosPerRequest(send: () => Promise<unknown>, iterations: number): Promise<number> {
  for (let i = 0; i < Math.min(2000, iterations); i++) await send();
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) await send();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / iterations;
}

export interface RequestCpuResult {
  hitMicros: number;
  healthzMicros: number;
}

/** A cache hit's CPU and `/healthz`'s, through the whole app in-process: the median of `rounds`. */
export async function measureRequestCpu(iterations: number, rounds: number): Promise<RequestCpuResult> {
  // The subject runs the Worker's app (Worker types), so it is typed here by what is used of it.
  type Send = () => Promise<unknown>;
  const subject = await (await loadSubject<{ hitSubject(): Promise<{ hit: Send; healthz: Send }> }>("hit-subject")).hitSubject();
  const hits: number[] = [];
  const healthz: number[] = [];
  for (let round = 0; round < rounds; round++) {
    hits.push(await cpuMicrosPerRequest(subject.hit, iterations));
    healthz.push(await cpuMicrosPerRequest(subject.healthz, iterations));
  }
  return { hitMicros: median(hits), healthzMicros: median(healthz) };
}
