/**
 * @module The load driver: a separate process that sends a mixed workload to the gateway over
 * loopback for a bounded time, then prints its measurements as one JSON line.
 *
 * It refuses any target that is not a loopback address, and stops by itself.
 */
import { performance } from "node:perf_hooks";
import { percentile } from "../bench/measure.ts";

const [target = "", secondsArg = "20", concurrencyArg = "32"] = process.argv.slice(2);
const url = new URL(target);
if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
  console.error(`refusing to load ${url.hostname}: loopback only`);
  process.exit(2);
}
const seconds = Number(secondsArg);
const concurrency = Number(concurrencyArg);
const MAX_REQUESTS = 1_000_000;
const KEY = process.env.LOAD_CLIENT_KEY ?? "";

const RANGE = "startDate=2026-01-01&endDate=2026-03-31";
const HOT_KOLS = Array.from({ length: 20 }, (_, i) => String(100_000 + i));
let missCounter = 0;

type Kind = "hit" | "miss" | "drop-in" | "webhook" | "bad-request";

function pick(): { kind: Kind; path: string; body?: string } {
  const roll = Math.random();
  const hot = HOT_KOLS[Math.floor(Math.random() * HOT_KOLS.length)]!;
  if (roll < 0.55) return { kind: "hit", path: `/v1/kols/${hot}/daily-fans?${RANGE}` };
  if (roll < 0.6)
    return {
      kind: "webhook",
      path: "/v1/webhooks/daily-fans",
      body: JSON.stringify({ kolId: hot, startDate: "2026-01-01", endDate: "2026-03-31" }),
    };
  if (roll < 0.7) return { kind: "drop-in", path: `/api/douyin-xingtu/get-kol-daily-fans/v1?kolId=${hot}&${RANGE}` };
  if (roll < 0.85) return { kind: "miss", path: `/v1/kols/${process.pid}${++missCounter}/daily-fans?${RANGE}` };
  const bad = [
    `/v1/kols/abc/daily-fans?${RANGE}`,
    `/v1/kols/1/daily-fans?startDate=2026-02-30&endDate=2026-03-01`,
    `/v1/kols/1/daily-fans?startDate=2026-03-01`,
    "/nope",
  ];
  return { kind: "bad-request", path: bad[Math.floor(Math.random() * bad.length)]! };
}

const latencies: Record<Kind, number[]> = { hit: [], miss: [], "drop-in": [], webhook: [], "bad-request": [] };
const byStatus: Record<string, number> = {};
const byProblemType: Record<string, number> = {};
let networkErrors = 0;
let sent = 0;
const deadline = performance.now() + seconds * 1000;
const started = performance.now();

await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline && sent < MAX_REQUESTS) {
      sent++;
      const { kind, path, body } = pick();
      const t0 = performance.now();
      try {
        const headers: Record<string, string> = { Authorization: `Bearer ${KEY}`, ...(body ? { "Content-Type": "application/json" } : {}) };
        const response = await fetch(new URL(path, url), { method: body ? "POST" : "GET", headers, body });
        const text = await response.text();
        latencies[kind].push(performance.now() - t0);
        byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
        if (response.headers.get("Content-Type") === "application/problem+json") {
          const type = (JSON.parse(text) as { type: string }).type;
          byProblemType[type] = (byProblemType[type] ?? 0) + 1;
        }
      } catch {
        networkErrors++;
      }
    }
  }),
);

const elapsed = (performance.now() - started) / 1000;
const all = Object.values(latencies)
  .flat()
  .sort((a, b) => a - b);
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
};
console.log(
  JSON.stringify({
    seconds: elapsed,
    concurrency,
    requests: all.length,
    throughput: all.length / elapsed,
    latencyMs: summary(all),
    latencyMsByKind: Object.fromEntries(Object.entries(latencies).map(([kind, values]) => [kind, summary(values)])),
    byStatus,
    byProblemType,
    networkErrors,
  }),
);
