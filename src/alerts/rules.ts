/**
 * @module A watch's rules over a roster's answer: what is worth telling a team on a given day.
 * Each rule speaks of the latest day (yesterday in Shanghai when the watch runs), so a day's
 * anomaly is reported in that day's digest and never again. An alert carries its numbers, not a
 * sentence: the digest writes it in the watch's language when it is sent (formats.ts).
 */
import { addDays } from "../calendar.ts";
import type { AnsweredMember, RosterTrends } from "../schemas/roster-answers.ts";
import type { WatchRule } from "../schemas/watches.ts";

/** What one rule raised about one creator on `date`. */
export type AlertFacts =
  | { rule: "anomaly"; date: string; kind: "spike" | "drop"; delta: number; score: number }
  | { rule: "change"; date: string; days: number; change: number; percent: number }
  | { rule: "below"; date: string; fans: number; below: number };

export type Alert = AlertFacts & {
  kolId: string;
  /** The creator's label in the roster, when it has one: lines read `label (kolId)`. */
  label?: string;
};

function alertsOf(member: AnsweredMember, rule: WatchRule, day: string): AlertFacts[] {
  const counted = member.series.filter((point) => point.fans !== null);
  const latest = counted[counted.length - 1];
  if (rule.kind === "anomaly") {
    return member.anomalies
      .filter((anomaly) => anomaly.date === day)
      .map(({ date, kind, delta, score }) => ({ rule: "anomaly", date, kind, delta, score }));
  }
  if (!latest || latest.date !== day) return [];
  if (rule.kind === "below") return latest.fans! < rule.fans ? [{ rule: "below", date: day, fans: latest.fans!, below: rule.fans }] : [];
  const from = member.series.find((point) => point.date === addDays(day, -rule.days))?.fans ?? null;
  if (from === null) return [];
  const change = latest.fans! - from;
  const percent = from ? (change / from) * 100 : 0;
  const past =
    (rule.above !== undefined && Math.abs(change) >= rule.above) ||
    (rule.abovePercent !== undefined && Math.abs(percent) >= rule.abovePercent);
  // Two decimals are what a person reads, and what a webhook receiver gets.
  return past ? [{ rule: "change", date: day, days: rule.days, change, percent: Math.round(percent * 100) / 100 }] : [];
}

/** Every alert the rules raise on `day`, creator by creator in the roster's order, each with its label if `labels` has one. */
export function evaluate(trends: RosterTrends, rules: WatchRule[], day: string, labels?: Readonly<Record<string, string>>): Alert[] {
  return trends.members.flatMap((member) => {
    if (!member.ok) return [];
    const label = labels?.[member.kolId];
    return rules.flatMap((rule) =>
      alertsOf(member, rule, day).map((facts) => ({ kolId: member.kolId, ...(label ? { label } : {}), ...facts })),
    );
  });
}
