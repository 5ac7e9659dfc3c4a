/**
 * @module A watch's rules over a roster's answer: what is worth telling a team on a given day.
 * Each rule speaks of the latest day (yesterday in Shanghai when the watch runs), so a day's
 * anomaly is reported in that day's digest and never again.
 */
import { addDays } from "../calendar.ts";
import { signed, thousands } from "../render/numbers.ts";
import type { AnsweredMember, RosterTrends } from "../schemas/roster-answers.ts";
import type { WatchRule } from "../schemas/watches.ts";

export interface Alert {
  kolId: string;
  rule: WatchRule["kind"];
  /** One line for a person: what happened, with the numbers. */
  text: string;
}

function alertsOf(member: AnsweredMember, rule: WatchRule, day: string): Alert[] {
  const counted = member.series.filter((point) => point.fans !== null);
  const latest = counted[counted.length - 1];
  if (rule.kind === "anomaly") {
    return member.anomalies
      .filter((anomaly) => anomaly.date === day)
      .map((anomaly) => ({
        kolId: member.kolId,
        rule: "anomaly",
        text: `${member.kolId}: ${anomaly.kind} of ${signed(anomaly.delta)} followers on ${anomaly.date} (score ${anomaly.score})`,
      }));
  }
  if (!latest || latest.date !== day) return [];
  if (rule.kind === "below") {
    return latest.fans! < rule.fans
      ? [
          {
            kolId: member.kolId,
            rule: "below",
            text: `${member.kolId}: ${thousands(latest.fans!)} followers on ${day}, below ${thousands(rule.fans)}`,
          },
        ]
      : [];
  }
  const from = member.series.find((point) => point.date === addDays(day, -rule.days))?.fans ?? null;
  if (from === null) return [];
  const change = latest.fans! - from;
  const percent = from ? (change / from) * 100 : 0;
  const past =
    (rule.above !== undefined && Math.abs(change) >= rule.above) ||
    (rule.abovePercent !== undefined && Math.abs(percent) >= rule.abovePercent);
  if (!past) return [];
  return [
    {
      kolId: member.kolId,
      rule: "change",
      text: `${member.kolId}: ${signed(change)} followers (${percent >= 0 ? "+" : ""}${percent.toFixed(2)}%) over ${rule.days} days to ${day}`,
    },
  ];
}

/** Every alert the rules raise on `day`, creator by creator in the roster's order. */
export function evaluate(trends: RosterTrends, rules: WatchRule[], day: string): Alert[] {
  return trends.members.flatMap((member) => (member.ok ? rules.flatMap((rule) => alertsOf(member, rule, day)) : []));
}
