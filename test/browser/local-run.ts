/**
 * @module The README's local run (`npm start`) as a fixture: started on spare ports, ready when it
 * prints its ready line, stopped afterwards. Browser tests drive it with Debian's Chromium.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chromium, type Browser } from "playwright-core";

export const GATEWAY_PORT = 8797;
export const EMULATOR_PORT = 8798;
/** Where the tests' own webhook receiver listens (the local run allows callbacks to it). */
export const RECEIVER_PORT = 8799;
export const ORIGIN = `http://127.0.0.1:${GATEWAY_PORT}`;
export const LOCAL_KEY = "local-dev-key";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface LocalRun {
  child: ChildProcess;
  /** Everything the local run has printed so far. */
  output: () => string;
}

export async function startLocalRun(): Promise<LocalRun> {
  const child = spawn(process.execPath, ["tools/local/start.ts"], {
    env: {
      ...process.env,
      GATEWAY_PORT: String(GATEWAY_PORT),
      EMULATOR_PORT: String(EMULATOR_PORT),
      EMULATOR_LATENCY_MS: "0",
      CALLBACK_PORTS: String(RECEIVER_PORT),
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not get ready:\n${output}`)), 90_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Xingtu Edge ready")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.on("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  return { child, output: () => output };
}

export function stopLocalRun(run: LocalRun | undefined): void {
  if (run?.child.pid) process.kill(-run.child.pid, "SIGTERM");
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // As root in a sandboxed machine with no network beyond loopback.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
