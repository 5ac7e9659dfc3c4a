/**
 * @module The warm list: a Cron Trigger keeps the KOLs on WARM_KOLS current, so dashboards that
 * read them are answered from stored days.
 *
 * The trigger runs hourly; each KOL belongs to one hour of the Shanghai day (by a hash of its
 * id), so every KOL is refreshed once a day and the upstream calls are spread over the day. A
 * run asks for the KOL's last WARM_RANGE_DAYS days, treating its live days as missing: the
 * settled days it already has cost nothing, so a run is usually one short upstream call.
 */
import { addDays, shanghaiHour, shanghaiToday } from "../calendar.ts";
import { createLookupContext, deferTo, newTrace } from "./context.ts";
import { requireReady } from "../config/readiness.ts";
import { lookupTrend } from "./lookup.ts";
import type { Bindings } from "../bindings.ts";
import type { Runtime } from "../runtime.ts";
import { errorFields } from "../log.ts";
import { runWatches } from "../alerts/watch-run.ts";

/** The hour (0-23) of the Shanghai day in which a KOL is warmed. */
export function warmHour(kolId: string): number {
  let hash = 0;
  for (const char of kolId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 24;
}

export interface WarmReport {
  due: string[];
  warmed: string[];
  failed: string[];
}

export async function warmWatchList(env: Bindings, runtime: Runtime, defer: (work: Promise<unknown>) => void): Promise<WarmReport> {
  const { config } = requireReady(env);
  const now = runtime.now();
  const hour = shanghaiHour(now);
  const today = shanghaiToday(now);
  const due = [...new Set(config.WARM_KOLS)].filter((kolId) => warmHour(kolId) === hour);
  const report: WarmReport = { due, warmed: [], failed: [] };
  for (const kolId of due) {
    const trace = newTrace();
    const context = createLookupContext({
      env,
      runtime,
      trace,
      defer,
      warn: (message) => runtime.log({ level: "warn", msg: message, kolId }),
    });
    const query = { kolId, startDate: addDays(today, -(config.WARM_RANGE_DAYS - 1)), endDate: today };
    try {
      await lookupTrend(context, query, { refetchLiveDays: true });
      report.warmed.push(kolId);
    } catch (error) {
      report.failed.push(kolId);
      runtime.log({ level: "warn", msg: "warm-up failed", kolId, ...errorFields(error) });
    }
    runtime.log({ level: "info", msg: "warm-up", kolId, upstream: { attempts: trace.upstream.attempts, reusedDays: trace.reusedDays } });
  }
  return report;
}

/** Runs that try the day's watch digests: WATCH_HOUR, then two more hours for what could not be queued. */
const WATCH_RUNS = 3;

export function scheduledHandler(runtime: Runtime) {
  return async (_controller: ScheduledController, env: Bindings, ctx: ExecutionContext): Promise<void> => {
    const defer = deferTo(ctx);
    await warmWatchList(env, runtime, defer);
    const { config } = requireReady(env);
    const since = (shanghaiHour(runtime.now()) - config.WATCH_HOUR + 24) % 24;
    if (since < WATCH_RUNS) await runWatches(env, runtime, defer);
  };
}
