/**
 * @module The KEYS namespace from an operator's shell, through wrangler's `kv key` commands: local
 * storage (the one `npm start` uses) by default, the deployed namespace with `--remote`.
 */
import { execFileSync } from "node:child_process";
import { PROJECT_ROOT, WRANGLER_BIN } from "../wrangler.ts";

export interface Target {
  remote: boolean;
  /** A wrangler.toml environment (`staging`): its own KEYS namespace. */
  env?: string;
  /** Local storage directory, when not wrangler's default `.wrangler/state`. */
  persistTo?: string;
}

function wrangler(target: Target, args: string[]): string {
  const where = target.remote ? ["--remote"] : ["--local", ...(target.persistTo ? ["--persist-to", target.persistTo] : [])];
  const env = target.env ? ["--env", target.env] : [];
  return execFileSync(process.execPath, [WRANGLER_BIN, "kv", "key", ...args, "--binding", "KEYS", ...where, ...env], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
}

export function putValue(target: Target, name: string, value: string, metadata: object): void {
  wrangler(target, ["put", name, value, "--metadata", JSON.stringify(metadata)]);
}

// wrangler prints this, and exits 0, for a key that is not there.
const NOT_FOUND = "Value not found";

export function getValue(target: Target, name: string): string | null {
  try {
    const value = wrangler(target, ["get", name, "--text"]);
    return value.trim() === NOT_FOUND ? null : value;
  } catch {
    return null;
  }
}

export interface ListedKey {
  name: string;
  metadata?: Record<string, unknown>;
}

export function listKeys(target: Target, prefix: string): ListedKey[] {
  return JSON.parse(wrangler(target, ["list", "--prefix", prefix])) as ListedKey[];
}
