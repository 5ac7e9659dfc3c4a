/**
 * @module A roster's watch: the rules that raise an alert, and where the day's digest goes.
 * Chat targets must be their service's own webhook address (the host is checked per type), so a
 * watch cannot be pointed at anything else; a Standard Webhooks target follows CALLBACK_HOSTS.
 */
import * as z from "zod/mini";
import { builtOnFirstUse, rule } from "./request.ts";

/** Rules one watch may have, and targets it may send to. */
export const MAX_RULES = 10;
export const MAX_TARGETS = 5;
/** Days a watch reads (ending yesterday, Shanghai): the anomaly rule's normal, and the longest change. */
export const WATCH_RANGE_DAYS = 30;

/** The service hosts each chat target type may send to. */
export const CHAT_HOSTS = {
  feishu: ["open.feishu.cn", "open.larksuite.com"],
  dingtalk: ["oapi.dingtalk.com"],
  wecom: ["qyapi.weixin.qq.com"],
  slack: ["hooks.slack.com"],
} as const;

const chatUrl = (type: keyof typeof CHAT_HOSTS) =>
  z.string().check(
    z.refine(
      (value) => {
        try {
          const url = new URL(value);
          return url.protocol === "https:" && (CHAT_HOSTS[type] as readonly string[]).includes(url.hostname) && url.port === "";
        } catch {
          return false;
        }
      },
      rule("target_url", `must be an https URL on ${CHAT_HOSTS[type].join(" or ")}`),
    ),
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
  });
  return { rule: ruleSchema, target: targetSchema, body: bodySchema };
});
type WatchSchemas = ReturnType<typeof watchSchemas>;
export type WatchRule = z.output<WatchSchemas["rule"]>;
export type WatchTarget = z.output<WatchSchemas["target"]>;
export type Watch = z.output<WatchSchemas["body"]>;
