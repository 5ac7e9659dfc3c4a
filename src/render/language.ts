/**
 * @module The language people read an answer in: Simplified Chinese or English, chosen per request
 * by `lang`, else by `Accept-Language` (its q values), else English (what scripts, which send no
 * Accept-Language, have always read). Charts and CSV headers take their words from here.
 */
import * as z from "zod/mini";
import { parseAccept } from "hono/utils/accept";

export const LANGS = ["zh-CN", "en"] as const;
export type Lang = (typeof LANGS)[number];

export const langSchema = z.optional(
  z.pipe(
    z.enum(["zh-CN", "zh", "en"], { error: "must be zh-CN (or zh) or en" }).check(
      z.meta({
        description:
          "The language of the answer's words (chart text, CSV headers): zh-CN or en. Without it, Accept-Language chooses; else en.",
      }),
    ),
    z.transform((value): Lang => (value === "en" ? "en" : "zh-CN")),
  ),
);

/** `lang` when sent, else the better of zh and en by `Accept-Language` (a tie goes to the first listed), else en. */
export function langOf(lang: Lang | undefined, acceptLanguage: string | undefined): Lang {
  if (lang) return lang;
  let best: { lang: Lang; q: number } | undefined;
  for (const entry of parseAccept(acceptLanguage ?? "")) {
    const primary = entry.type.toLowerCase().split("-")[0];
    const candidate = primary === "zh" ? "zh-CN" : primary === "en" ? "en" : undefined;
    if (candidate && entry.q > 0 && (!best || entry.q > best.q)) best = { lang: candidate, q: entry.q };
  }
  return best?.lang ?? "en";
}

/** A creator as people read it, in each language: by its name with its id beside it, or by its id. */
const creatorEn = (kol: string, name?: string) => (name === undefined ? `KOL ${kol}` : `${name} (KOL ${kol})`);
const creatorZh = (kol: string, name?: string) => (name === undefined ? `${kol} ` : `${name}（${kol}）`);

/** Every word a chart or a CSV header says, in each language. */
export const WORDS = {
  en: {
    followers: "Followers",
    indexed: "Followers (first day = 100)",
    date: "Date (Asia/Shanghai)",
    min: "min",
    max: "max",
    trendTitle: (kol: string, from: string, to: string, name?: string) => `Douyin followers of ${creatorEn(kol, name)}, ${from} to ${to}`,
    /** A share link's embed, in words. */
    creatorAlt: (kol: string, name?: string) => `${creatorEn(kol, name)}: Douyin followers`,
    rosterAlt: (roster: string) => `Roster ${roster}: Douyin followers`,
    rosterTitle: (who: string, from: string, to: string) => `Douyin followers of ${who}, ${from} to ${to}`,
    roster: (name: string) => `roster ${name}`,
    creators: (count: number) => `${count} KOLs`,
    noCounts: "no counts",
    notDrawn: (count: number, most: number) => `${count} more not drawn (at most ${most} lines)`,
    notAnswered: (count: number) => `${count} could not be answered`,
    changeOver: "Follower change over the range",
    noneHadCounts: "No creator of this set had counts for this range.",
    noCountsInRange: "No follower counts were available for this range.",
    fromTo: (first: string, last: string, low: string, high: string) =>
      `From ${first} to ${last} followers; lowest ${low}, highest ${high}.`,
    csv: { kolId: "kolId", label: "label", date: "date", fans: "fans", delta: "delta" },
  },
  "zh-CN": {
    followers: "粉丝数",
    indexed: "粉丝数（首日 = 100）",
    date: "日期（北京时间）",
    min: "最低",
    max: "最高",
    trendTitle: (kol: string, from: string, to: string, name?: string) => `抖音达人 ${creatorZh(kol, name)}粉丝数，${from} 至 ${to}`,
    creatorAlt: (kol: string, name?: string) => `抖音达人 ${creatorZh(kol, name)}粉丝数`,
    rosterAlt: (roster: string) => `名单「${roster}」抖音粉丝数`,
    rosterTitle: (who: string, from: string, to: string) => `${who}抖音粉丝数，${from} 至 ${to}`,
    roster: (name: string) => `名单「${name}」`,
    creators: (count: number) => `${count} 位达人`,
    noCounts: "无数据",
    notDrawn: (count: number, most: number) => `另有 ${count} 位未画出（最多 ${most} 条线）`,
    notAnswered: (count: number) => `${count} 位未能获取`,
    changeOver: "区间内粉丝变化",
    noneHadCounts: "这些达人在此区间均无粉丝数据。",
    noCountsInRange: "此区间没有粉丝数据。",
    fromTo: (first: string, last: string, low: string, high: string) => `粉丝数从 ${first} 到 ${last}；最低 ${low}，最高 ${high}。`,
    csv: { kolId: "达人ID", label: "达人名称", date: "日期", fans: "粉丝数", delta: "日增" },
  },
} satisfies Record<Lang, unknown>;

export type Words = (typeof WORDS)[Lang];
