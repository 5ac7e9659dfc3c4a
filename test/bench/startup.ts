/**
 * @module Module start-up in workerd: how much longer a fresh runtime takes to be ready with a
 * bundle than with the toy hit (a Hono Worker of a few lines). workerd does not report CPU time,
 * so this is wall time on an idle runtime, the median of several starts; the runtime's own
 * start-up is in both and cancels out.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { median } from "./measure.ts";

const STARTS = 5;
// A fresh Node process per sample is cheap, and its CPU time varies by a few ms: more samples.
const CPU_SAMPLES = 11;

async function readyMs(scriptPath: string): Promise<number> {
  const started = performance.now();
  // Both get a CACHE namespace (the toy reads it) and keep their log lines to themselves.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      scriptPath,
      compatibilityDate: "2026-11-01",
      kvNamespaces: { CACHE: "startup" },
      handleStructuredLogs: () => undefined,
    }),
  );
  await mf.ready;
  await (await mf.dispatchFetch("http://start.bench/__never")).arrayBuffer();
  const ms = performance.now() - started;
  await mf.dispose();
  return ms;
}

/** Milliseconds `bundle` adds to a runtime's start and first answer over `baseline`'s. */
export async function startupOverMs(bundle: string, baseline: string): Promise<number> {
  const bundleMs: number[] = [];
  const baselineMs: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    baselineMs.push(await readyMs(baseline));
    bundleMs.push(await readyMs(bundle));
  }
  return median(bundleMs) - median(baselineMs);
}

// The platform module, as far as a bundle's top level uses it: classes to extend.
export const PLATFORM_STUB = "data:text/javascript,export class DurableObject{}export class WorkerEntrypoint{}";

/**
 * CPU milliseconds to load and evaluate `bundle` (parse, compile, run its top level), in a fresh
 * Node process each time: V8 is workerd's engine, and Node reports CPU time where workerd does not.
 * The bundle's one platform import (`cloudflare:workers`) is given a stub of the same shape.
 */
export function startupCpuMs(bundle: string): number {
  const loadable = `${bundle}.startup.mjs`;
  writeFileSync(loadable, readFileSync(bundle, "utf8").replaceAll('"cloudflare:workers"', JSON.stringify(PLATFORM_STUB)));
  // Node loads its Web Crypto lazily, on first touch, where workerd has it built in: touched first.
  const script = `void globalThis.crypto.subtle; const before = process.cpuUsage(); await import(${JSON.stringify(pathToFileURL(loadable).href)}); const used = process.cpuUsage(before); console.log((used.user + used.system) / 1000);`;
  const samples = Array.from({ length: CPU_SAMPLES }, () =>
    Number(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }).trim()),
  );
  return median(samples);
}
