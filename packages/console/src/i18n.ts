/** Every word the console shows, in Simplified Chinese and English; the browser's language chooses, the switch overrides. */
export type Lang = "zh-CN" | "en";

const WORDS = {
  "zh-CN": {
    title: "Xingtu Edge 控制台",
    signIn: "登录",
    signOut: "退出",
    keyLabel: "客户端密钥",
    keyHint: "密钥只保存在本标签页（sessionStorage），关闭标签页即清除，不会出现在网址或 Cookie 中。",
    rosters: "达人名单",
    newRoster: "新建名单",
    rosterName: "名单名称",
    creatorsLines: "达人（每行一个：ID 名称）",
    create: "创建",
    creators: "位达人",
    open: "打开",
    back: "返回名单",
    days: (n: number) => `近 ${n} 天`,
    label: "名称",
    kolId: "达人 ID",
    latest: "最新粉丝数",
    change: "变化",
    changeRate: "变化率",
    trend: "趋势",
    anomalies: "异常日",
    absolute: "绝对值",
    indexed: "指数（首日 = 100）",
    download: "下载",
    csv: "CSV（长表）",
    wideCsv: "Excel 宽表（CSV）",
    share: "生成分享链接",
    copy: "复制",
    copied: "已复制",
    link: "链接",
    embed: "嵌入代码",
    usage: "今日用量",
    requests: "请求",
    upstreamCalls: "上游调用",
    billed: "计费调用",
    remaining: "剩余额度",
    unlimited: "不限",
    failed: (n: number) => `${n} 位达人未能获取：`,
    loading: "加载中…",
    language: "English",
  },
  en: {
    title: "Xingtu Edge console",
    signIn: "Sign in",
    signOut: "Sign out",
    keyLabel: "Client key",
    keyHint: "The key is kept in this tab only (sessionStorage): gone when the tab closes, never in a URL or a cookie.",
    rosters: "Rosters",
    newRoster: "New roster",
    rosterName: "Roster name",
    creatorsLines: "Creators (one a line: id name)",
    create: "Create",
    creators: "creators",
    open: "Open",
    back: "Back to rosters",
    days: (n: number) => `Last ${n} days`,
    label: "Name",
    kolId: "Creator id",
    latest: "Followers",
    change: "Change",
    changeRate: "Change %",
    trend: "Trend",
    anomalies: "Anomalies",
    absolute: "Absolute",
    indexed: "Indexed (first day = 100)",
    download: "Download",
    csv: "CSV (long)",
    wideCsv: "Wide CSV for Excel",
    share: "Make a share link",
    copy: "Copy",
    copied: "Copied",
    link: "Link",
    embed: "Embed code",
    usage: "Today",
    requests: "Requests",
    upstreamCalls: "Upstream calls",
    billed: "Billed calls",
    remaining: "Left today",
    unlimited: "no limit",
    failed: (n: number) => `${n} creators could not be read:`,
    loading: "Loading…",
    language: "中文",
  },
} satisfies Record<Lang, unknown>;

export type Words = (typeof WORDS)[Lang];

const LANG_ITEM = "xingtu-edge.lang";

export function initialLang(): Lang {
  const saved = localStorage.getItem(LANG_ITEM);
  if (saved === "zh-CN" || saved === "en") return saved;
  return navigator.languages.some((tag) => tag.toLowerCase().startsWith("zh")) || !navigator.languages.length ? "zh-CN" : "en";
}

export function wordsOf(lang: Lang): Words {
  localStorage.setItem(LANG_ITEM, lang);
  document.documentElement.lang = lang;
  return WORDS[lang];
}

/** Numbers as people of each language read them. */
export const formatNumber = (lang: Lang, value: number | null | undefined, options: Intl.NumberFormatOptions = {}) =>
  value === null || value === undefined ? "–" : new Intl.NumberFormat(lang, options).format(value);
