/**
 * Each chat service's digest: the exact body it documents, and its signature computed again here
 * from the documented scheme (node's own HMAC is not available in workerd: WebCrypto, written
 * independently of src/alerts/formats.ts).
 */
import { describe, expect, it } from "vitest";
import { accepted, chatRequest, webhookBody, type Digest } from "../../src/alerts/formats.ts";
import { chineseCount } from "../../src/alerts/digest-words.ts";
import { sampleDigest } from "../../src/alerts/watch-test.ts";
import type { Alert } from "../../src/alerts/rules.ts";

const SPIKE: Alert = { kolId: "6838432048", rule: "anomaly", date: "2026-03-09", kind: "spike", delta: 80_000, score: 41.2 };
const digest: Digest = {
  roster: "spring",
  day: "2026-03-09",
  startDate: "2026-02-08",
  endDate: "2026-03-09",
  lang: "en",
  alerts: [SPIKE],
  unanswered: 1,
};
const NOW = Date.parse("2026-03-10T02:00:00Z");
const TITLE = "Xingtu Edge: roster spring, 2026-03-09: 1 alert";
const LINES = ["- 6838432048: spike of +80,000 followers on 2026-03-09 (score 41.2)", "(1 creator could not be read today)"];

async function hmac(key: string, message: string): Promise<string> {
  const encoder = new TextEncoder();
  const cryptoKey = await crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message)));
  let binary = "";
  for (const byte of signature) binary += String.fromCharCode(byte);
  return btoa(binary);
}

describe("digests for chat services", () => {
  it('Feishu/Lark: a text message, signed with timestamp and sign over "<timestamp>\\n<secret>"', async () => {
    const url = "https://open.feishu.cn/open-apis/bot/v2/hook/abc";
    const request = await chatRequest({ type: "feishu", url, secret: "feishu-secret" }, digest, NOW);
    const timestamp = String(NOW / 1000);
    expect(request.url).toBe(url);
    expect(JSON.parse(request.body)).toEqual({
      msg_type: "text",
      content: { text: [TITLE, ...LINES].join("\n") },
      timestamp,
      sign: await hmac(`${timestamp}\nfeishu-secret`, ""),
    });
  });

  it("DingTalk: markdown, with timestamp and the URL-encoded sign in the address", async () => {
    const url = "https://oapi.dingtalk.com/robot/send?access_token=abc";
    const request = await chatRequest({ type: "dingtalk", url, secret: "SECdingtalk" }, digest, NOW);
    const sign = await hmac("SECdingtalk", `${NOW}\nSECdingtalk`);
    expect(request.url).toBe(`${url}&timestamp=${NOW}&sign=${encodeURIComponent(sign)}`);
    expect(JSON.parse(request.body)).toEqual({
      msgtype: "markdown",
      markdown: { title: TITLE, text: [`#### ${TITLE}`, "", ...LINES].join("\n") },
    });
  });

  it("WeCom: markdown to the key's address, unsigned", async () => {
    const url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc";
    const request = await chatRequest({ type: "wecom", url }, digest, NOW);
    expect(request.url).toBe(url);
    expect(JSON.parse(request.body)).toEqual({ msgtype: "markdown", markdown: { content: [`**${TITLE}**`, ...LINES].join("\n") } });
  });

  it("Slack: text to the incoming webhook", async () => {
    const url = "https://hooks.slack.com/services/T0/B0/abc";
    const request = await chatRequest({ type: "slack", url }, digest, NOW);
    expect(JSON.parse(request.body)).toEqual({ text: [`*${TITLE}*`, ...LINES].join("\n") });
  });

  it("reads each service's own success code under HTTP 200", async () => {
    const feishu = { type: "feishu", url: "https://open.feishu.cn/x" } as const;
    expect(await accepted(feishu, Response.json({ code: 0, msg: "success" }))).toBeNull();
    expect(await accepted(feishu, Response.json({ code: 19021, msg: "sign match fail" }))).toContain("code 19021");
    const dingtalk = { type: "dingtalk", url: "https://oapi.dingtalk.com/x" } as const;
    expect(await accepted(dingtalk, Response.json({ errcode: 130101, errmsg: "send too fast" }))).toContain("send too fast");
    expect(await accepted({ type: "slack", url: "https://hooks.slack.com/x" }, new Response("ok"))).toBeNull();
    expect(await accepted({ type: "slack", url: "https://hooks.slack.com/x" }, new Response("no_text", { status: 400 }))).toContain(
      "HTTP 400",
    );
  });
});

const WECOM = { type: "wecom", url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc" } as const;
/** The lines of a digest as WeCom receives it (its title first, bold). */
const wecomLines = async (of: Digest) =>
  (JSON.parse((await chatRequest(WECOM, of, NOW)).body) as { markdown: { content: string } }).markdown.content.split("\n");

describe("a digest's language", () => {
  it("is Simplified Chinese when the watch names none, counts in 万", async () => {
    const { lang: _lang, ...unnamed } = digest;
    expect(await wecomLines(unnamed)).toEqual([
      "**星图 Edge：名单「spring」2026-03-09 共 1 条提醒**",
      "- 6838432048：2026-03-09 粉丝异常激增 +8万（异常分 41.2）",
      "（今日有 1 位达人未能读取）",
    ]);
  });

  it("writes every rule's line in Chinese", async () => {
    const alerts: Alert[] = [
      { kolId: "1", rule: "anomaly", date: "2026-03-09", kind: "drop", delta: -23_000, score: 5 },
      { kolId: "2", rule: "change", date: "2026-03-09", days: 7, change: 80_475, percent: 7.99 },
      { kolId: "3", rule: "below", date: "2026-03-09", fans: 952_000, below: 1_000_000 },
    ];
    expect((await wecomLines({ ...digest, lang: "zh-CN", alerts, unanswered: 0 })).slice(1)).toEqual([
      "- 1：2026-03-09 粉丝异常骤降 -2.3万（异常分 5）",
      "- 2：近 7 天粉丝 +8.05万（+7.99%），截至 2026-03-09",
      "- 3：2026-03-09 粉丝 95.2万，低于 100万",
    ]);
  });

  it("writes every rule's line in English, counts with commas", async () => {
    const alerts: Alert[] = [
      { kolId: "2", rule: "change", date: "2026-03-09", days: 7, change: -80_475, percent: -7.99 },
      { kolId: "3", rule: "below", date: "2026-03-09", fans: 952_000, below: 1_000_000 },
    ];
    expect((await wecomLines({ ...digest, alerts, unanswered: 2 })).slice(1)).toEqual([
      "- 2: -80,475 followers (-7.99%) over 7 days to 2026-03-09",
      "- 3: 952,000 followers on 2026-03-09, below 1,000,000",
      "(2 creators could not be read today)",
    ]);
  });

  it("names a labelled creator as label (kolId), in either language", async () => {
    const labelled = { ...SPIKE, label: "小杨哥" };
    expect((await wecomLines({ ...digest, alerts: [labelled], unanswered: 0 }))[1]).toBe(
      "- 小杨哥 (6838432048): spike of +80,000 followers on 2026-03-09 (score 41.2)",
    );
    expect((await wecomLines({ ...digest, lang: "zh-CN", alerts: [labelled], unanswered: 0 }))[1]).toBe(
      "- 小杨哥 (6838432048)：2026-03-09 粉丝异常激增 +8万（异常分 41.2）",
    );
  });

  it("counts in Chinese as readers write them: 万 from ten thousand, 亿 from a hundred million, no commas", () => {
    expect([9_999, 10_000, 80_000, 12_345, 1_080_000, -23_000, 95_000_000, 100_000_000, 150_000_000].map(chineseCount)).toEqual([
      "9999",
      "1万",
      "8万",
      "1.23万",
      "108万",
      "-2.3万",
      "9500万",
      "1亿",
      "1.5亿",
    ]);
  });

  it("sends a digest queued before alerts carried their numbers as it was written", async () => {
    const earlier = { kolId: "6838432048", rule: "anomaly", text: "6838432048: spike of +80,000 followers on 2026-03-09 (score 41.2)" };
    const lines = await wecomLines({ ...digest, alerts: [earlier as unknown as Alert], unanswered: 0 });
    expect(lines[1]).toBe(`- ${earlier.text}`);
  });
});

describe("a webhook target's digest", () => {
  it("is a roster.digest with each alert's numbers, label and line in the watch's language", () => {
    const body = JSON.parse(webhookBody({ ...digest, lang: "zh-CN", alerts: [{ ...SPIKE, label: "小杨哥" }] })) as Record<string, unknown>;
    expect(body).toEqual({
      type: "roster.digest",
      roster: "spring",
      day: "2026-03-09",
      startDate: "2026-02-08",
      endDate: "2026-03-09",
      lang: "zh-CN",
      unanswered: 1,
      alerts: [{ ...SPIKE, label: "小杨哥", text: "小杨哥 (6838432048)：2026-03-09 粉丝异常激增 +8万（异常分 41.2）" }],
    });
  });

  it("names the default language when the digest has none", () => {
    const { lang: _lang, ...unnamed } = digest;
    expect(JSON.parse(webhookBody(unnamed))).toMatchObject({ lang: "zh-CN" });
  });
});

describe("a watch's sample digest", () => {
  const roster = { name: "spring", kolIds: ["111", "222"], labels: { "222": "小杨哥" } };
  const rules = [{ kind: "anomaly" }, { kind: "change", days: 7, abovePercent: 5 }, { kind: "below", fans: 1_000_000 }] as const;

  it("says in its title and first line that it is a test, in the watch's language", async () => {
    const zh = await wecomLines(sampleDigest(roster, { rules: [...rules] }, "2026-03-09"));
    expect(zh.slice(0, 2)).toEqual(["**【测试】星图 Edge：名单「spring」示例提醒**", "这是一条测试消息：以下提醒为示例，并非真实数据。"]);
    const en = await wecomLines(sampleDigest(roster, { rules: [...rules], lang: "en" }, "2026-03-09"));
    expect(en.slice(0, 2)).toEqual([
      "**[TEST] Xingtu Edge: roster spring: sample alerts**",
      "This is a test: the alerts below are samples, not real data.",
    ]);
  });

  it("has an alert for each of the watch's first two rules, on the roster's creators with their labels", () => {
    const sample = sampleDigest(roster, { rules: [...rules] }, "2026-03-09");
    expect(sample.alerts).toEqual([
      { kolId: "111", rule: "anomaly", date: "2026-03-09", kind: "spike", delta: 12_345, score: 4.2 },
      { kolId: "222", label: "小杨哥", rule: "change", date: "2026-03-09", days: 7, change: 51_000, percent: 5.1 },
    ]);
  });

  it("breaks each rule just past its threshold", () => {
    const sample = sampleDigest(
      roster,
      {
        rules: [
          { kind: "below", fans: 500_000 },
          { kind: "change", days: 3, above: 20_000 },
        ],
      },
      "2026-03-09",
    );
    expect(sample.alerts).toMatchObject([
      { rule: "below", fans: 475_000, below: 500_000 },
      { rule: "change", days: 3, change: 21_000 },
    ]);
  });

  it("makes up a labelled sample creator for a roster without creators", () => {
    const sample = sampleDigest({ name: "empty", kolIds: [] }, { rules: [{ kind: "below", fans: 0 }] }, "2026-03-09");
    expect(sample.alerts).toEqual([
      { kolId: "1234567890", label: "示例达人", rule: "anomaly", date: "2026-03-09", kind: "spike", delta: 12_345, score: 4.2 },
    ]);
  });

  it("is a roster.digest.test to a webhook, so no automation takes it for a real one", () => {
    expect(JSON.parse(webhookBody(sampleDigest(roster, { rules: [{ kind: "anomaly" }] }, "2026-03-09")))).toMatchObject({
      type: "roster.digest.test",
      roster: "spring",
    });
  });
});
