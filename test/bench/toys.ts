/**
 * @module The baselines a user would pick instead of the gateway (toys/), bundled by esbuild and
 * run in the same workerd as the gateway: a toy hit (and the same with a log line), a toy proxy
 * (and the same with a cache read in front), and the gateway's CPU subject.
 */
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

export interface Toy {
  name: string;
  path: string;
  /** Requests to this host reach it. */
  host: string;
}

export const TOYS = ["hit", "hit-logged", "proxy", "caching-proxy", "cpu"] as const;
export type ToyName = (typeof TOYS)[number];
export const toyOrigin = (name: ToyName) => `http://toy-${name}.bench`;

/** Bundles one toy's entry (or another entry standing for it, as the latency model's do) as `toy-<name>`. */
export async function buildToy(name: ToyName, entry = `test/bench/toys/${name}.ts`): Promise<Toy> {
  const outdir = resolve(".wrangler", "bench-build", "toys");
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: [resolve(entry)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    minify: true,
    write: false,
  });
  const path = resolve(outdir, `${name}-${entry.replace(/\W+/g, "-")}.mjs`);
  writeFileSync(path, result.outputFiles[0]!.text);
  return { name: `toy-${name}`, path, host: new URL(toyOrigin(name)).host };
}

export const buildToys = (): Promise<Toy[]> => Promise.all(TOYS.map((name) => buildToy(name)));
