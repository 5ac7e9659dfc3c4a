/**
 * How `npm run bench` judges the performance goals (test/bench/goals.ts): which way each goal
 * points, by how much a miss misses, and that only a missed goal carries a reason.
 */
import { describe, expect, it } from "vitest";
import { judgeGoals, type GoalFigures } from "../bench/goals.ts";

const allMet: GoalFigures = {
  hit: { rpsRatioToHealthz: 1.05, rpsRatioToToy: 1.0, loggedToyRpsRatioToToy: 0.9 },
  miss: {
    overheadP50Ms: 2,
    overheadP50MsOverToyProxy: 0.5,
    toyCoordinatedProxyP50MsOverToyProxy: 0.3,
    overheadP50MsOverToyCoordinatedProxy: 0.2,
  },
  cpu: { workersModeMicrosPerRequest: 300 },
  startup: { cpuMs: 9.5, toyHitCpuMs: 3 },
  bundle: { gzipBytes: 48 * 1024 },
  spend: { concurrentToFloor: 1.1, oneMomentToFloor: 1, rollingToFloor: 0.99, settledDaysBoughtTwice: 0 },
  production: {
    model: { coordinatorRttMs: 10, accountLedgerRttMs: 120, keyLedgerRttMs: 40, kvReadMs: 10 },
    loneMiss: {
      overheadP50MsOverToyProxy: 15,
      overheadP50MsOverToyCachingProxy: 5,
      overheadP50MsOverToyCoordinatedProxy: 3,
      walk: { coordinatorMs: 11, isolateMs: 2 },
      seenBefore: { overheadP50MsOverToyCachingProxy: 4, walk: { coordinatorMs: 10.5 } },
    },
    burst: { upstreamCalls: 1 },
    hit: { rpsRatioToToy: 1.2 },
  },
};

const verdict = (figures: GoalFigures, figure: string) => judgeGoals(figures).find((goal) => goal.figure === figure)!;

describe("bench goals", () => {
  it("counts figures at or within their targets as met, with no reason", () => {
    const goals = judgeGoals(allMet);
    expect(goals.map((goal) => [goal.figure, goal.met, goal.missedBy, goal.why])).toEqual(
      goals.map((goal) => [goal.figure, true, 0, null]),
    );
    expect(goals).toHaveLength(16);
  });

  it("says by how much an upper bound is passed, in the figure's unit", () => {
    const startup = verdict({ ...allMet, startup: { cpuMs: 23.456, toyHitCpuMs: 2.8 } }, "start-up CPU");
    expect(startup).toMatchObject({ met: false, missedBy: 13.46, unit: "ms", measured: 23.456 });
    expect(startup.why).toContain("2.8 ms");
  });

  it("says by how much a lower bound is missed", () => {
    const hit = verdict(
      { ...allMet, hit: { ...allMet.hit, rpsRatioToToy: 0.93, loggedToyRpsRatioToToy: 0.88 } },
      "hit throughput / toy hit",
    );
    expect(hit).toMatchObject({ met: false, missedBy: 0.07, at: "least" });
    expect(hit.why).toContain("costs the toy x0.88 of its throughput");
  });

  it("reports the bundle in KiB and the miss with the floor under it told apart", () => {
    const figures = {
      ...allMet,
      bundle: { gzipBytes: 61_991 },
      miss: {
        ...allMet.miss,
        overheadP50MsOverToyProxy: 30.73,
        toyCoordinatedProxyP50MsOverToyProxy: 21.09,
        overheadP50MsOverToyCoordinatedProxy: 9.64,
      },
    };
    expect(verdict(figures, "bundle, gzip")).toMatchObject({ measured: 60.5, missedBy: 12.5, met: false });
    const miss = verdict(figures, "miss p50 over the toy proxy");
    expect(miss.missedBy).toBe(29.73);
    expect(miss.why).toContain("(the toy coordinated proxy: a cache read, then a Durable Object per creator");
    expect(miss.why).toContain("is itself +21.09 ms over the toy proxy here; the gateway's own work adds +9.64 ms over that floor");
    const overEmulator = verdict({ ...figures, miss: { ...figures.miss, overheadP50Ms: 33.18 } }, "miss p50 over the emulator");
    expect(overEmulator.why).toContain("the toy proxy itself is +2.45 ms over the emulator");
  });

  it("holds a lone miss under the production model to one coordinator round trip and 5 ms over the toy proxy, over the toy caching proxy, and to 5 ms over the floor", () => {
    const production = {
      ...allMet.production,
      loneMiss: {
        overheadP50MsOverToyProxy: 45.4,
        overheadP50MsOverToyCachingProxy: 33.2,
        overheadP50MsOverToyCoordinatedProxy: 12.1,
        walk: { coordinatorMs: 21.5, isolateMs: 6.5 },
        seenBefore: { overheadP50MsOverToyCachingProxy: 19.9, walk: { coordinatorMs: 14 } },
      },
    };
    const lone = verdict({ ...allMet, production }, "production model: lone miss over the toy proxy, less one coordinator round trip");
    expect(lone).toMatchObject({ met: false, measured: 35.4, missedBy: 30.4 });
    // The floor: 45.4 - 12.1 - 10 over the toy proxy, 33.2 - 12.1 - 10 over the caching one.
    expect(lone.why).toContain(
      "is itself +23.3 ms over the toy proxy less the round trip (its cache read alone is 10 ms), past the goal's 5 ms before the gateway does anything of its own",
    );
    const cached = verdict(
      { ...allMet, production },
      "production model: lone miss over the toy caching proxy, less one coordinator round trip",
    );
    expect(cached).toMatchObject({ met: false, measured: 23.2, missedBy: 18.2 });
    expect(cached.why).toContain("is itself +11.1 ms over it less the round trip");
    const nearer = { ...production, loneMiss: { ...production.loneMiss, overheadP50MsOverToyCachingProxy: 25.1 } };
    expect(
      verdict({ ...allMet, production: nearer }, "production model: lone miss over the toy caching proxy, less one coordinator round trip")
        .why,
    ).toContain(
      "is itself +3 ms over it less the round trip (the object's creation, its two durable writes and the local hop to it), within the goal's 5 ms: what passes it is the gateway's own work",
    );
    expect(cached.why).toContain("the coordinator's round trip and work took 21.5 ms (the model's round trip is 10 ms");
    expect(cached.why).toContain("the isolate's own work 6.5 ms");
    expect(cached.why).toContain(
      "for creators seen before, +19.9 ms over the toy caching proxy, the coordinator's round trip and work 14 ms",
    );
    const floor = verdict({ ...allMet, production }, "production model: lone miss over the toy coordinated proxy (the floor)");
    expect(floor).toMatchObject({ met: false, measured: 12.1, missedBy: 7.1 });
    expect(floor.why).toContain(
      "the coordinator's round trip and work 21.5 ms, of which the model's round trip, which the floor pays too, is 10 ms; the isolate's own 6.5 ms",
    );
  });

  it("holds the calls of every replay to 1.1 times its floor, and settled days to none bought twice", () => {
    const spend = { ...allMet.spend, rollingToFloor: 1.25, settledDaysBoughtTwice: 3 };
    expect(verdict({ ...allMet, spend }, "calls / floor, a week of time passing")).toMatchObject({ met: false, missedBy: 0.15 });
    expect(verdict({ ...allMet, spend }, "settled days bought twice")).toMatchObject({ met: false, missedBy: 3, unit: "days" });
  });
});
