/**
 * @module The walk of a miss, from the gateway's own Server-Timing (middleware/observe.ts): how a
 * miss's time splits between the cache read, the hop to the KOL's coordinator with the
 * coordinator's own work, the upstream, and the isolate's own work. Each figure is the median over
 * the misses measured (so they need not add up exactly to the median total).
 */
import { median } from "./measure.ts";

export interface MissWalk {
  /** The stored answer's read (the toy caching proxy makes the same read). */
  cacheMs: number;
  /** The wait for the KOL's coordinator less the upstream's time: the round trip and the coordinator's work. */
  coordinatorMs: number;
  /** The upstream's answer, as the coordinator waited for it. */
  upstreamMs: number;
  /** The rest of the isolate's time: its middleware, lookup and answer. */
  isolateMs: number;
  /** The isolate's whole time for the request (the driver's figure adds the way to the isolate and back). */
  totalMs: number;
}

/** Durations by metric name from one Server-Timing header (`name;dur=12.3;desc="..."`, comma-separated). */
export function serverTiming(header: string | null): Map<string, number> {
  const durations = new Map<string, number>();
  for (const metric of (header ?? "").split(",")) {
    const [name, ...parameters] = metric.trim().split(";");
    const duration = parameters.map((parameter) => /^dur=([\d.]+)$/.exec(parameter.trim())).find(Boolean);
    if (name && duration) durations.set(name, Number(duration[1]));
  }
  return durations;
}

const rounded = (value: number) => Math.round(value * 10) / 10;

/** The walk of the misses whose Server-Timing headers these are. */
export function walkOf(headers: (string | null)[]): MissWalk {
  const timings = headers.map(serverTiming);
  const each = (figure: (timing: Map<string, number>) => number) => rounded(median(timings.map(figure)));
  const of = (timing: Map<string, number>, name: string) => {
    const duration = timing.get(name);
    if (duration === undefined) throw new Error(`a miss's Server-Timing has no ${name}`);
    return duration;
  };
  return {
    cacheMs: each((timing) => of(timing, "cache")),
    coordinatorMs: each((timing) => of(timing, "coordinator") - of(timing, "upstream")),
    upstreamMs: each((timing) => of(timing, "upstream")),
    isolateMs: each((timing) => of(timing, "total") - of(timing, "cache") - of(timing, "coordinator")),
    totalMs: each((timing) => of(timing, "total")),
  };
}

/** `send`, keeping each answer's Server-Timing header in `timings` (for walkOf). */
export function keepingTimings<A extends { headers: { get(name: string): string | null } }>(
  send: (path: string) => Promise<A>,
  timings: (string | null)[],
): (path: string) => Promise<A> {
  return async (path) => {
    const answer = await send(path);
    timings.push(answer.headers.get("Server-Timing"));
    return answer;
  };
}

/** The walk in words, for the bench's report. */
export const walkLine = (walk: MissWalk) =>
  `cache read ${walk.cacheMs} ms, the coordinator's round trip and work ${walk.coordinatorMs} ms, upstream ${walk.upstreamMs} ms, ` +
  `the isolate's own ${walk.isolateMs} ms (isolate total ${walk.totalMs} ms)`;
