/**
 * Each chat service's digest: the exact body it documents, and its signature computed again here
 * from the documented scheme (node's own HMAC is not available in workerd: WebCrypto, written
 * independently of src/alerts/formats.ts).
 */
import { describe, expect, it } from "vitest";
import { accepted, chatRequest, type Digest } from "../../src/alerts/formats.ts";

const digest: Digest = {
  roster: "spring",
  day: "2026-03-09",
  startDate: "2026-02-08",
  endDate: "2026-03-09",
  alerts: [{ kolId: "6838432048", rule: "anomaly", text: "6838432048: spike of +80,000 followers on 2026-03-09 (score 41.2)" }],
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
