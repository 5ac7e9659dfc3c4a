/**
 * @module `npm run deploy`: one command from a Cloudflare account to a working gateway.
 *
 *   JUSTONEAPI_TOKEN=... npm run deploy [-- --env staging] [-- <more `wrangler deploy` options>]
 *
 * Wrangler does the provisioning (id-less KV namespaces, queues by name, Durable Object
 * migrations, rate limiters, Analytics Engine); this script adds what it cannot decide:
 *   1. stop before any call when the upstream token is missing;
 *   2. ask which secrets the gateway already has, and generate WEBHOOK_SIGNING_SECRET only when it
 *      has none (a redeploy inherits it: never rotated here);
 *   3. deploy the MCP Worker first (the gateway's service binding needs it to exist), then the
 *      gateway with its secrets in the same upload (`--secrets-file`, a private temporary file);
 *   4. print the spending bounds (the account's daily budget, each key's default daily calls);
 *   5. when the environment's KEYS namespace holds no client key, create one and print it once.
 * Nothing in wrangler.toml is rewritten; a redeploy uploads code and creates nothing.
 *
 * Under Workers Builds (the "Deploy to Cloudflare" button, WORKERS_CI=1) the dashboard holds the
 * secrets: without a token in the environment the script deploys and leaves secrets and keys alone.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RECORD_PREFIX, generateKey } from "../../src/auth/keys.ts";
import { listKeys, type Target } from "../cli/kv.ts";
import { writeRecord } from "../cli/key.ts";
import { PROJECT_ROOT, WRANGLER_BIN } from "../wrangler.ts";
import { configSchema } from "../../src/config/config.ts";

const MCP_CONFIG = "src/mcp/wrangler.toml";
/** The first client key's name: it may force refreshes and operate the spend guard. */
const FIRST_KEY_NAME = "owner";

function stop(sentence: string): never {
  console.error(`\n${sentence}`);
  process.exit(1);
}

interface Run {
  status: number;
  output: string;
}

/** What bounds the gateway's spending unless wrangler.toml's [vars] say otherwise, and how to lift each bound. */
export function spendingBounds(): string {
  const defaults = configSchema.parse({});
  return [
    "Spending bounds (defaults; set them in wrangler.toml [vars] to change them):",
    `  UPSTREAM_DAILY_BUDGET = ${defaults.UPSTREAM_DAILY_BUDGET}: upstream calls a Shanghai day for the whole account (0: none).`,
    `  KEY_DAILY_UPSTREAM_CALLS = ${defaults.KEY_DAILY_UPSTREAM_CALLS}: upstream calls a day for each key without a limit of its own (0: none);`,
    "    one key's own: `npm run key -- limit NAME --daily-upstream-calls N --remote`.",
  ].join("\n");
}

/** Runs wrangler from the project root; `echo` relays its output as it comes. */
function wrangler(args: string[], echo: boolean): Run {
  const result = spawnSync(process.execPath, [WRANGLER_BIN, ...args], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (echo) {
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
  }
  return { status: result.status ?? 1, output: `${result.stdout}\n${result.stderr}` };
}

/** `--env NAME` (or `--env=NAME`) is ours too; every other argument goes to the gateway's deploy. */
export function parseArguments(argv: string[]): { env?: string; rest: string[] } {
  const rest: string[] = [];
  let env: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === "--env" || arg === "-e") env = argv[++i];
    else if (arg.startsWith("--env=")) env = arg.slice("--env=".length);
    else rest.push(arg);
  }
  return { env: env || undefined, rest };
}

/** The deployed gateway's secret names, or null when the gateway does not exist yet. */
function deployedSecrets(envArgs: string[]): string[] | null {
  const run = wrangler(["secret", "list", "--format", "json", ...envArgs], false);
  if (run.status === 0) {
    const start = run.output.indexOf("[");
    return (JSON.parse(run.output.slice(start, run.output.lastIndexOf("]") + 1)) as { name: string }[]).map((secret) => secret.name);
  }
  if (/Worker ".+?".* not found/.test(run.output)) return null;
  process.stderr.write(run.output);
  return stop("Could not read the gateway's secrets from Cloudflare (above): run `npx wrangler login` first, or check the account.");
}

function newSigningSecret(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
}

async function main(argv: string[]): Promise<void> {
  const { env, rest } = parseArguments(argv);
  // Always named, even production's (""), so wrangler does not warn that several are defined.
  const envArgs = [`--env=${env ?? ""}`];
  const token = process.env.JUSTONEAPI_TOKEN?.trim();
  const inBuilds = process.env.WORKERS_CI === "1";
  if (!token && !inBuilds) {
    stop("JUSTONEAPI_TOKEN is not set: run `JUSTONEAPI_TOKEN=<your Just One API token> npm run deploy` (nothing was deployed).");
  }

  const secrets: Record<string, string> = {};
  if (token) {
    const existing = deployedSecrets(envArgs);
    secrets.JUSTONEAPI_TOKEN = token;
    if (!existing?.includes("WEBHOOK_SIGNING_SECRET")) secrets.WEBHOOK_SIGNING_SECRET = newSigningSecret();
  }

  console.log(`Deploying the MCP Worker${env ? ` (${env})` : ""}...`);
  if (wrangler(["deploy", "-c", MCP_CONFIG, ...envArgs], true).status !== 0)
    stop("The MCP Worker did not deploy (above); nothing else was changed.");

  console.log(`Deploying the gateway${env ? ` (${env})` : ""}...`);
  const folder = mkdtempSync(join(tmpdir(), "xingtu-deploy-"));
  const secretsFile = join(folder, "secrets.json");
  let gateway: Run;
  try {
    writeFileSync(secretsFile, JSON.stringify(secrets), { mode: 0o600 });
    gateway = wrangler(["deploy", ...envArgs, ...(token ? ["--secrets-file", secretsFile] : []), ...rest], true);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  if (gateway.status !== 0) {
    const onboarding = /https:\/\/dash\.cloudflare\.com\/\S+\/workers\/onboarding/.exec(gateway.output);
    if (onboarding) {
      stop(`Your Cloudflare account has no workers.dev subdomain yet: pick one at ${onboarding[0]}, then run \`npm run deploy\` again.`);
    }
    stop("The gateway did not deploy (above); run `npm run deploy` again once that is fixed.");
  }
  if (secrets.WEBHOOK_SIGNING_SECRET) console.log("Generated WEBHOOK_SIGNING_SECRET (kept by Cloudflare; a redeploy keeps it).");
  console.log(spendingBounds());

  if (inBuilds) {
    console.log("Create a client key with `npm run key -- create --name NAME --operator --remote` (keys are never printed in build logs).");
    return;
  }
  const target: Target = { remote: true, env };
  if (listKeys(target, RECORD_PREFIX).length > 0) {
    console.log("Client keys already exist: `npm run key -- list --remote` lists them.");
    return;
  }
  const key = generateKey();
  await writeRecord(target, key, { name: FIRST_KEY_NAME, tier: "standard", permissions: ["refresh", "operate"] });
  console.log(`\nCreated the first client key, "${FIRST_KEY_NAME}" (may force refreshes and operate the spend guard).`);
  console.log("It is shown this once; store it now:");
  console.log(`\n  ${key}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
