/**
 * @module What the roster routes answer, typed from these schemas. The Worker imports only their
 * types: the schemas themselves serve the OpenAPI document and the tests, off the data path.
 */
import * as z from "zod/mini";
import { dateSchema } from "./request.ts";
import { trendPointSchema, trendSummarySchema } from "./trend.ts";
import { watchSchemas } from "./watches.ts";

export const rosterSchema = z.object({
  name: z.string(),
  kolIds: z.array(z.string()),
  /** Labels by creator id, for the creators that have one. */
  labels: z.record(z.string(), z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RosterBody = z.output<typeof rosterSchema>;

export const rosterListSchema = z.object({
  rosters: z.array(z.object({ name: z.string(), size: z.int(), updatedAt: z.string() })),
  limits: z.object({ rosters: z.int(), creatorsPerRoster: z.int() }),
});
export type RosterList = z.output<typeof rosterListSchema>;

export const anomalySchema = z.object({
  date: dateSchema,
  delta: z.int(),
  score: z.number(),
  kind: z.enum(["spike", "drop"]),
});

const memberProblemSchema = z.object({ type: z.string(), title: z.string(), status: z.int(), detail: z.string() });

export const rosterMemberSchema = z.union([
  z.object({
    kolId: z.string(),
    label: z.optional(z.string()),
    ok: z.literal(true),
    cacheStatus: z.string(),
    /** Left out with `fields=summary` (RosterSummaryTrends). */
    series: z.array(trendPointSchema),
    summary: trendSummarySchema,
    anomalies: z.array(anomalySchema),
  }),
  z.object({ kolId: z.string(), label: z.optional(z.string()), ok: z.literal(false), problem: memberProblemSchema }),
]);
export type RosterMember = z.output<typeof rosterMemberSchema>;
/** A creator the answer has a trend for. */
export type AnsweredMember = Extract<RosterMember, { ok: true }>;

export const rosterTrendsSchema = z.object({
  roster: z.nullable(z.string()),
  startDate: z.string(),
  endDate: z.string(),
  /** Every creator answered. */
  complete: z.boolean(),
  answered: z.int(),
  failed: z.int(),
  members: z.array(rosterMemberSchema),
  rankings: z.object({
    /** Answered creators, largest follower change first. */
    byChange: z.array(z.string()),
    /** Creators with anomalous days, the strongest first. */
    byAnomaly: z.array(z.string()),
  }),
});
export type RosterTrends = z.output<typeof rosterTrendsSchema>;

/** The same with `fields=summary`: each answered creator without its series. */
export type RosterSummaryTrends = Omit<RosterTrends, "members"> & {
  members: (Exclude<RosterMember, { ok: true }> | Omit<AnsweredMember, "series">)[];
};

/** What a client reads back of a watch: the rules, each target with its secret replaced by whether
 * it is set (every address shows its origin only: a chat service's token, and many receivers'
 * secrets, are in the path or query), and the last day a digest went out. */
export const watchViewSchema = z.object({
  rules: z.array(watchSchemas().rule),
  targets: z.array(
    z.object({ type: z.enum(["webhook", "feishu", "dingtalk", "wecom", "slack"]), url: z.string(), secret: z.optional(z.literal("set")) }),
  ),
  lastDigest: z.nullable(z.string()),
  /** The digest's language (a watch set without one: the default, zh-CN). */
  lang: z.enum(["zh-CN", "en"]),
});
export type WatchView = z.output<typeof watchViewSchema>;
