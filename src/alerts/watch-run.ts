/**
 * @module The daily watch run (the Cron Trigger, at WATCH_HOUR in Shanghai, once the day before
 * has settled): for every key's watched roster, read its creators as a roster request would (the
 * same cache, stored days, coordinators, spend guard and the key's own limits: usually no
 * upstream call at all), apply the rules to yesterday, and when they raise alerts, claim the
 * day's digest in the roster book (once: a second run that day sends nothing) and queue one
 * delivery per target, spaced to each service's rate limit.
 */
import { addDays, shanghaiToday } from "../calendar.ts";
import { createLookupContext, newTrace } from "../lookup/context.ts";
import { requireReady } from "../config/readiness.ts";
import { RECORD_PREFIX, type KeyRecord } from "../auth/keys.ts";
import { metadataUnder } from "../cache/kv-list.ts";
import { creatorLookup, rosterTrends } from "../rosters/roster-trends.ts";
import { DEFAULT_DIGEST_LANG, WATCH_RANGE_DAYS, type WatchTarget } from "../schemas/watches.ts";
import { dailyLimitOf } from "../ledger/usage.ts";
import { evaluate } from "./rules.ts";
import type { Digest } from "./formats.ts";
import type { DigestMessage } from "./digest-delivery.ts";
import type { Bindings } from "../bindings.ts";
import type { Runtime } from "../runtime.ts";

/** Messages a minute each kind of target takes (DingTalk and WeCom robots: 20; Feishu: 100; Slack: about 1 a second). */
const PER_MINUTE: Record<WatchTarget["type"], number> = { webhook: 600, feishu: 100, dingtalk: 20, wecom: 20, slack: 60 };

export interface WatchReport {
  watches: number;
  digests: number;
}

type KeyMetadata = Pick<KeyRecord, "name" | "disabled" | "dailyUpstreamCalls">;

const keysOf = async (env: Bindings): Promise<KeyMetadata[]> =>
  (await metadataUnder<KeyMetadata>(env.KEYS, RECORD_PREFIX)).filter((key) => !key.disabled);

/** The day a digest made at `nowMs` speaks of: yesterday in Shanghai, settled by WATCH_HOUR. */
export const digestDay = (nowMs: number) => addDays(shanghaiToday(nowMs), -1);

export async function runWatches(env: Bindings, runtime: Runtime, defer: (work: Promise<unknown>) => void): Promise<WatchReport> {
  const { config } = requireReady(env);
  const warn = (msg: string) => runtime.log({ level: "warn", msg });
  const day = digestDay(runtime.now());
  const range = { startDate: addDays(day, -(WATCH_RANGE_DAYS - 1)), endDate: day };
  const report: WatchReport = { watches: 0, digests: 0 };
  if (!env.ROSTER_BOOK) return report;
  // Spacing per target address, across every digest of this run.
  const scheduled = new Map<string, number>();

  const context = createLookupContext({ env, runtime, trace: newTrace(), defer, warn });
  for (const key of await keysOf(env)) {
    const book = env.ROSTER_BOOK.get(env.ROSTER_BOOK.idFromName(key.name));
    // The owning key's ledger admits and counts the watch's lookups, as for its own requests.
    const lookup = creatorLookup(
      context,
      env,
      { name: key.name, anonymous: false, dailyUpstreamCalls: dailyLimitOf(key.dailyUpstreamCalls ?? 0, config) },
      range,
    );
    for (const { name, kolIds, labels, watch } of await book.watched()) {
      report.watches += 1;
      const trends = await rosterTrends(name, kolIds, range, lookup, { threshold: config.ANOMALY_THRESHOLD, warn });
      const alerts = evaluate(trends, watch.rules, day, labels);
      if (alerts.length === 0 || !(await book.claimDigest(name, day))) continue;
      const lang = watch.lang ?? DEFAULT_DIGEST_LANG;
      const digest: Digest = { roster: name, day, ...range, lang, alerts, unanswered: trends.failed };
      try {
        for (const [target, { type, url }] of watch.targets.entries()) {
          const ahead = scheduled.get(url) ?? 0;
          scheduled.set(url, ahead + 1);
          const message: DigestMessage = { kind: "digest", owner: key.name, roster: name, target, digest };
          await env.DELIVERIES.send(message, { delaySeconds: Math.ceil((ahead * 60) / PER_MINUTE[type]) });
        }
        report.digests += 1;
      } catch {
        // Not queued: the day is given back, so the next run (an hour later) tries again.
        await book.releaseDigest(name, day);
        warn("a watch digest could not be queued; the next hourly run retries it");
      }
    }
  }
  return report;
}
