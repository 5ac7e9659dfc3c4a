/**
 * @module The bench's realistic workloads, generated the same in every run (a seeded generator):
 * 10,000 requests over 500 KOLs chosen Zipf-style (a few KOLs are asked for most), ranges of 7 to
 * 180 days ending on recent days, so many ranges overlap without being identical; at one moment,
 * or over days of time passing. Plain functions, so the bench (Node) and the spend-floor test
 * (workerd) share them.
 */
export interface WorkloadRequest {
  kolId: string;
  startDate: string;
  endDate: string;
  days: number;
}

/** mulberry32: a small seeded generator, so every run replays the same workload. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Zipf-style creators (a few are asked for most) and ranges of 7 to 180 days ending on recent days. */
function requestMaker(kols: number, seed: number) {
  const random = seeded(seed);
  const weights = Array.from({ length: kols }, (_, rank) => 1 / (rank + 1) ** 1.1);
  const total = weights.reduce((a, b) => a + b, 0);
  const pickKol = () => {
    let roll = random() * total;
    for (let i = 0; i < kols; i++) if ((roll -= weights[i]!) <= 0) return i;
    return kols - 1;
  };
  return {
    random,
    /** A request on the Shanghai day starting at `today` (ms). */
    next(today: number): WorkloadRequest {
      const days = 7 + Math.floor(random() * 174);
      // Dashboards mostly end on yesterday or today; some look a week back.
      const endOffset = random() < 0.8 ? Math.floor(random() * 2) : 2 + Math.floor(random() * 6);
      const end = today - endOffset * DAY_MS;
      return { kolId: String(3_000_000 + pickKol()), startDate: isoDay(end - (days - 1) * DAY_MS), endDate: isoDay(end), days };
    },
  };
}

const shanghaiDayStart = (now: number) => Math.floor((now + 8 * 3_600_000) / DAY_MS) * DAY_MS;

export function generateWorkload(requests: number, kols: number, now: number): WorkloadRequest[] {
  const maker = requestMaker(kols, 20_261_124);
  const today = shanghaiDayStart(now);
  return Array.from({ length: requests }, () => maker.next(today));
}

/**
 * Time passing: `days` Shanghai days from the one holding `start`, each with `perDay` requests at
 * random moments of its working hours (09:00-21:00), in time order. Live days expire and days
 * roll over, so refreshes of live days are counted as the gateway would make them.
 */
export function generateRollingWorkload(days: number, perDay: number, kols: number, start: number): (WorkloadRequest & { at: number })[] {
  const maker = requestMaker(kols, 20_261_206);
  const first = shanghaiDayStart(start);
  const workload: (WorkloadRequest & { at: number })[] = [];
  for (let day = 0; day < days; day++) {
    const today = first + day * DAY_MS;
    // Shanghai 09:00 is 01:00 UTC of the same date.
    const moments = Array.from({ length: perDay }, () => today + 3_600_000 + Math.floor(maker.random() * 12 * 3_600_000)).sort(
      (a, b) => a - b,
    );
    for (const at of moments) workload.push({ ...maker.next(today), at });
  }
  return workload;
}
