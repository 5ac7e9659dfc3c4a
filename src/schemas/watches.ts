/**
 * @module A roster's watch: the rules that raise an alert, and where the day's digest goes.
 * A chat target must be its service's own incoming-webhook address, in the shape the service
 * documents (host, path and token parameter, checked per type), so a watch cannot be pointed at
 * anything else; a Standard Webhooks target follows CALLBACK_HOSTS.
 */
import * as z from "zod/mini";
import { builtOnFirstUse, rule } from "./request.ts";
import { LANGS, type Lang } from "../render/language.ts";

/** Rules one watch may have, and targets it may send to. */
export const MAX_RULES = 10;
export const MAX_TARGETS = 5;
/** Days a watch reads (ending yesterday, Shanghai): the anomaly rule's normal, and the longest change. */
export const WATCH_RANGE_DAYS = 30;
/** The longest chat address taken: the services' own are well under 200 characters. */
export const MAX_CHAT_URL = 512;
/** The languages a digest is written in (those of charts and CSV); the watches' users are Chinese
 * teams, so Chinese unless asked (charts default to English: scripts read them). */
export const DIGEST_LANGS = LANGS;
export type DigestLang = Lang;
export const DEFAULT_DIGEST_LANG: DigestLang = "zh-CN";

type ChatType = "feishu" | "dingtalk" | "wecom" | "slack";

interface ChatService {
  /** What the service calls the address, for the refusal's message. */
  name: string;
  hosts: readonly string[];
  path: RegExp;
  /** The query parameter that carries the robot's token, where the path does not. */
  token?: string;
  /** The documented address, for the refusal's message. */
  shape: string;
}

const SEGMENT = "[A-Za-z0-9_-]+";

/** Each chat type's incoming-webhook address, as its service documents it. */
export const CHAT_SERVICES: Record<ChatType, ChatService> = {
  feishu: {
    name: "a Feishu/Lark custom bot address",
    hosts: ["open.feishu.cn", "open.larksuite.com"],
    path: new RegExp(`^/open-apis/bot/v2/hook/${SEGMENT}$`),
    shape: "https://open.feishu.cn/open-apis/bot/v2/hook/<token> (or open.larksuite.com)",
  },
  dingtalk: {
    name: "a DingTalk custom robot address",
    hosts: ["oapi.dingtalk.com"],
    path: /^\/robot\/send$/,
    token: "access_token",
    shape: "https://oapi.dingtalk.com/robot/send?access_token=<token>",
  },
  wecom: {
    name: "a WeCom group robot address",
    hosts: ["qyapi.weixin.qq.com"],
    path: /^\/cgi-bin\/webhook\/send$/,
    token: "key",
    shape: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<key>",
  },
  slack: {
    name: "a Slack incoming webhook or workflow trigger",
    hosts: ["hooks.slack.com"],
    path: new RegExp(`^/(?:services|triggers|workflows)(?:/${SEGMENT})+$`),
    shape: "https://hooks.slack.com/services/<...> (or /triggers/<...>, /workflows/<...>)",
  },
};

const parsedUrl = (value: string): URL | null => {
  try {
    return new URL(value);
  } catch {
    return null;
  }
};

/** The path, token and what the documented address does not have: a port, or a fragment (a `#`
 * would also swallow the signature DingTalk's delivery appends to the query). */
function hasShape(service: ChatService, url: URL, value: string): boolean {
  const tokens = service.token ? url.searchParams.getAll(service.token) : [];
  return (
    service.path.test(url.pathname) &&
    (!service.token || (tokens.length === 1 && tokens[0] !== "")) &&
    url.port === "" &&
    !value.includes("#")
  );
}

/** Every rule `value` breaks as a `type` target's address, each with its own reason. */
function chatUrlProblems(type: ChatType, value: string): ReturnType<typeof rule>[] {
  const service = CHAT_SERVICES[type];
  const url = parsedUrl(value);
  if (!url || url.protocol !== "https:" || !service.hosts.includes(url.hostname))
    return [rule("target_url", `must be an https URL on ${service.hosts.join(" or ")}`)];
  const problems: ReturnType<typeof rule>[] = [];
  // The service never asks for them: at best a mistake, at worst someone's password kept with the watch.
  if (url.username || url.password) problems.push(rule("target_url_credentials", "must not carry a user name or password"));
  if (!hasShape(service, url, value))
    problems.push(rule("target_url_shape", `must be ${service.name}, ${service.shape}, with no port or #fragment`));
  return problems;
}

const chatUrl = (type: ChatType) =>
  z.string().check(
    // Too long is the whole answer: the rest is not read.
    z.maxLength(MAX_CHAT_URL, { error: `must be at most ${MAX_CHAT_URL} characters`, abort: true }),
    z.superRefine((value, ctx) => {
      for (const problem of chatUrlProblems(type, value)) ctx.addIssue({ code: "custom", ...problem });
    }),
  );
/**
 * The watch schemas, built on first use: only the watch routes need them, and building them at
 * start-up was a tenth of the Worker's start-up CPU, paid by every isolate that only serves data.
 */
export const watchSchemas = builtOnFirstUse(() => {
  const ruleSchema = z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("anomaly") }),
    z
      .strictObject({
        kind: z.literal("change"),
        days: z
          .int()
          .check(
            z.minimum(1, { error: "must be at least 1" }),
            z.maximum(WATCH_RANGE_DAYS - 1, { error: `must be at most ${WATCH_RANGE_DAYS - 1}` }),
          ),
        above: z.optional(z.int().check(z.minimum(1, { error: "must be at least 1" }))),
        abovePercent: z.optional(z.number().check(z.gt(0, { error: "must be more than 0" }))),
      })
      .check(
        z.refine(
          (value) => value.above !== undefined || value.abovePercent !== undefined,
          rule("change_threshold", "needs above or abovePercent"),
        ),
      ),
    z.strictObject({ kind: z.literal("below"), fans: z.int().check(z.minimum(0, { error: "must be at least 0" })) }),
  ]);
  const secret = z.optional(z.string().check(z.minLength(1), z.maxLength(256)));
  const targetSchema = z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("webhook"), url: z.string().check(z.maxLength(2048)) }),
    z.strictObject({ type: z.literal("feishu"), url: chatUrl("feishu"), secret }),
    z.strictObject({ type: z.literal("dingtalk"), url: chatUrl("dingtalk"), secret }),
    z.strictObject({ type: z.literal("wecom"), url: chatUrl("wecom") }),
    z.strictObject({ type: z.literal("slack"), url: chatUrl("slack") }),
  ]);
  const bodySchema = z.strictObject({
    rules: z
      .array(ruleSchema)
      .check(
        z.minLength(1, { error: "must list at least one rule" }),
        z.maxLength(MAX_RULES, { error: `must list at most ${MAX_RULES} rules` }),
      ),
    targets: z
      .array(targetSchema)
      .check(
        z.minLength(1, { error: "must list at least one target" }),
        z.maxLength(MAX_TARGETS, { error: `must list at most ${MAX_TARGETS} targets` }),
      ),
    // Optional, and kept absent when not sent: a watch set before languages existed reads as the default.
    lang: z.optional(
      z
        .enum(DIGEST_LANGS, { error: `must be ${DIGEST_LANGS.join(" or ")}` })
        .check(z.meta({ description: `The digest's language: zh-CN (the default) or en.` })),
    ),
  });
  return { rule: ruleSchema, target: targetSchema, body: bodySchema };
});

/**
 * What `POST /v1/rosters/{name}/watch/test` answers: each target's own answer to a sample digest,
 * its address as its origin only (a chat service's token is in its path or query).
 */
export const watchTestAnswerSchema = builtOnFirstUse(() =>
  z.object({
    targets: z.array(
      z.object({
        type: z.enum(["webhook", "feishu", "dingtalk", "wecom", "slack"]),
        url: z.string().check(z.meta({ description: "The target's origin." })),
        ok: z.boolean(),
        status: z.nullable(z.int().check(z.meta({ description: "The HTTP status it answered; null when it could not be reached." }))),
        code: z.nullable(
          z
            .number()
            .check(
              z.meta({ description: "The chat service's own code (Feishu code, DingTalk and WeCom errcode); null for webhook and slack." }),
            ),
        ),
        message: z.nullable(
          z.string().check(z.meta({ description: "Why it was not taken: the service's own message, or what went wrong." })),
        ),
      }),
    ),
  }),
);
export type WatchTestAnswer = z.output<ReturnType<typeof watchTestAnswerSchema>>;
export type WatchTestResult = WatchTestAnswer["targets"][number];
type WatchSchemas = ReturnType<typeof watchSchemas>;
export type WatchRule = z.output<WatchSchemas["rule"]>;
export type WatchTarget = z.output<WatchSchemas["target"]>;
export type Watch = z.output<WatchSchemas["body"]>;
