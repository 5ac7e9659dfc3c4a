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
import type { WatchTarget } from "../schemas/watches.ts";
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
}

const hmacBase64 = async (key: string, message: string) => base64(await hmacSha256(key, message));

export function digestTitle(digest: Digest): string {
  return `Xingtu Edge: roster ${digest.roster}, ${digest.day}: ${digest.alerts.length} alert${digest.alerts.length === 1 ? "" : "s"}`;
}

function digestLines(digest: Digest): string[] {
  const lines = digest.alerts.map((alert) => `- ${alert.text}`);
  if (digest.unanswered > 0) lines.push(`(${digest.unanswered} creator${digest.unanswered === 1 ? "" : "s"} could not be read today)`);
  return lines;
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

/** Whether the target took the message: 2xx, and for chat services their own success code. */
export async function accepted(target: WatchTarget, response: Response): Promise<string | null> {
  const refused = refusalOf(response, "target");
  if (refused || target.type === "webhook" || target.type === "slack") {
    await response.body?.cancel();
    return refused;
  }
  const answer = (await response.json().catch(() => null)) as {
    code?: number;
    StatusCode?: number;
    errcode?: number;
    msg?: string;
    errmsg?: string;
  } | null;
  const code = answer?.code ?? answer?.StatusCode ?? answer?.errcode;
  return code === 0
    ? null
    : `the ${target.type} service answered code ${code ?? "(none)"}: ${(answer?.msg ?? answer?.errmsg ?? "").slice(0, 200)}`;
}
