/**
 * @module The baselines a user would pick instead of the gateway (toys/), bundled by esbuild and
 * run in the same workerd as the gateway: a toy hit (and the same with a log line), a toy proxy,
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
}

export const TOYS = ["hit", "hit-logged", "proxy", "cpu"] as const;
export type ToyName = (typeof TOYS)[number];
export const toyOrigin = (name: ToyName) => `http://toy-${name}.bench`;

export async function buildToys(): Promise<Toy[]> {
  const outdir = resolve(".wrangler", "bench-build", "toys");
  mkdirSync(outdir, { recursive: true });
  return Promise.all(
    TOYS.map(async (name) => {
      const result = await build({
        entryPoints: [resolve(`test/bench/toys/${name}.ts`)],
        bundle: true,
        format: "esm",
        platform: "neutral",
        minify: true,
        write: false,
      });
      const path = resolve(outdir, `${name}.mjs`);
      writeFileSync(path, result.outputFiles[0]!.text);
      return { name: `toy-${name}`, path, host: new URL(toyOrigin(name)).host };
    }),
  );
}
