/**
 * @module The bench under the production latency model (model/latency.ts): the gateway and the
 * toys built with the model's bindings, the emulator answering in the model's upstream time, and
 * three questions asked as a deployment would meet them:
 * - a lone miss: its time over the toy proxy's (what the gateway's hops and work add to a miss),
 *   over the toy caching proxy's (the same proxy with a cache read in front, as any cache has), and
 *   over the toy coordinated proxy's (the floor: that cache read, then an object per creator that
 *   writes its call down before making it and keeps the answer before answering);
 * - a burst: 20 different overlapping ranges of one KOL within 50 ms: how many upstream calls, and
 *   how long the slowest waited;
 * - hits: throughput against the toy hit's, when a KV read costs what it costs on the platform.
 */
import { addDays } from "../../src/calendar.ts";
import { drive, median, type Sample } from "./measure.ts";
import { modelOf, type LatencyModel } from "./model/latency.ts";
import { buildBundle, EMULATOR_ORIGIN, GATEWAY_ORIGIN, seedClientKey, startRuntime, type Bundle } from "./runtime.ts";
import { buildToy, toyOrigin } from "./toys.ts";
import { TOY_HIT_KEY } from "./toys/keys.ts";
import { keepingTimings, walkOf, type MissWalk } from "./walk.ts";

export interface ProductionFigures {
  model: LatencyModel;
  loneMiss: {
    requests: number;
    p50Ms: number;
    toyProxyP50Ms: number;
    overheadP50MsOverToyProxy: number;
    toyCachingProxyP50Ms: number;
    overheadP50MsOverToyCachingProxy: number;
    /** The floor (toys/coordinated-proxy.ts): the least a miss that reads its cache first and never forgets a call costs. */
    toyCoordinatedProxyP50Ms: number;
    overheadP50MsOverToyCoordinatedProxy: number;
    /** Where a lone miss's time goes, by the gateway's Server-Timing. */
    walk: MissWalk;
    /** The same for creators seen before (their coordinators exist, as for a creator a team follows
     * day after day): a creator's first miss also creates its coordinator and its storage. */
    seenBefore: { p50Ms: number; overheadP50MsOverToyCachingProxy: number; walk: MissWalk };
  };
  burst: { requests: number; withinMs: number; upstreamCalls: number; p50Ms: number; slowestMs: number };
  hit: { rps: number; toyHitRps: number; rpsRatioToToy: number; p50Ms: number; toyHitP50Ms: number };
}

const LONE_MISSES = Number(process.env.BENCH_MODEL_MISSES ?? 10);
const BURST = 20;
const BURST_WITHIN_MS = 50;
const HIT_REQUESTS = Number(process.env.BENCH_MODEL_HITS ?? 2000);
const HIT_CONCURRENCY = 16;
const RANGE = "startDate=2026-01-01&endDate=2026-03-31";
const TOY_PROXY_PATH = "/api/douyin-xingtu/gw/api/data_sp/get_author_daily_fans/v1?token=t";

const rounded = (value: number) => Math.round(value * 10) / 10;

export async function productionFigures(emulator: Bundle): Promise<ProductionFigures> {
  const model = modelOf(process.env.LATENCY_MODEL);
  const gateway = buildBundle("gateway-modelled", "wrangler.toml", "test/bench/model/gateway.ts");
  const toys = await Promise.all(
    (["hit", "proxy", "caching-proxy", "coordinated-proxy"] as const).map((name) => buildToy(name, `test/bench/model/toy-${name}.ts`)),
  );
  const mf = await startRuntime({
    gateway,
    emulator,
    emulatorLatencyMs: model.upstreamMs,
    toys,
    vars: { LATENCY_MODEL: JSON.stringify(model) },
  });
  try {
    const key = await seedClientKey(mf, "model");
    const send = (path: string) => mf.dispatchFetch(`${GATEWAY_ORIGIN}${path}`, { headers: { Authorization: `Bearer ${key}` } });
    const toy = (name: "hit" | "proxy" | "caching-proxy" | "coordinated-proxy", path: string) =>
      mf.dispatchFetch(`${toyOrigin(name)}${path}`);
    const check = (sample: Sample, what: string) => {
      if (sample.statuses[200] !== sample.requests) throw new Error(`${what} answered ${JSON.stringify(sample.statuses)}`);
      return sample;
    };

    // Lone misses, one at a time (each a KOL of its own), against the toy proxy's, after a warm-up of each.
    await drive((i) => send(`/v1/kols/${860_000 + i}/daily-fans?${RANGE}`), 2, 1);
    await drive((i) => toy("proxy", `${TOY_PROXY_PATH}&oAuthorId=${660_000 + i}&${RANGE}`), 2, 1);
    await drive((i) => toy("caching-proxy", `${TOY_PROXY_PATH}&oAuthorId=${680_000 + i}&${RANGE}`), 2, 1);
    await drive((i) => toy("coordinated-proxy", `${TOY_PROXY_PATH}&oAuthorId=${610_000 + i}&${RANGE}`), 2, 1);
    const timings: (string | null)[] = [];
    const timed = keepingTimings(send, timings);
    const miss = check(await drive((i) => timed(`/v1/kols/${870_000 + i}/daily-fans?${RANGE}`), LONE_MISSES, 1), "lone misses");
    // Creators seen before: each one's coordinator made by a quote first (which spends nothing).
    for (let i = 0; i < LONE_MISSES; i++) await (await send(`/v1/kols/${875_000 + i}/daily-fans/quote?${RANGE}`)).arrayBuffer();
    const seenTimings: (string | null)[] = [];
    const timedSeen = keepingTimings(send, seenTimings);
    const seen = check(
      await drive((i) => timedSeen(`/v1/kols/${875_000 + i}/daily-fans?${RANGE}`), LONE_MISSES, 1),
      "lone misses seen before",
    );
    const toyProxy = check(
      await drive((i) => toy("proxy", `${TOY_PROXY_PATH}&oAuthorId=${670_000 + i}&${RANGE}`), LONE_MISSES, 1),
      "toy proxy",
    );
    const toyCachingProxy = check(
      await drive((i) => toy("caching-proxy", `${TOY_PROXY_PATH}&oAuthorId=${690_000 + i}&${RANGE}`), LONE_MISSES, 1),
      "toy caching proxy",
    );
    const toyCoordinatedProxy = check(
      await drive((i) => toy("coordinated-proxy", `${TOY_PROXY_PATH}&oAuthorId=${620_000 + i}&${RANGE}`), LONE_MISSES, 1),
      "toy coordinated proxy",
    );

    // A burst on one KOL: 20 ranges, each a day later than the one before, all sent within 50 ms.
    await (await mf.dispatchFetch(`${EMULATOR_ORIGIN}/__emulator/reset`, { method: "POST" })).arrayBuffer();
    const burstMs = await Promise.all(
      Array.from({ length: BURST }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, (i * BURST_WITHIN_MS) / BURST));
        const started = performance.now();
        const answer = await send(`/v1/kols/880001/daily-fans?startDate=${addDays("2026-01-01", i)}&endDate=${addDays("2026-02-15", i)}`);
        await answer.arrayBuffer();
        if (answer.status !== 200) throw new Error(`a burst request answered ${answer.status}`);
        return performance.now() - started;
      }),
    );
    const burstCalls = ((await (await mf.dispatchFetch(`${EMULATOR_ORIGIN}/__emulator/requests`)).json()) as unknown[]).length;

    // Hits of one cached trend against the toy hit serving the same body from one KV read.
    const hitPath = `/v1/kols/870000/daily-fans?${RANGE}`;
    const cache = (await mf.getKVNamespace("CACHE", "gateway")) as unknown as { put(key: string, value: string): Promise<void> };
    await cache.put(TOY_HIT_KEY, await (await send(hitPath)).text());
    await drive(() => send(hitPath), 200, HIT_CONCURRENCY);
    await drive(() => toy("hit", "/"), 200, HIT_CONCURRENCY);
    const hit = check(await drive(() => send(hitPath), HIT_REQUESTS, HIT_CONCURRENCY), "hits");
    const toyHit = check(await drive(() => toy("hit", "/"), HIT_REQUESTS, HIT_CONCURRENCY), "toy hits");

    return {
      model,
      loneMiss: {
        requests: LONE_MISSES,
        p50Ms: rounded(miss.p50),
        toyProxyP50Ms: rounded(toyProxy.p50),
        overheadP50MsOverToyProxy: rounded(miss.p50 - toyProxy.p50),
        toyCachingProxyP50Ms: rounded(toyCachingProxy.p50),
        overheadP50MsOverToyCachingProxy: rounded(miss.p50 - toyCachingProxy.p50),
        toyCoordinatedProxyP50Ms: rounded(toyCoordinatedProxy.p50),
        overheadP50MsOverToyCoordinatedProxy: rounded(miss.p50 - toyCoordinatedProxy.p50),
        walk: walkOf(timings),
        seenBefore: {
          p50Ms: rounded(seen.p50),
          overheadP50MsOverToyCachingProxy: rounded(seen.p50 - toyCachingProxy.p50),
          walk: walkOf(seenTimings),
        },
      },
      burst: {
        requests: BURST,
        withinMs: BURST_WITHIN_MS,
        upstreamCalls: burstCalls,
        p50Ms: rounded(median(burstMs)),
        slowestMs: rounded(Math.max(...burstMs)),
      },
      hit: {
        rps: Math.round(hit.rps),
        toyHitRps: Math.round(toyHit.rps),
        rpsRatioToToy: Math.round((hit.rps / toyHit.rps) * 100) / 100,
        p50Ms: rounded(hit.p50),
        toyHitP50Ms: rounded(toyHit.p50),
      },
    };
  } finally {
    await mf.dispose();
  }
}
