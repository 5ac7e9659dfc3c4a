/**
 * The walk of a miss as `npm run bench` reads it from the gateway's Server-Timing (test/bench/walk.ts):
 * each phase by its median, the coordinator's own share without the upstream inside it.
 */
import { describe, expect, it } from "vitest";
import { keepingTimings, serverTiming, walkLine, walkOf } from "../bench/walk.ts";

const header = (cache: number, upstream: number, coordinator: number, total: number) =>
  `cache;dur=${cache};desc="cache reads", upstream;dur=${upstream};desc="1 upstream attempt(s)", ` +
  `coordinator;dur=${coordinator};desc="KOL coordinators with their upstream calls", total;dur=${total}`;

describe("the walk of a miss", () => {
  it("reads each metric's duration by its name, whatever its description says", () => {
    expect(serverTiming('cache;dur=1.5;desc="a, b; c", total;dur=9')).toEqual(
      new Map([
        ["cache", 1.5],
        ["total", 9],
      ]),
    );
    expect(serverTiming(null)).toEqual(new Map());
  });

  it("splits a miss into the cache read, the coordinator less its upstream, the upstream and the isolate's rest", () => {
    expect(walkOf([header(10, 1500, 1525, 1540)])).toEqual({
      cacheMs: 10,
      coordinatorMs: 25,
      upstreamMs: 1500,
      isolateMs: 5,
      totalMs: 1540,
    });
  });

  it("takes each phase's median over the misses", () => {
    const walk = walkOf([header(10, 1500, 1520, 1535), header(30, 1500, 1540, 1600), header(12, 1502, 1530, 1545)]);
    expect(walk).toMatchObject({ cacheMs: 12, coordinatorMs: 28, upstreamMs: 1500, isolateMs: 5, totalMs: 1545 });
  });

  it("keeps each answer's Server-Timing as it is sent, and says the walk in words", async () => {
    const timings: (string | null)[] = [];
    const send = keepingTimings(
      async (path: string) => new Response(null, { headers: { "Server-Timing": `total;dur=${path.length}` } }),
      timings,
    );
    await send("/a");
    await send("/abc");
    expect(timings).toEqual(["total;dur=2", "total;dur=4"]);
    expect(walkLine(walkOf([header(10, 1500, 1525, 1540)]))).toBe(
      "cache read 10 ms, the coordinator's round trip and work 25 ms, upstream 1500 ms, the isolate's own 5 ms (isolate total 1540 ms)",
    );
  });

  it("refuses a miss whose Server-Timing lacks a phase", () => {
    expect(() => walkOf(["cache;dur=1, coordinator;dur=2, total;dur=3"])).toThrow("has no upstream");
  });
});
