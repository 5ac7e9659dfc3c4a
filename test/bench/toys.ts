/**
 * @module The baselines a user would pick instead of the gateway (toys/), bundled by esbuild and
 * run in the same workerd as the gateway: a toy hit (and the same with a log line), a toy proxy
 * (and the same with a cache read in front, and with a Durable Object per creator behind that),
 * and the gateway's CPU subject.
 */
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

export interface Toy {
  name: string;
  path: string;
  /** Requests to this host reach it. */
  host: string;
  /** Its Durable Object classes by binding, run in a Worker of their own as the gateway's are. */
  objects?: Record<string, string>;
}

export const TOYS = ["hit", "hit-logged", "proxy", "caching-proxy", "coordinated-proxy", "cpu"] as const;
export type ToyName = (typeof TOYS)[number];
export const toyOrigin = (name: ToyName) => `http://toy-${name}.bench`;
const TOY_OBJECTS: Partial<Record<ToyName, Record<string, string>>> = { "coordinated-proxy": { KOL_COORDINATOR: "ToyCoordinator" } };

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
    external: ["cloudflare:workers"],
    write: false,
  });
  const path = resolve(outdir, `${name}-${entry.replace(/\W+/g, "-")}.mjs`);
  writeFileSync(path, result.outputFiles[0]!.text);
  const objects = TOY_OBJECTS[name];
  return { name: `toy-${name}`, path, host: new URL(toyOrigin(name)).host, ...(objects ? { objects } : {}) };
}

export const buildToys = (): Promise<Toy[]> => Promise.all(TOYS.map((name) => buildToy(name)));
