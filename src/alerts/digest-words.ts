/**
 * @module Every word a digest says, in Simplified Chinese and in English. Chinese counts are
 * written as Chinese readers write them (8万, 123.46万, 1.2亿, 9500万); English ones with commas
 * (80,000). A creator reads `label (kolId)` when the roster labels it, else its id alone.
 */
import { signed, thousands } from "../render/numbers.ts";
import type { DigestLang } from "../schemas/watches.ts";
import type { Alert } from "./rules.ts";

/** A count in 万 (10^4) or 亿 (10^8) from 10,000 up, to two decimals at most, without the commas
 * Chinese readers do not group by (9500万, 9999). */
export function chineseCount(value: number): string {
  const size = Math.abs(value);
  const [unit, divisor] = size >= 1e8 ? ["亿", 1e8] : size >= 1e4 ? ["万", 1e4] : ["", 1];
  // `+ 0` writes -0 (a tiny negative rounded away) as 0.
  return `${Math.round((value / divisor) * 100) / 100 + 0}${unit}`;
}

const chineseSigned = (value: number) => `${value >= 0 ? "+" : ""}${chineseCount(value)}`;
const signedPercent = (percent: number) => `${percent >= 0 ? "+" : ""}${percent.toFixed(2)}%`;

/** Who an alert is about: `label (kolId)`, or the id alone. */
export const creator = (alert: Pick<Alert, "kolId" | "label">) => (alert.label ? `${alert.label} (${alert.kolId})` : alert.kolId);

export interface DigestWords {
  title: (roster: string, day: string, alerts: number) => string;
  /** A sample digest's title: says plainly that it is a test. */
  testTitle: (roster: string) => string;
  /** The sample digest's first line: its alerts are made up. */
  testNote: string;
  alert: (alert: Alert) => string;
  unanswered: (count: number) => string;
  /** The sample creator, when the roster has none. */
  sampleCreator: string;
}

export const DIGEST_WORDS: Record<DigestLang, DigestWords> = {
  "zh-CN": {
    title: (roster, day, alerts) => `星图 Edge：名单「${roster}」${day} 共 ${alerts} 条提醒`,
    testTitle: (roster) => `【测试】星图 Edge：名单「${roster}」示例提醒`,
    testNote: "这是一条测试消息：以下提醒为示例，并非真实数据。",
    alert: (alert) => {
      const who = creator(alert);
      switch (alert.rule) {
        case "anomaly":
          return `${who}：${alert.date} 粉丝${alert.kind === "spike" ? "异常激增" : "异常骤降"} ${chineseSigned(alert.delta)}（异常分 ${alert.score}）`;
        case "change":
          return `${who}：近 ${alert.days} 天粉丝 ${chineseSigned(alert.change)}（${signedPercent(alert.percent)}），截至 ${alert.date}`;
        case "below":
          return `${who}：${alert.date} 粉丝 ${chineseCount(alert.fans)}，低于 ${chineseCount(alert.below)}`;
      }
    },
    unanswered: (count) => `（今日有 ${count} 位达人未能读取）`,
    sampleCreator: "示例达人",
  },
  en: {
    title: (roster, day, alerts) => `Xingtu Edge: roster ${roster}, ${day}: ${alerts} alert${alerts === 1 ? "" : "s"}`,
    testTitle: (roster) => `[TEST] Xingtu Edge: roster ${roster}: sample alerts`,
    testNote: "This is a test: the alerts below are samples, not real data.",
    alert: (alert) => {
      const who = creator(alert);
      switch (alert.rule) {
        case "anomaly":
          return `${who}: ${alert.kind} of ${signed(alert.delta)} followers on ${alert.date} (score ${alert.score})`;
        case "change":
          return `${who}: ${signed(alert.change)} followers (${signedPercent(alert.percent)}) over ${alert.days} days to ${alert.date}`;
        case "below":
          return `${who}: ${thousands(alert.fans)} followers on ${alert.date}, below ${thousands(alert.below)}`;
      }
    },
    unanswered: (count) => `(${count} creator${count === 1 ? "" : "s"} could not be read today)`,
    sampleCreator: "Sample creator",
  },
};
