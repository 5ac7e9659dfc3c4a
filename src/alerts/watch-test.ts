/**
 * @module A watch's test: a sample digest, sent at once to each of the watch's targets, so a team
 * sees that its group receives and its signing works before the first real day. The sample is
 * made up from the roster's creators and the watch's rules, never looked up (it spends nothing),
 * says in its title that it is a test, and is sent directly, not through the queue; the day's
 * real digest, and its claim in the roster book, are left alone.
 */
import { addDays } from "../calendar.ts";
import { refusalOf, type Outgoing } from "../webhooks/outbound.ts";
import { DIGEST_WORDS } from "./digest-words.ts";
import { digestRequest } from "./digest-delivery.ts";
import { serviceAnswer, type Digest } from "./formats.ts";
import {
  DEFAULT_DIGEST_LANG,
  WATCH_RANGE_DAYS,
  type Watch,
  type WatchRule,
  type WatchTarget,
  type WatchTestResult,
} from "../schemas/watches.ts";
import type { Alert, AlertFacts } from "./rules.ts";
import type { Config } from "../config/config.ts";
import type { Bindings } from "../bindings.ts";
import type { Runtime } from "../runtime.ts";

/** Alerts in a sample: enough to show the shape of a line, not a wall of made-up numbers. */
const SAMPLE_ALERTS = 2;
/** The longest a test waits for a target: the caller is waiting on the answer. */
const MAX_TEST_TIMEOUT_MS = 5_000;
/** The sample's creator when the roster has none: an id of the right shape, labelled as a sample. */
const SAMPLE_KOL_ID = "1234567890";
/** A plausible follower count for the samples' arithmetic. */
const SAMPLE_FANS = 1_000_000;

/** One made-up alert that `rule` would raise, on `day`; null when no count could break it (below 0). */
function sampleFacts(rule: WatchRule, day: string): AlertFacts | null {
  switch (rule.kind) {
    case "anomaly":
      return { rule: "anomaly", date: day, kind: "spike", delta: 12_345, score: 4.2 };
    case "change": {
      // Just past the rule's own threshold, whichever it has.
      const byCount = rule.above ?? 0;
      const byPercent = Math.ceil(((rule.abovePercent ?? 0) / 100) * SAMPLE_FANS);
      const change = Math.max(byCount, byPercent) + 1_000;
      return { rule: "change", date: day, days: rule.days, change, percent: Math.round((change / SAMPLE_FANS) * 10_000) / 100 };
    }
    case "below":
      return rule.fans > 0 ? { rule: "below", date: day, fans: Math.floor(rule.fans * 0.95), below: rule.fans } : null;
  }
}

/**
 * A sample digest of `roster` for `day`: one alert for each of the watch's first rules, each on
 * the roster's next creator (with its label), in the watch's language.
 */
export function sampleDigest(
  roster: { name: string; kolIds: readonly string[]; labels?: Readonly<Record<string, string>> },
  watch: Pick<Watch, "rules" | "lang">,
  day: string,
): Digest {
  const lang = watch.lang ?? DEFAULT_DIGEST_LANG;
  const facts = watch.rules.flatMap((rule) => sampleFacts(rule, day) ?? []).slice(0, SAMPLE_ALERTS);
  const alerts = (facts.length > 0 ? facts : [sampleFacts({ kind: "anomaly" }, day)!]).map((fact, index): Alert => {
    if (roster.kolIds.length === 0) return { kolId: SAMPLE_KOL_ID, label: DIGEST_WORDS[lang].sampleCreator, ...fact };
    const kolId = roster.kolIds[index % roster.kolIds.length]!;
    const label = roster.labels?.[kolId];
    return { kolId, ...(label ? { label } : {}), ...fact };
  });
  return {
    roster: roster.name,
    day,
    startDate: addDays(day, -(WATCH_RANGE_DAYS - 1)),
    endDate: day,
    lang,
    alerts,
    unanswered: 0,
    test: true,
  };
}

type Outcome = Omit<WatchTestResult, "type" | "url">;

const failed = (message: string, status: number | null = null, code: number | null = null): Outcome => ({
  ok: false,
  status,
  code,
  message,
});

/** What the target made of it: a chat service by its own code, Slack by its status and error word, a webhook by its status. */
async function outcomeOf(target: WatchTarget, response: Response): Promise<Outcome> {
  const refused = refusalOf(response, "target");
  if (target.type === "webhook" || (response.status >= 300 && response.status < 400)) {
    await response.body?.cancel();
    return refused ? failed(refused, response.status) : { ok: true, status: response.status, code: null, message: null };
  }
  if (target.type === "slack") {
    // Slack answers `ok`, or an error word (`invalid_token`, `no_text`) with a 4xx.
    const text = (await response.text().catch(() => "")).trim().slice(0, 200);
    return refused ? failed(text || refused, response.status) : { ok: true, status: response.status, code: null, message: null };
  }
  const { code, message } = await serviceAnswer(response);
  if (!refused && code === 0) return { ok: true, status: response.status, code, message: null };
  return failed(message ?? refused ?? `the ${target.type} service answered code ${code ?? "(none)"}`, response.status, code);
}

/** POSTs `outgoing` once within `timeoutMs`, never following a redirect, and reads the target's answer. */
async function sendOnce(target: WatchTarget, outgoing: Outgoing, runtime: Runtime, timeoutMs: number): Promise<Outcome> {
  const timer = runtime.abortAfter(timeoutMs);
  try {
    const { url, headers, body } = outgoing;
    const response = await runtime.fetch(new Request(url, { method: "POST", body, headers, redirect: "manual", signal: timer.signal }));
    return await outcomeOf(target, response);
  } catch {
    return failed(timer.signal.aborted ? `the target did not answer within ${timeoutMs} ms` : "the target could not be reached");
  } finally {
    timer.cancel();
  }
}

/**
 * Sends `digest` to each of `targets` at once, each signed as a real digest is (a webhook under
 * an id of its own, `test_…`, so a receiver never drops a real digest as its repeat), and answers
 * what each made of it, its address as its origin only.
 */
export async function sendTest(
  env: Bindings,
  config: Config,
  runtime: Runtime,
  owner: string,
  targets: readonly WatchTarget[],
  digest: Digest,
): Promise<WatchTestResult[]> {
  const timeoutMs = Math.min(config.CALLBACK_TIMEOUT_MS, MAX_TEST_TIMEOUT_MS);
  const now = runtime.now();
  return Promise.all(
    targets.map(async (target): Promise<WatchTestResult> => {
      const outgoing = await digestRequest(
        env,
        config,
        owner,
        target,
        digest,
        `test_${digest.day}_${runtime.uuid().replaceAll("-", "")}`,
        now,
      );
      const outcome = typeof outgoing === "string" ? failed(outgoing) : await sendOnce(target, outgoing, runtime, timeoutMs);
      return { type: target.type, url: new URL(target.url).origin, ...outcome };
    }),
  );
}
