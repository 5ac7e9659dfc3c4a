/**
 * @module `npm run bench`: how fast the gateway answers, as ratios against baselines measured in
 * the same run on the same runtime, so the numbers mean the same on any machine.
 *
 * - hit: a cached trend vs `/healthz` (the cheapest route: routing, middleware, JSON) and the toy
 *   hit, in alternating rounds;
 * - miss: a cold trend vs calling the emulator directly at the same fixed latency, so the
 *   difference is the gateway's own overhead (validation, upstream client, normalise, KV write);
 * - coalescing: upstream calls made for 100 concurrent identical cold requests;
 * - coordination: the same and more with two gateway isolates sharing the Durable Objects
 *   (coordination.ts): cold identical requests, overlapping ranges, the budget, idempotency;
 * - CPU per request for a 365-day range (validate, normalise, serialise) vs a pass-through, and of
 *   a cache hit and `/healthz` through the whole app in-process (cpu.ts, hit-subject.ts);
 * - the deployable bundle's size, raw and gzip;
 * - a replayed realistic workload: upstream calls and days fetched with day-level reuse, against
 *   a plain exact-range TTL cache on the same workload, and both against the floor any cache could
 *   reach knowing the workload in advance (oracle.ts); and two more replays against their floors,
 *   one at one moment and one over a week of time passing (test/integration/spend-floor.test.ts);
 * - `goals`: the performance issue's goals judged on this run's figures (goals.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { buildBundle, EMULATOR_ORIGIN, GATEWAY_ORIGIN, seedClientKey, startRuntime } from "./runtime.ts";
import { drive, median, type Sample } from "./measure.ts";
import { measureCpu, measureRequestCpu } from "./cpu.ts";
import { execFileSync } from "node:child_process";
import { replay } from "./replay.ts";
import { oracleCalls } from "./oracle.ts";
import { generateWorkload } from "./workloads.ts";
import { measureCoordination } from "./coordination.ts";
import { buildToys, toyOrigin, type ToyName } from "./toys.ts";
import { TOY_HIT_KEY } from "./toys/keys.ts";
import { startupCpuMs, startupOverMs } from "./startup.ts";
import { judgeGoals } from "./goals.ts";
import { productionFigures } from "./production.ts";
import { keepingTimings, walkLine, walkOf } from "./walk.ts";
import { performance } from "node:perf_hooks";

const EMULATOR_LATENCY_MS = 50;
const HIT_REQUESTS = Number(process.env.BENCH_HIT_REQUESTS ?? 5000);
// Hits, /healthz and the toy hits take turns, in rounds of a fifth of the requests each: a machine's
// slow patch then touches all of them, and the ratios are the median of the rounds' own.
const HIT_ROUNDS = 5;
const MISS_REQUESTS = Number(process.env.BENCH_MISS_REQUESTS ?? 100);
const CONCURRENCY = 16;
// Misses are timed one at a time: the question is the gateway's added latency, not how the one
// workerd thread shares itself between gateway, emulator and KV under load.
const MISS_CONCURRENCY = 1;
const RANGE = "startDate=2026-01-01&endDate=2026-03-31";
const COALESCING_REQUESTS = 100;
const CPU_ITERATIONS = Number(process.env.BENCH_CPU_ITERATIONS ?? 2000);
const WORKERS_CPU_ITERATIONS = 200;
const REQUEST_CPU_ITERATIONS = Number(process.env.BENCH_REQUEST_CPU_ITERATIONS ?? 10_000);
const REPLAY_REQUESTS = Number(process.env.BENCH_REPLAY_REQUESTS ?? 10_000);
const REPLAY_KOLS = 500;
const ROSTER_SIZE = 200;
const ROSTER_ROUNDS = 7;
const REPLAY_CONCURRENCY = 48;
/** Requests in each of the spend-floor replays (test/integration/spend-floor.test.ts, one request at a time). */
const SPEND_FLOOR_REQUESTS = Number(process.env.BENCH_SPEND_FLOOR_REQUESTS ?? 3000);
const LIVE_TTL_MS = 3600 * 1000;

interface FloorFigures {
  requests: number;
  kols: number;
  calls: number;
  floor: number;
  ratio: number;
  settledDaysBoughtTwice: number;
}

/**
 * The spend-floor replays need a clock that moves (days roll over, live days expire), which
 * workerd's own cannot: they run as the suite's test gateways do, in workerd with the test's clock,
 * through vitest, and print their figures on a `SPEND_FLOOR {...}` line each.
 */
function spendFloors(requests: number): { oneMoment: FloorFigures; rolling: FloorFigures & { days: number } } {
  const output = execFileSync(
    process.execPath,
    ["node_modules/vitest/vitest.mjs", "run", "--project", "workers", "test/integration/spend-floor.test.ts"],
    { env: { ...process.env, SPEND_FLOOR_REQUESTS: String(requests), CI: "" }, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = output.split("\n").flatMap((line) => {
    const at = line.indexOf("SPEND_FLOOR ");
    return at === -1 ? [] : [JSON.parse(line.slice(at + "SPEND_FLOOR ".length)) as FloorFigures & { replay: string; days: number }];
  });
  const oneMoment = lines.find((line) => line.replay === "one-moment");
  const rolling = lines.find((line) => line.replay === "rolling");
  if (!oneMoment || !rolling) throw new Error(`the spend-floor replays printed no figures:\n${output.slice(-2000)}`);
  return { oneMoment, rolling };
}

const gatewayBundle = buildBundle("gateway", "wrangler.toml");
const emulatorBundle = buildBundle("emulator", "tools/emulator/wrangler.toml");
const mcpBundle = buildBundle("mcp", "src/mcp/wrangler.toml");
const toys = await buildToys();
const mf = await startRuntime({ gateway: gatewayBundle, emulator: emulatorBundle, emulatorLatencyMs: EMULATOR_LATENCY_MS, toys });

try {
  const key = await seedClientKey(mf, "bench");
  const fetchGateway = (path: string) => mf.dispatchFetch(`${GATEWAY_ORIGIN}${path}`, { headers: { Authorization: `Bearer ${key}` } });
  const hitPath = `/v1/kols/1001/daily-fans?${RANGE}`;
  const warm = await fetchGateway(hitPath);
  if (warm.status !== 200) throw new Error(`warm-up answered ${warm.status}: ${await warm.text()}`);
  await warm.arrayBuffer();
  // Warm both paths so JIT and isolate start-up are not measured.
  await drive(() => fetchGateway("/healthz"), 300, CONCURRENCY);
  await drive(() => fetchGateway(hitPath), 300, CONCURRENCY);

  // The toy hit serves the very body the gateway's hit does, from one KV read.
  const cache = (await mf.getKVNamespace("CACHE", "gateway")) as unknown as { put(key: string, value: string): Promise<void> };
  await cache.put(TOY_HIT_KEY, await (await fetchGateway(hitPath)).text());
  const fetchToy = (name: ToyName, path: string) => mf.dispatchFetch(`${toyOrigin(name)}${path}`);
  await drive(() => fetchToy("hit", "/"), 300, CONCURRENCY);
  await drive(() => fetchToy("hit-logged", "/"), 300, CONCURRENCY);

  const hitRounds: { healthz: Sample; hit: Sample; toyHit: Sample; toyHitLogged: Sample }[] = [];
  for (let round = 0; round < HIT_ROUNDS; round++) {
    const requests = Math.ceil(HIT_REQUESTS / HIT_ROUNDS);
    const healthz = await drive(() => fetchGateway("/healthz"), requests, CONCURRENCY);
    const hit = await drive(() => fetchGateway(hitPath), requests, CONCURRENCY);
    const toyHit = await drive(() => fetchToy("hit", "/"), requests, CONCURRENCY);
    const toyHitLogged = await drive(() => fetchToy("hit-logged", "/"), requests, CONCURRENCY);
    hitRounds.push({ healthz, hit, toyHit, toyHitLogged });
  }
  const direct = await drive(
    (i) => mf.dispatchFetch(`${EMULATOR_ORIGIN}/api/douyin-xingtu/get-kol-daily-fans/v1?token=t&kolId=${500_000 + i}&${RANGE}`),
    MISS_REQUESTS,
    MISS_CONCURRENCY,
  );
  const missTimings: (string | null)[] = [];
  const timedMiss = keepingTimings(fetchGateway, missTimings);
  const miss = await drive((i) => timedMiss(`/v1/kols/${900_000 + i}/daily-fans?${RANGE}`), MISS_REQUESTS, MISS_CONCURRENCY);
  const toyProxy = await drive(
    (i) => fetchToy("proxy", `/api/douyin-xingtu/gw/api/data_sp/get_author_daily_fans/v1?token=t&oAuthorId=${700_000 + i}&${RANGE}`),
    MISS_REQUESTS,
    MISS_CONCURRENCY,
  );
  // The floor under a miss that reads its cache first and never forgets a call (toys/coordinated-proxy.ts), warmed first:
  // its objects were not used before.
  const toyCoordinated = (i: number) =>
    fetchToy("coordinated-proxy", `/api/douyin-xingtu/gw/api/data_sp/get_author_daily_fans/v1?token=t&oAuthorId=${i}&${RANGE}`);
  await drive((i) => toyCoordinated(710_000 + i), 10, MISS_CONCURRENCY);
  const toyCoordinatedProxy = await drive((i) => toyCoordinated(720_000 + i), MISS_REQUESTS, MISS_CONCURRENCY);

  // The CPU subject inside workerd: the wall time of N iterations over none, per iteration.
  const cpuWall = async (n: number) => {
    const started = performance.now();
    await (await fetchToy("cpu", `/?n=${n}`)).text();
    return performance.now() - started;
  };
  await cpuWall(50);
  const medianOf = async (n: number) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await cpuWall(n));
    return median(times);
  };
  const workersCpuMicros = ((await medianOf(WORKERS_CPU_ITERATIONS)) - (await medianOf(0))) * (1000 / WORKERS_CPU_ITERATIONS);
  const toyHitPath = toys.find((toy) => toy.name === "toy-hit")!.path;
  const startupMs = await startupOverMs(gatewayBundle.path, toyHitPath);
  const startupCpu = { gateway: startupCpuMs(gatewayBundle.path), toyHit: startupCpuMs(toyHitPath) };

  await mf.dispatchFetch(`${EMULATOR_ORIGIN}/__emulator/reset`, { method: "POST" });
  const coldPath = `/v1/kols/777000/daily-fans?${RANGE}`;
  const coalesced = await Promise.all(
    Array.from({ length: COALESCING_REQUESTS }, () => fetchGateway(coldPath).then((r) => r.arrayBuffer().then(() => r.status))),
  );
  const upstreamLog = (await (await mf.dispatchFetch(`${EMULATOR_ORIGIN}/__emulator/requests`)).json()) as { kolId: string }[];
  const coalescedCalls = upstreamLog.filter((entry) => entry.kolId === "777000").length;
  if (coalesced.some((status) => status !== 200)) throw new Error(`coalescing burst answered ${coalesced.join(",")}`);

  const cpu = await measureCpu(CPU_ITERATIONS);
  const requestCpu = await measureRequestCpu(REQUEST_CPU_ITERATIONS, 3);

  const replayStarted = Date.now();
  const workload = generateWorkload(REPLAY_REQUESTS, REPLAY_KOLS, replayStarted);
  const replayOn = async (dayCache: boolean) => {
    const runtime = await startRuntime({
      gateway: gatewayBundle,
      emulator: emulatorBundle,
      emulatorLatencyMs: 0,
      vars: { DAY_CACHE: String(dayCache) },
    });
    try {
      return await replay(runtime, workload, REPLAY_CONCURRENCY);
    } finally {
      await runtime.dispose();
    }
  };
  // Only counts are compared here, not timings, so the two replays run side by side (one workerd each).
  const [plain, dayAware] = await Promise.all([replayOn(false), replayOn(true)]);
  for (const [name, result] of Object.entries({ plain, dayAware })) {
    if (Object.keys(result.statuses).some((status) => status !== "200"))
      throw new Error(`replay (${name}) answered ${JSON.stringify(result.statuses)}`);
  }

  for (const [name, sample] of [
    ...hitRounds.flatMap((round) => Object.entries(round)),
    ...Object.entries({ direct, miss, toyProxy, toyCoordinatedProxy }),
  ]) {
    const unexpected = Object.keys(sample.statuses).filter((status) => status !== "200");
    if (unexpected.length > 0) throw new Error(`${name} answered ${JSON.stringify(sample.statuses)}`);
  }

  // The floor of the concurrent replay: every request sent within minutes, so live days never expire in it.
  const replayFloor = oracleCalls(
    workload.map((request) => ({ ...request, at: replayStarted })),
    LIVE_TTL_MS,
  );
  const floors = spendFloors(SPEND_FLOOR_REQUESTS);

  const coordination = await measureCoordination(gatewayBundle, emulatorBundle);

  // A warm 200-creator, 30-day roster answered in one request, against the 200 single requests a
  // script would send instead (8 at a time, as the roster looks its creators up), in the same runtime.
  const rosterKols = Array.from({ length: ROSTER_SIZE }, (_, i) => String(600_000 + i));
  const rosterRange = "startDate=2026-03-01&endDate=2026-03-30";
  const put = await mf.dispatchFetch(`${GATEWAY_ORIGIN}/v1/rosters/bench`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify({ kolIds: rosterKols }),
  });
  if (put.status !== 201) throw new Error(`roster PUT answered ${put.status}: ${await put.text()}`);
  const rosterOnce = async () => {
    const response = await fetchGateway(`/v1/rosters/bench/daily-fans?${rosterRange}`);
    const body = (await response.json()) as { complete: boolean };
    if (response.status !== 200 || !body.complete) throw new Error(`roster answered ${response.status}`);
  };
  await rosterOnce();
  const timed = async (work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };
  const singles = () =>
    drive((i) => fetchGateway(`/v1/kols/${rosterKols[i]}/daily-fans?${rosterRange}`), ROSTER_SIZE, 8).then((sample) => {
      if (Object.keys(sample.statuses).some((status) => status !== "200"))
        throw new Error(`singles answered ${JSON.stringify(sample.statuses)}`);
    });
  await singles();
  const rosterMs: number[] = [];
  const singlesMs: number[] = [];
  for (let i = 0; i < ROSTER_ROUNDS; i++) {
    rosterMs.push(await timed(rosterOnce));
    singlesMs.push(await timed(singles));
  }

  // The same questions under the production latency model (model/latency.ts), in a runtime of its own.
  const production = await productionFigures(emulatorBundle);

  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const ms = (value: number) => Math.round(value * 100) / 100;
  const ofRounds = (figure: (round: (typeof hitRounds)[number]) => number) => median(hitRounds.map(figure));
  const figures = {
    runtime: "workerd via Miniflare, deployable bundles",
    concurrency: { hit: CONCURRENCY, miss: MISS_CONCURRENCY },
    emulatorLatencyMs: EMULATOR_LATENCY_MS,
    hit: {
      rounds: HIT_ROUNDS,
      rpsRatioToHealthz: ofRounds((round) => ratio(round.hit.rps, round.healthz.rps)),
      rpsRatioToToy: ofRounds((round) => ratio(round.hit.rps, round.toyHit.rps)),
      p50RatioToHealthz: ofRounds((round) => ratio(round.hit.p50, round.healthz.p50)),
      p99RatioToHealthz: ofRounds((round) => ratio(round.hit.p99, round.healthz.p99)),
      rpsRatioToToyByRound: hitRounds.map((round) => ratio(round.hit.rps, round.toyHit.rps)),
      // The toy hit with one log line per request, against the toy hit: what a log line costs here.
      loggedToyRpsRatioToToy: ofRounds((round) => ratio(round.toyHitLogged.rps, round.toyHit.rps)),
      cpuMicros: { hit: Math.round(requestCpu.hitMicros), healthz: Math.round(requestCpu.healthzMicros) },
    },
    miss: {
      overheadP50Ms: ms(miss.p50 - direct.p50),
      overheadMeanMs: ms(miss.mean - direct.mean),
      p50RatioToDirect: ratio(miss.p50, direct.p50),
      overheadP50MsOverToyProxy: ms(miss.p50 - toyProxy.p50),
      toyCoordinatedProxyP50MsOverToyProxy: ms(toyCoordinatedProxy.p50 - toyProxy.p50),
      overheadP50MsOverToyCoordinatedProxy: ms(miss.p50 - toyCoordinatedProxy.p50),
      walk: walkOf(missTimings),
    },
    coalescing: { concurrentIdenticalColdRequests: COALESCING_REQUESTS, upstreamCalls: coalescedCalls },
    coordination,
    roster: {
      creators: ROSTER_SIZE,
      days: 30,
      warmOneRequestP50Ms: ms(median(rosterMs)),
      warmSingleRequestsP50Ms: ms(median(singlesMs)),
      ratio: ratio(median(rosterMs), median(singlesMs)),
    },
    cpu: {
      rangeDays: cpu.days,
      gatewayMicrosPerRequest: Math.round(cpu.gatewayMicros),
      passThroughMicrosPerRequest: Math.round(cpu.passThroughMicros),
      ratioToPassThrough: ratio(cpu.gatewayMicros, cpu.passThroughMicros),
      workersModeMicrosPerRequest: Math.round(workersCpuMicros),
    },
    startup: { cpuMs: ms(startupCpu.gateway), toyHitCpuMs: ms(startupCpu.toyHit), msOverToyHit: ms(startupMs) },
    bundle: {
      bytes: gatewayBundle.bytes,
      gzipBytes: gatewayBundle.gzipBytes,
      mcp: { bytes: mcpBundle.bytes, gzipBytes: mcpBundle.gzipBytes },
    },
    replay: {
      requests: REPLAY_REQUESTS,
      kols: REPLAY_KOLS,
      plainExactRangeCache: plain,
      dayAwareCache: dayAware,
      callsRatio: ratio(dayAware.callsPer1000, plain.callsPer1000),
      upstreamDaysRatio: ratio(dayAware.upstreamDaysPerDayServed, plain.upstreamDaysPerDayServed),
      floorCalls: replayFloor,
      dayAwareToFloor: ratio(dayAware.upstreamCalls, replayFloor),
      plainToFloor: ratio(plain.upstreamCalls, replayFloor),
    },
    spendFloor: floors,
    production,
    spend: {
      concurrentToFloor: ratio(dayAware.upstreamCalls, replayFloor),
      oneMomentToFloor: floors.oneMoment.ratio,
      rollingToFloor: floors.rolling.ratio,
      settledDaysBoughtTwice: floors.oneMoment.settledDaysBoughtTwice + floors.rolling.settledDaysBoughtTwice,
    },
  };
  const results = { ...figures, goals: judgeGoals(figures), raw: { hitRounds, direct, miss, toyProxy, toyCoordinatedProxy } };

  const row = (name: string, s: Sample) => ({
    scenario: name,
    requests: s.requests,
    "req/s": Math.round(s.rps),
    "p50 ms": ms(s.p50),
    "p99 ms": ms(s.p99),
  });
  const { healthz, hit, toyHit, toyHitLogged } = hitRounds[hitRounds.length - 1]!;
  console.table([
    row(`healthz (baseline), round ${HIT_ROUNDS}`, healthz),
    row(`trend, cache hit, round ${HIT_ROUNDS}`, hit),
    row(`toy hit (baseline), round ${HIT_ROUNDS}`, toyHit),
    row(`toy hit with a log line, round ${HIT_ROUNDS}`, toyHitLogged),
    row("emulator direct (baseline)", direct),
    row("trend, cache miss", miss),
    row("toy proxy (baseline)", toyProxy),
    row("toy coordinated proxy (the floor)", toyCoordinatedProxy),
  ]);
  console.log(
    `hit vs /healthz (median of ${HIT_ROUNDS} rounds): throughput x${results.hit.rpsRatioToHealthz}, p50 x${results.hit.p50RatioToHealthz}, p99 x${results.hit.p99RatioToHealthz}; vs the toy hit: throughput x${results.hit.rpsRatioToToy} (the toy with a log line: x${results.hit.loggedToyRpsRatioToToy} of the toy)`,
  );
  console.log(
    `CPU per request in V8 (the app in-process, bindings in memory): cache hit ${results.hit.cpuMicros.hit} us, /healthz ${results.hit.cpuMicros.healthz} us`,
  );
  console.log(`miss p50 over the toy proxy: +${results.miss.overheadP50MsOverToyProxy} ms`);
  console.log(`  its walk (Server-Timing medians): ${walkLine(results.miss.walk)}`);
  console.log(
    `  the toy coordinated proxy (the floor: a cache read, an object per creator, its two durable writes) +${results.miss.toyCoordinatedProxyP50MsOverToyProxy} ms ` +
      `over the toy proxy; the gateway +${results.miss.overheadP50MsOverToyCoordinatedProxy} ms over it`,
  );
  console.log(
    `CPU for a 365-day range inside workerd: ${results.cpu.workersModeMicrosPerRequest} us; start-up over the toy hit: +${results.startup.msOverToyHit} ms wall; ` +
      `start-up CPU (V8 in Node): ${results.startup.cpuMs} ms, the toy hit's ${results.startup.toyHitCpuMs} ms`,
  );
  console.log(
    `miss overhead over the emulator at ${EMULATOR_LATENCY_MS} ms: p50 +${results.miss.overheadP50Ms} ms, mean +${results.miss.overheadMeanMs} ms`,
  );
  console.log(`coalescing: ${COALESCING_REQUESTS} concurrent identical cold requests -> ${coalescedCalls} upstream call(s)`);
  console.log(
    `roster of ${ROSTER_SIZE} creators x 30 days, warm: one request p50 ${results.roster.warmOneRequestP50Ms} ms, ` +
      `${ROSTER_SIZE} single requests p50 ${results.roster.warmSingleRequestsP50Ms} ms (x${results.roster.ratio})`,
  );
  const { coldIdentical, overlapping, budget, budgetAcrossLostLeases: lost, idempotency } = coordination;
  console.log(
    [
      `coordination over ${coordination.isolates} isolates: ${coldIdentical.requests} identical cold -> ${coldIdentical.upstreamCalls} call(s);`,
      `${overlapping.requests} overlapping ranges over ${overlapping.distinctDays} days -> ${overlapping.upstreamDays} days fetched, ${overlapping.storedDaysAfter} stored;`,
      `budget ${budget.limit} under ${budget.concurrentMisses} misses -> ${budget.upstreamCalls} calls;`,
      `budget ${lost.limit}, ${lost.before} calls, the isolates lost with their leases, then ${lost.concurrentMissesAfter} misses -> ${lost.after} calls;`,
      `${idempotency.concurrentPosts} identical webhook POSTs -> ${idempotency.deliveries} delivery(ies)`,
    ].join(" "),
  );
  console.log(
    `CPU for a ${cpu.days}-day range (validate + normalise + serialise): ${results.cpu.gatewayMicrosPerRequest} us, x${results.cpu.ratioToPassThrough} a parse/stringify pass-through`,
  );
  const fixed = (value: number) => value.toFixed(3);
  console.table({
    "plain exact-range cache": {
      "upstream calls / 1000 requests": Math.round(plain.callsPer1000),
      "upstream days / day served": fixed(plain.upstreamDaysPerDayServed),
    },
    "day-aware cache": {
      "upstream calls / 1000 requests": Math.round(dayAware.callsPer1000),
      "upstream days / day served": fixed(dayAware.upstreamDaysPerDayServed),
    },
  });
  console.log(
    `replay of ${REPLAY_REQUESTS} requests over ${REPLAY_KOLS} KOLs: day-aware calls x${results.replay.callsRatio}, days fetched x${results.replay.upstreamDaysRatio} of the plain cache's`,
  );
  console.log(
    `upstream calls / the floor: concurrent replay x${results.spend.concurrentToFloor} (plain cache x${results.replay.plainToFloor}), ` +
      `one moment x${results.spend.oneMomentToFloor}, a week of time passing x${results.spend.rollingToFloor}; ` +
      `settled days bought twice: ${results.spend.settledDaysBoughtTwice}`,
  );
  const { model, loneMiss, burst, hit: modelledHit } = production;
  console.log(
    `under the production latency model (${Object.entries(model)
      .map(([name, value]) => `${name} ${value}`)
      .join(", ")}; test/bench/model/latency.ts says where each comes from):`,
  );
  console.log(
    `  lone miss p50 ${loneMiss.p50Ms} ms, the toy proxy's ${loneMiss.toyProxyP50Ms} ms: +${loneMiss.overheadP50MsOverToyProxy} ms ` +
      `(the toy caching proxy's ${loneMiss.toyCachingProxyP50Ms} ms: +${loneMiss.overheadP50MsOverToyCachingProxy} ms; ` +
      `the toy coordinated proxy's, the floor, ${loneMiss.toyCoordinatedProxyP50Ms} ms: +${loneMiss.overheadP50MsOverToyCoordinatedProxy} ms); ` +
      `its walk (Server-Timing medians): ${walkLine(loneMiss.walk)}; ` +
      `a creator seen before (its coordinator there already) p50 ${loneMiss.seenBefore.p50Ms} ms, ` +
      `+${loneMiss.seenBefore.overheadP50MsOverToyCachingProxy} ms over the toy caching proxy, its walk: ${walkLine(loneMiss.seenBefore.walk)}; ` +
      `a burst of ${burst.requests} overlapping ranges within ${burst.withinMs} ms: ${burst.upstreamCalls} upstream call(s), p50 ${burst.p50Ms} ms, slowest ${burst.slowestMs} ms; ` +
      `hits ${modelledHit.rps} req/s (p50 ${modelledHit.p50Ms} ms), the toy hit's ${modelledHit.toyHitRps} req/s (p50 ${modelledHit.toyHitP50Ms} ms): x${modelledHit.rpsRatioToToy}`,
  );
  const kib = (bytes: number) => (bytes / 1024).toFixed(1);
  console.log(`deployable bundle: ${kib(gatewayBundle.bytes)} KiB, gzip ${kib(gatewayBundle.gzipBytes)} KiB`);
  console.log(`MCP Worker bundle (off the data path): ${kib(mcpBundle.bytes)} KiB, gzip ${kib(mcpBundle.gzipBytes)} KiB`);
  console.table(
    Object.fromEntries(
      results.goals.map((goal) => [
        goal.figure,
        {
          goal: `${goal.at === "most" ? "<=" : ">="} ${goal.target} ${goal.unit}`,
          measured: `${goal.measured} ${goal.unit}`,
          met: goal.met ? "yes" : `no, by ${goal.missedBy} ${goal.unit}`,
        },
      ]),
    ),
  );
  mkdirSync("bench-results", { recursive: true });
  writeFileSync("bench-results/bench.json", `${JSON.stringify(results, null, 2)}\n`);
  console.log("written: bench-results/bench.json");
} finally {
  await mf.dispose();
}
