/**
 * @module `npm run profile`: where a miss's CPU goes. The gateway (built unminified, so functions
 * keep their names) and the emulator in local workerd with its inspector; after a warm-up, V8's
 * sampling profiler runs in the gateway isolate and in the isolate of its Durable Objects while
 * PROFILE_MISSES lone misses are made one at a time (each a new KOL, so each one upstream call).
 * Prints the CPU per miss of each isolate and the functions that spend it (self time, by samples).
 *
 * It answers what the bench's overhead figures cannot: how much of a miss's time over the toy
 * proxy is the gateway's own computing, and how much its waits (each hop between Workers in local
 * workerd, and each storage commit, cost time that no profile shows as CPU).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundle, GATEWAY_ORIGIN, seedClientKey, startRuntime } from "./runtime.ts";
import { inspectedWorkerd, IsolateInspector } from "../load/inspector.ts";

const MISSES = Number(process.env.PROFILE_MISSES ?? 200);
const SAMPLE_US = 100;
const TOP = 15;
const RANGE = "startDate=2026-01-01&endDate=2026-03-31";

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
}

/** Milliseconds of CPU per miss by function (self time: samples where the function itself ran). */
function selfTimes(profile: Profile): Map<string, number> {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const times = new Map<string, number>();
  for (const sample of profile.samples) {
    const frame = nodes.get(sample)!;
    if (frame.functionName === "(idle)" || frame.functionName === "(program)") continue;
    const name = `${frame.functionName || "(anonymous)"}${frame.url ? ` ${frame.url.split("/").pop()}:${frame.lineNumber + 1}` : ""}`;
    times.set(name, (times.get(name) ?? 0) + SAMPLE_US / 1000 / MISSES);
  }
  return times;
}

const dir = mkdtempSync(join(tmpdir(), "xingtu-profile-"));
const gateway = buildBundle("gateway-unminified", "wrangler.toml", undefined, { minify: false });
const emulator = buildBundle("emulator", "tools/emulator/wrangler.toml");
const inspector = await inspectedWorkerd(dir);
const mf = await startRuntime({ gateway, emulator, emulatorLatencyMs: 20 });
inspector.restoreEnv();
try {
  const key = await seedClientKey(mf, "profile");
  const miss = async (kol: number) => {
    const answer = await mf.dispatchFetch(`${GATEWAY_ORIGIN}/v1/kols/${kol}/daily-fans?${RANGE}`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    await answer.arrayBuffer();
    if (answer.status !== 200) throw new Error(`a miss answered ${answer.status}`);
  };
  for (let i = 0; i < 20; i++) await miss(910_000 + i);
  const sessions = await Promise.all(["gateway", "objects"].map((worker) => IsolateInspector.connect(inspector.port, worker)));
  for (const session of sessions) {
    await session.call("Profiler.enable");
    await session.call("Profiler.setSamplingInterval", { interval: SAMPLE_US });
    await session.call("Profiler.start");
  }
  for (let i = 0; i < MISSES; i++) await miss(920_000 + i);
  for (const session of sessions) {
    const times = selfTimes((await session.call("Profiler.stop")).profile as Profile);
    const total = [...times.values()].reduce((sum, ms) => sum + ms, 0);
    console.log(`${session.worker === "gateway" ? "gateway isolate" : "Durable Objects' isolate"}: ${total.toFixed(2)} ms of CPU per miss`);
    for (const [name, ms] of [...times].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${ms.toFixed(3)} ms  ${name}`);
    session.close();
  }
} finally {
  await mf.dispose();
  rmSync(dir, { recursive: true, force: true });
}
