/**
 * @module The local run (`npm start`): the gateway on 127.0.0.1:8787 with local KV, in front of
 * the upstream emulator on 127.0.0.1:8788. No account, no token, no network: the gateway gets a
 * stand-in token that only the emulator ever sees. `npm start -- --port 8887` (or GATEWAY_PORT)
 * moves the gateway, and the emulator to the port after it (or EMULATOR_PORT).
 *
 * Runs on Node (not in the Worker); both Workers run under `wrangler dev`, so edits reload.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { createInterface } from "node:readline";
import { LOCAL_KEY, LOCAL_SIGNING_SECRET, writeRecord } from "../cli/key.ts";
import { maskCredentials } from "./mask.ts";
import { migrateLocalKv } from "./migrate-kv.ts";
import { WRANGLER_BIN } from "../wrangler.ts";
import { configSchema } from "../../src/config/config.ts";

const HOST = "127.0.0.1";
const { port: askedPort } = parseArgs({ options: { port: { type: "string" } } }).values;
const GATEWAY_PORT = Number(askedPort ?? process.env.GATEWAY_PORT ?? 8787);
const EMULATOR_PORT = Number(process.env.EMULATOR_PORT ?? GATEWAY_PORT + 1);
/** wrangler dev's inspector for each Worker listens this far above its port. */
const INSPECTOR_OFFSET = 1000;
for (const port of [GATEWAY_PORT, EMULATOR_PORT]) {
  if (!Number.isInteger(port) || port < 1024 || port + INSPECTOR_OFFSET > 65535) {
    console.error(
      `A port must be a whole number from 1024 to ${65535 - INSPECTOR_OFFSET} (its inspector listens ${INSPECTOR_OFFSET} above it): not ${port}.`,
    );
    process.exit(1);
  }
}
const EMULATOR_LATENCY_MS = process.env.EMULATOR_LATENCY_MS ?? "300";
const READY_TIMEOUT_MS = 90_000;
/** Settings a local run takes from the environment: all but the secrets (stand-ins below) and the emulator's address. */
const PASSED_THROUGH = (name: string) =>
  ![
    "JUSTONEAPI_TOKEN",
    "WEBHOOK_SIGNING_SECRET",
    "UPSTREAM_BASE_URL",
    "ALLOW_INSECURE_UPSTREAM",
    "ALLOW_LOCAL_CALLBACKS",
    "CALLBACK_PORTS",
  ].includes(name);
// Offline, wrangler cannot fetch the `Request.cf` placeholder and prints a stack for it: harmless.
const OFFLINE_NOISE = /Request\.cf|getaddrinfo ENOTFOUND|GetAddrInfoReqWrap|callbackTrampoline/;

/**
 * Running two configurations, wrangler prefixes a Worker's console lines with its name, but for a
 * Worker with a custom `[build]` (the gateway's) it has none and prints `[undefined]`: the line
 * already carries our own `[gateway]`, so that prefix goes.
 */
function withoutUnnamedPrefix(line: string): string {
  // eslint-disable-next-line no-control-regex -- wrangler may colour the prefix
  return line.replace(/^(\x1b\[[0-9;]*m)?\[undefined\](\x1b\[[0-9;]*m)? /, "");
}

function run(name: string, port: number, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      WRANGLER_BIN,
      "dev",
      "--ip",
      HOST,
      "--port",
      String(port),
      "--inspector-port",
      String(port + INSPECTOR_OFFSET),
      "--show-interactive-dev-session=false",
      "--log-level",
      "log",
      ...args,
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, WRANGLER_SEND_METRICS: "false", ...env } },
  );
  // Whole lines only: a chunk may end mid-line, and each line gets this Worker's own prefix.
  const relay = (from: NodeJS.ReadableStream | null, to: NodeJS.WritableStream) => {
    if (!from) return;
    createInterface({ input: from, crlfDelay: Infinity }).on("line", (line) => {
      if (line.trim() && !OFFLINE_NOISE.test(line)) to.write(`[${name}] ${maskCredentials(withoutUnnamedPrefix(line))}\n`);
    });
  };
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  return child;
}

/** Whether nothing listens on `port` (another run's gateway would answer this one's readiness check). */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
      .once("error", () => resolve(false))
      .once("listening", () => probe.close(() => resolve(true)));
    probe.listen(port, HOST);
  });
}

async function waitUntilUp(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  throw new Error(`${url} did not come up within ${READY_TIMEOUT_MS / 1000} s`);
}

/**
 * The local run's WATCH_HOUR: `now` is the Shanghai hour this run starts in, so the watches run on
 * request (`curl http://127.0.0.1:8787/cdn-cgi/local/scheduled`: wrangler dev triggers no Cron by
 * itself) for the three hours a deployment would run them after WATCH_HOUR. A local word only:
 * the gateway gets an hour, validated as deployed, and a deployment never sees `now`.
 */
function localWatchHour(asked: string | undefined): string | undefined {
  return asked === "now" ? String(new Date(Date.now() + 8 * 3600_000).getUTCHours()) : asked;
}

function shanghaiDate(offsetDays: number): string {
  return new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

const ports = [GATEWAY_PORT, EMULATOR_PORT].flatMap((port) => [port, port + INSPECTOR_OFFSET]);
const taken = (await Promise.all(ports.map(async (port) => ((await isFree(port)) ? [] : [port])))).flat();
if (taken.length > 0) {
  console.error(
    `In use on ${HOST}: port ${taken.join(", ")} (another \`npm start\`? Ctrl+C stops it). ` +
      `Or start on other ports: npm start -- --port ${GATEWAY_PORT + 100} (the emulator takes the port after it).`,
  );
  process.exit(1);
}

const migrated = await migrateLocalKv(new URL("../../.wrangler/state", import.meta.url).pathname);
if (migrated > 0) console.log(`Moved ${migrated} local KV entries from the old namespace ids to the id-less bindings.`);

// The local key exists only in local storage (the one `wrangler dev` serves from), never remotely.
// Bulk tier: the console asks several routes a view, and trying things should never meet a 429.
await writeRecord({ remote: false }, LOCAL_KEY, { name: "local-dev", tier: "bulk", permissions: ["refresh", "operate"] });

const settings: Record<string, string | undefined> = { ...process.env, WATCH_HOUR: localWatchHour(process.env.WATCH_HOUR) };

const emulator = run("emulator", EMULATOR_PORT, [
  "--config",
  "tools/emulator/wrangler.toml",
  "--var",
  `EMULATOR_LATENCY_MS:${EMULATOR_LATENCY_MS}`,
]);
const gateway = run(
  "gateway",
  GATEWAY_PORT,
  [
    "--config",
    "wrangler.toml",
    // The MCP Worker runs beside the gateway in the same session, bound to it both ways (/mcp).
    "--config",
    "src/mcp/wrangler.toml",
    "--var",
    `UPSTREAM_BASE_URL:http://${HOST}:${EMULATOR_PORT}`,
    "--var",
    "ALLOW_INSECURE_UPSTREAM:true",
    "--var",
    "ALLOW_LOCAL_CALLBACKS:true",
    "--var",
    `CALLBACK_PORTS:${process.env.CALLBACK_PORTS ?? "9090"}`,
    // Any other setting from the environment (`UPSTREAM_PRICE_PER_CALL=0.05 npm start`,
    // `UPSTREAM_ENDPOINT=kol-daily-fans`, `WATCH_HOUR=15`, or `WATCH_HOUR=now`: the hour it starts
    // in): the gateway validates them as deployed.
    ...Object.keys(configSchema.shape).flatMap((name) =>
      PASSED_THROUGH(name) && settings[name] !== undefined ? ["--var", `${name}:${settings[name]}`] : [],
    ),
  ],
  {
    // wrangler.toml's required secrets, read by wrangler dev from the environment: local stand-ins,
    // whatever the shell holds (a real token never reaches the local run).
    JUSTONEAPI_TOKEN: "local-emulator-token",
    WEBHOOK_SIGNING_SECRET: LOCAL_SIGNING_SECRET,
  },
);
const children = [emulator, gateway];

let stopping = false;
function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 2_000).unref();
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
for (const child of children) child.on("exit", (code) => stop(code ?? 1));

const deadline = Date.now() + READY_TIMEOUT_MS;
try {
  await Promise.all([
    waitUntilUp(`http://${HOST}:${EMULATOR_PORT}/__emulator/requests`, deadline),
    waitUntilUp(`http://${HOST}:${GATEWAY_PORT}/healthz`, deadline),
  ]);
  const example = `http://${HOST}:${GATEWAY_PORT}/v1/kols/6838432048/daily-fans?startDate=${shanghaiDate(-30)}&endDate=${shanghaiDate(-1)}`;
  console.log(
    `\nXingtu Edge ready on http://${HOST}:${GATEWAY_PORT} (emulated upstream on http://${HOST}:${EMULATOR_PORT}), local client key: ${LOCAL_KEY}.\n` +
      `The console (sign in with that key): http://${HOST}:${GATEWAY_PORT}/\nOr try:\n` +
      `  curl -H 'Authorization: Bearer ${LOCAL_KEY}' '${example}'\n` +
      (process.env.WATCH_HOUR === "now"
        ? `The watches run when asked, until ${(Number(settings.WATCH_HOUR) + 3) % 24}:00 Shanghai time:\n  curl http://${HOST}:${GATEWAY_PORT}/cdn-cgi/local/scheduled\n`
        : ""),
  );
} catch (error) {
  console.error(String(error));
  stop(1);
}
