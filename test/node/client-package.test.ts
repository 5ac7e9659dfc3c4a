/**
 * The client package as a user gets it: packed (`npm pack`, which builds it), installed into a
 * fresh project outside this repository, the README's example type-checked (for Node, and for
 * browsers with no Node or Worker types at all) and run with Node against a local gateway.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBundle, seedClientKey, startRuntime } from "../bench/runtime.ts";

const root = resolve(".");
const project = mkdtempSync(join(tmpdir(), "xingtu-client-user-"));
const tsc = join(root, "node_modules/typescript/bin/tsc");
let mf: Miniflare;

const run = (command: string, args: string[], env: Record<string, string> = {}) =>
  execFileSync(command, args, { cwd: project, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });

/** The README's example, word for word, between its ```ts fence and the next. */
function readmeExample(): string {
  const readme = readFileSync("packages/client/README.md", "utf8");
  const match = /```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error("packages/client/README.md has no ts example");
  return match[1]!;
}

beforeAll(async () => {
  const packed = execFileSync("npm", ["pack", "--pack-destination", project, "--json"], {
    cwd: "packages/client",
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tarball = (JSON.parse(packed) as { filename: string }[])[0]!.filename;
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "user", private: true, type: "module" }));
  // The package has no dependencies, so this installs offline.
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", join(project, tarball)]);
  mf = await startRuntime({
    gateway: buildBundle("client-gateway", "wrangler.toml"),
    emulator: buildBundle("client-emulator", "tools/emulator/wrangler.toml"),
    emulatorLatencyMs: 0,
    listen: true,
  });
}, 120_000);

afterAll(async () => {
  await mf?.dispose();
  rmSync(project, { recursive: true, force: true });
});

describe("the installed client package", () => {
  it("ships JavaScript and declarations only", () => {
    const installed = join(project, "node_modules/@xingtu-edge/client");
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { exports: Record<string, unknown> };
    expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
    expect(readFileSync(join(installed, "dist/index.js"), "utf8")).toContain("export function createGatewayClient");
  });

  it("type-checks the README's example for Node, strict", () => {
    writeFileSync(join(project, "example.ts"), readmeExample());
    const output = run(process.execPath, [
      tsc,
      "--noEmit",
      "--strict",
      "--target",
      "es2022",
      "--module",
      "nodenext",
      "--moduleResolution",
      "nodenext",
      "--typeRoots",
      join(root, "node_modules/@types"),
      "--types",
      "node",
      "example.ts",
    ]);
    expect(output).toBe("");
  });

  it("type-checks for browsers, with no Node or Worker types", () => {
    mkdirSync(join(project, "web"), { recursive: true });
    writeFileSync(
      join(project, "web/app.ts"),
      `import { createGatewayClient, type Trend } from "@xingtu-edge/client";\n` +
        `const gateway = createGatewayClient(location.origin, "xte_...");\n` +
        `export const change = (trend: Trend) => trend.summary.change;\n` +
        `export const load = () => gateway.dailyFans("6838432048", { startDate: "2026-02-07", endDate: "2026-03-08" });\n`,
    );
    // The project has no @types of its own: only the package's declarations and the DOM.
    const flags = [
      "--noEmit",
      "--strict",
      "--target",
      "es2022",
      "--module",
      "esnext",
      "--moduleResolution",
      "bundler",
      "--lib",
      "es2022,dom",
    ];
    const output = run(process.execPath, [tsc, ...flags, "web/app.ts"]);
    expect(output).toBe("");
  });

  it("runs the README's example with Node against a gateway", async () => {
    const url = await mf.ready;
    const key = await seedClientKey(mf, "client-package");
    writeFileSync(join(project, "run.ts"), readmeExample().replace('"https://api.example.com"', JSON.stringify(url.origin)));
    const output = run(process.execPath, ["run.ts"], { XTE_KEY: key });
    // `console.log(data.summary.change, cacheStatus, upstreamCalls)`: a number, a miss (its days
    // assembled from a wider call, where the coordinator makes one), one call.
    expect(output.trim()).toMatch(/^-?\d+ xingtu-edge; fwd=miss; stored; ttl=\d+(; detail="assembled")? 1$/);
  });
});
