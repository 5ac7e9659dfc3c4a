/**
 * @module A roster's daily digest as each target expects it, and signed as each documents:
 * - `webhook`: Standard Webhooks (the owner key's secret; `webhook-id` stays the same on retries);
 * - `feishu` (Feishu/Lark custom bot): `{ msg_type: "text" }`; with a secret, `timestamp` and
 *   `sign` = base64(HMAC-SHA256 keyed by "<timestamp>\n<secret>" over nothing);
 * - `dingtalk` (DingTalk custom robot): markdown; with a secret, `&timestamp=<ms>&sign=` the URL-
 *   encoded base64(HMAC-SHA256 keyed by the secret over "<timestamp>\n<secret>");
 * - `wecom` (WeCom group robot): markdown, the key is in the URL;
 * - `slack` (incoming webhook): `{ text }`, the secret is the URL.
 * Chat services answer HTTP 200 with their own code: `accepted` reads it.
 */
import { base64, hmacSha256 } from "../bytes.ts";
import type { Alert } from "./rules.ts";
import { DIGEST_WORDS, type DigestWords } from "./digest-words.ts";
import { DEFAULT_DIGEST_LANG, type DigestLang, type WatchTarget } from "../schemas/watches.ts";
import { refusalOf, type Outgoing } from "../webhooks/outbound.ts";

export interface Digest {
  roster: string;
  /** The Shanghai day the digest speaks of (the latest day of its range). */
  day: string;
  startDate: string;
  endDate: string;
  alerts: Alert[];
  /** Creators the watch could not read today, beside the alerts. */
  unanswered: number;
  /** The language its words are written in (absent in digests queued before there was a choice: the default). */
  lang?: DigestLang;
  /** A sample sent by `POST .../watch/test`: its title says so, and its alerts are made up. */
  test?: true;
}

const hmacBase64 = async (key: string, message: string) => base64(await hmacSha256(key, message));

const wordsOf = (digest: Digest): DigestWords => DIGEST_WORDS[digest.lang ?? DEFAULT_DIGEST_LANG];

export function digestTitle(digest: Digest): string {
  const words = wordsOf(digest);
  return digest.test ? words.testTitle(digest.roster) : words.title(digest.roster, digest.day, digest.alerts.length);
}

/** One alert as a person reads it, in the digest's language. */
export function alertText(alert: Alert, words: DigestWords): string {
  // A digest queued before alerts carried their numbers has its English line instead: sent as it was written.
  const earlier = alert as Partial<Alert> & { text?: string };
  return earlier.date === undefined && typeof earlier.text === "string" ? earlier.text : words.alert(alert);
}

function digestLines(digest: Digest): string[] {
  const words = wordsOf(digest);
  const lines = digest.alerts.map((alert) => `- ${alertText(alert, words)}`);
  if (digest.test) lines.unshift(words.testNote);
  if (digest.unanswered > 0) lines.push(words.unanswered(digest.unanswered));
  return lines;
}

/**
 * A webhook target's JSON body: the digest with each alert's line (`text`) in its language. A
 * sample's type is `roster.digest.test`, so no automation takes its made-up alerts for real ones.
 */
export function webhookBody(digest: Digest): string {
  const words = wordsOf(digest);
  const { test, ...fields } = digest;
  return JSON.stringify({
    type: test ? "roster.digest.test" : "roster.digest",
    ...fields,
    lang: digest.lang ?? DEFAULT_DIGEST_LANG,
    alerts: digest.alerts.map((alert) => ({ ...alert, text: alertText(alert, words) })),
  });
}

const JSON_HEADERS = { "Content-Type": "application/json", "User-Agent": "xingtu-edge-alerts" };

/** The request for a chat target (a webhook target is signed by the caller, with the owner's secrets). */
export async function chatRequest(target: Exclude<WatchTarget, { type: "webhook" }>, digest: Digest, nowMs: number): Promise<Outgoing> {
  const title = digestTitle(digest);
  const lines = digestLines(digest);
  switch (target.type) {
    case "feishu": {
      const body: Record<string, unknown> = { msg_type: "text", content: { text: [title, ...lines].join("\n") } };
      if (target.secret) {
        const timestamp = String(Math.floor(nowMs / 1000));
        body.timestamp = timestamp;
        body.sign = await hmacBase64(`${timestamp}\n${target.secret}`, "");
      }
      return { url: target.url, headers: JSON_HEADERS, body: JSON.stringify(body) };
    }
    case "dingtalk": {
      const body = { msgtype: "markdown", markdown: { title, text: [`#### ${title}`, "", ...lines].join("\n") } };
      let url = target.url;
      if (target.secret) {
        const timestamp = String(nowMs);
        const sign = await hmacBase64(target.secret, `${timestamp}\n${target.secret}`);
        url += `${url.includes("?") ? "&" : "?"}timestamp=${timestamp}&sign=${encodeURIComponent(sign)}`;
      }
      return { url, headers: JSON_HEADERS, body: JSON.stringify(body) };
    }
    case "wecom":
      return {
        url: target.url,
        headers: JSON_HEADERS,
        body: JSON.stringify({ msgtype: "markdown", markdown: { content: [`**${title}**`, ...lines].join("\n") } }),
      };
    case "slack":
      return { url: target.url, headers: JSON_HEADERS, body: JSON.stringify({ text: [`*${title}*`, ...lines].join("\n") }) };
  }
}

/** A chat service's own answer under HTTP 2xx: its code (0 is success) and message, each null when absent. */
export async function serviceAnswer(response: Response): Promise<{ code: number | null; message: string | null }> {
  const answer = (await response.json().catch(() => null)) as {
    code?: number;
    StatusCode?: number;
    errcode?: number;
    msg?: string;
    errmsg?: string;
    StatusMessage?: string;
  } | null;
  const code = answer?.code ?? answer?.StatusCode ?? answer?.errcode;
  const message = answer?.msg ?? answer?.errmsg ?? answer?.StatusMessage;
  return { code: typeof code === "number" ? code : null, message: typeof message === "string" ? message.slice(0, 200) : null };
}

/** Whether the target took the message: 2xx, and for chat services their own success code. */
export async function accepted(target: WatchTarget, response: Response): Promise<string | null> {
  const refused = refusalOf(response, "target");
  if (refused || target.type === "webhook" || target.type === "slack") {
    await response.body?.cancel();
    return refused;
  }
  const { code, message } = await serviceAnswer(response);
  return code === 0 ? null : `the ${target.type} service answered code ${code ?? "(none)"}: ${message ?? ""}`;
}
