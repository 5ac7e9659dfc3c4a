/**
 * @module The performance issue's goals, judged on one run's figures: for each, what was measured,
 * whether it is met, by how much it is missed, and why. `npm run bench` writes them to
 * bench.json (`goals`) and prints them; docs/testing.md's "Proof harness" carries the same table.
 */

/** The figures of a bench run that the goals are about (bench.json's own fields). */
export interface GoalFigures {
  hit: { rpsRatioToHealthz: number; rpsRatioToToy: number; loggedToyRpsRatioToToy: number };
  miss: {
    overheadP50Ms: number;
    overheadP50MsOverToyProxy: number;
    /** The floor (the toy coordinated proxy) over the toy proxy, and the gateway over the floor. */
    toyCoordinatedProxyP50MsOverToyProxy: number;
    overheadP50MsOverToyCoordinatedProxy: number;
  };
  cpu: { workersModeMicrosPerRequest: number };
  startup: { cpuMs: number; toyHitCpuMs: number };
  bundle: { gzipBytes: number };
  /** Upstream calls as ratios to the floor (oracle.ts) of each replay, and settled days bought twice. */
  spend: { concurrentToFloor: number; oneMomentToFloor: number; rollingToFloor: number; settledDaysBoughtTwice: number };
  /** Under the production latency model (production.ts). */
  production: {
    model: { coordinatorRttMs: number; accountLedgerRttMs: number; keyLedgerRttMs: number; kvReadMs: number };
    loneMiss: {
      overheadP50MsOverToyProxy: number;
      overheadP50MsOverToyCachingProxy: number;
      overheadP50MsOverToyCoordinatedProxy: number;
      walk: { coordinatorMs: number; isolateMs: number };
      seenBefore: { overheadP50MsOverToyCachingProxy: number; walk: { coordinatorMs: number } };
    };
    burst: { upstreamCalls: number };
    hit: { rpsRatioToToy: number };
  };
}

export interface GoalVerdict {
  figure: string;
  /** Where the goal stands, in the figure's unit, and which way is better. */
  target: number;
  at: "most" | "least";
  unit: string;
  measured: number;
  met: boolean;
  /** How far past the target the figure is, in its unit (0 when met). */
  missedBy: number;
  /** Why it is missed; null when met. */
  why: string | null;
}

interface Goal {
  figure: string;
  target: number;
  at: "most" | "least";
  unit: string;
  measured: (figures: GoalFigures) => number;
  why: (figures: GoalFigures) => string;
}

const KIB = 1024;

const SPEND_WHY =
  "calls past the floor are the misses that arrived while the creator's call was under way for other days (the coordinator " +
  "makes one call at a time per creator), and the live days a request found expired since the call before";

/** The toy coordinated proxy (toys/coordinated-proxy.ts), as the reasons name it. */
const FLOOR =
  "the least miss that reads its cache first and never forgets a call it may have paid for (the toy coordinated proxy: a cache " +
  "read, then a Durable Object per creator that writes its call down before making it, asks as wide a window, and keeps the " +
  "answer before giving it; it admits nothing)";

/** The floor's own overhead under the model over a toy, less the coordinator's round trip, from the gateway's over both. */
const floorOver = (f: GoalFigures, gatewayOverToy: number) =>
  rounded(gatewayOverToy - f.production.loneMiss.overheadP50MsOverToyCoordinatedProxy - f.production.model.coordinatorRttMs);

/** Whether the floor alone passes a goal of `target` ms, said as such. */
const floorVerdict = (floorMs: number, target: number) =>
  floorMs > target
    ? `past the goal's ${target} ms before the gateway does anything of its own`
    : `within the goal's ${target} ms: what passes it is the gateway's own work`;

const GOALS: Goal[] = [
  {
    figure: "hit throughput / /healthz",
    target: 0.9,
    at: "least",
    unit: "x",
    measured: (f) => f.hit.rpsRatioToHealthz,
    why: () => "a hit is /healthz's routing and middleware plus a memory lookup; a shortfall here is this runtime's noise",
  },
  {
    figure: "hit throughput / toy hit",
    target: 1.0,
    at: "least",
    unit: "x",
    measured: (f) => f.hit.rpsRatioToToy,
    why: (f) =>
      "every gateway answer does what the toy does not: the key check and its rate-limit grant, one JSON log line, an " +
      "Analytics Engine point, security, CORS and Server-Timing headers. The log line alone costs the toy x" +
      `${f.hit.loggedToyRpsRatioToToy} of its throughput here, where each line crosses to the Node process: a cost of this runtime`,
  },
  {
    figure: "miss p50 over the toy proxy",
    target: 1,
    at: "most",
    unit: "ms",
    measured: (f) => f.miss.overheadP50MsOverToyProxy,
    why: (f) =>
      `${FLOOR} is itself +${f.miss.toyCoordinatedProxyP50MsOverToyProxy} ms over the toy proxy here; the gateway's own work ` +
      `adds +${f.miss.overheadP50MsOverToyCoordinatedProxy} ms over that floor`,
  },
  {
    figure: "miss p50 over the emulator",
    target: 2,
    at: "most",
    unit: "ms",
    measured: (f) => f.miss.overheadP50Ms,
    why: (f) =>
      "the floor under a miss that reads its cache first and never forgets a call, and the gateway's own work, as over the toy proxy; the toy proxy itself is " +
      `+${rounded(f.miss.overheadP50Ms - f.miss.overheadP50MsOverToyProxy)} ms over the emulator (a Worker in between, in this runtime)`,
  },
  {
    figure: "365-day CPU inside workerd",
    target: 500,
    at: "most",
    unit: "us",
    measured: (f) => f.cpu.workersModeMicrosPerRequest,
    why: () => "validation, normalising and serialising of 365 days",
  },
  {
    figure: "bundle, gzip",
    target: 48,
    at: "most",
    unit: "KiB",
    measured: (f) => Math.round((f.bundle.gzipBytes / KIB) * 10) / 10,
    why: () =>
      "Hono, zod/mini and the Standard Webhooks library's own SHA-256 and base64 are most of it " +
      "(docs/testing.md, Proof harness, has the composition)",
  },
  {
    figure: "start-up CPU",
    target: 10,
    at: "most",
    unit: "ms",
    measured: (f) => f.startup.cpuMs,
    why: (f) =>
      `the toy hit (Hono alone) takes ${f.startup.toyHitCpuMs} ms in the same measure; the rest is compiling the bundle's ` +
      "top level and building the zod schemas and the routes at module scope (V8 compiles function bodies on their first call)",
  },
  {
    figure: "calls / floor, replay of concurrent requests",
    target: 1.1,
    at: "most",
    unit: "x",
    measured: (f) => f.spend.concurrentToFloor,
    why: () => SPEND_WHY,
  },
  {
    figure: "calls / floor, one moment",
    target: 1.1,
    at: "most",
    unit: "x",
    measured: (f) => f.spend.oneMomentToFloor,
    why: () => SPEND_WHY,
  },
  {
    figure: "calls / floor, a week of time passing",
    target: 1.1,
    at: "most",
    unit: "x",
    measured: (f) => f.spend.rollingToFloor,
    why: () => SPEND_WHY,
  },
  {
    figure: "production model: lone miss over the toy proxy, less one coordinator round trip",
    target: 5,
    at: "most",
    unit: "ms",
    measured: (f) => rounded(f.production.loneMiss.overheadP50MsOverToyProxy - f.production.model.coordinatorRttMs),
    why: (f) => {
      const floor = floorOver(f, f.production.loneMiss.overheadP50MsOverToyProxy);
      return (
        `${FLOOR} is itself +${floor} ms over the toy proxy less the round trip (its cache read alone is ${f.production.model.kvReadMs} ms), ` +
        `${floorVerdict(floor, 5)}; the gateway's own work over that floor is the line "over the toy coordinated proxy"`
      );
    },
  },
  {
    figure: "production model: lone miss over the toy caching proxy, less one coordinator round trip",
    target: 5,
    at: "most",
    unit: "ms",
    measured: (f) => rounded(f.production.loneMiss.overheadP50MsOverToyCachingProxy - f.production.model.coordinatorRttMs),
    why: (f) =>
      `${FLOOR} is itself +${floorOver(f, f.production.loneMiss.overheadP50MsOverToyCachingProxy)} ms over it less the round trip ` +
      `(the object's creation, its two durable writes and the local hop to it), ${floorVerdict(floorOver(f, f.production.loneMiss.overheadP50MsOverToyCachingProxy), 5)}; ` +
      `by the miss's Server-Timing, the coordinator's round trip and work took ${f.production.loneMiss.walk.coordinatorMs} ms ` +
      `(the model's round trip is ${f.production.model.coordinatorRttMs} ms: the rest is the local hop to the object, paid on top of it, ` +
      `and the coordinator's work: the days written, the journal) and the isolate's own work ${f.production.loneMiss.walk.isolateMs} ms; ` +
      `a creator's first miss also creates its coordinator: for creators seen before, +${f.production.loneMiss.seenBefore.overheadP50MsOverToyCachingProxy} ms ` +
      `over the toy caching proxy, the coordinator's round trip and work ${f.production.loneMiss.seenBefore.walk.coordinatorMs} ms`,
  },
  {
    figure: "production model: lone miss over the toy coordinated proxy (the floor)",
    target: 5,
    at: "most",
    unit: "ms",
    measured: (f) => f.production.loneMiss.overheadP50MsOverToyCoordinatedProxy,
    why: (f) =>
      "the gateway's own work on a miss over that floor: the coordinator's plan, its wide call's year of days parsed, written and " +
      "read back with the range's answer assembled from them, the key's and the account's admissions (leased calls, mostly) and " +
      `the usage record (by Server-Timing, the coordinator's round trip and work ${f.production.loneMiss.walk.coordinatorMs} ms, of ` +
      `which the model's round trip, which the floor pays too, is ${f.production.model.coordinatorRttMs} ms; the isolate's own ` +
      `${f.production.loneMiss.walk.isolateMs} ms)`,
  },
  {
    figure: "production model: upstream calls for a burst of 20 overlapping ranges",
    target: 1,
    at: "most",
    unit: "calls",
    measured: (f) => f.production.burst.upstreamCalls,
    why: () => "ranges of the burst that the first call's window did not bring were bought by a call of their own",
  },
  {
    figure: "production model: hit throughput / toy hit",
    target: 1,
    at: "least",
    unit: "x",
    measured: (f) => f.production.hit.rpsRatioToToy,
    why: () => "the gateway's own work on a hit weighs more than the toy's KV read under the model",
  },
  {
    figure: "settled days bought twice",
    target: 0,
    at: "most",
    unit: "days",
    measured: (f) => f.spend.settledDaysBoughtTwice,
    why: () => "a settled day stored by a call was asked again: the archive failed",
  },
];

const rounded = (value: number) => Math.round(value * 100) / 100;

export function judgeGoals(figures: GoalFigures): GoalVerdict[] {
  return GOALS.map((goal) => {
    const measured = goal.measured(figures);
    const past = goal.at === "most" ? measured - goal.target : goal.target - measured;
    const met = past <= 0;
    return {
      figure: goal.figure,
      target: goal.target,
      at: goal.at,
      unit: goal.unit,
      measured,
      met,
      missedBy: met ? 0 : rounded(past),
      why: met ? null : goal.why(figures),
    };
  });
}
