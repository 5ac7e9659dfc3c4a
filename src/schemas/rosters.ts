/**
 * @module Rosters: what a client may send (names, creator lists, the range of a roster's trends),
 * validated with zod like the single-creator routes. What it gets back is roster-answers.ts.
 */
import * as z from "zod/mini";
import { watchSchemas } from "./watches.ts";
import {
  builtOnFirstUse,
  chartKeySchema,
  formatSchema,
  kolIdSchema,
  rangeFields,
  rule,
  withRangeRules,
  type RangeLimits,
} from "./request.ts";

/** Creators in one roster. */
export const MAX_ROSTER_SIZE = 500;
/** Rosters one key may keep. */
export const MAX_ROSTERS = 100;
/** Creators in one ad-hoc request (`POST /v1/kols/daily-fans`), which saves no roster. */
export const MAX_ADHOC_KOLS = 200;

export const rosterNameSchema = z.string().check(
  z.refine(
    (value) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value),
    rule("roster_name", "must be 1 to 64 letters, digits, . _ or -, starting with a letter or digit"),
  ),
  z.meta({
    description: "The roster's name, unique for the key.",
    pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
    examples: ["spring-campaign"],
  }),
);

const kolIdsSchema = (max: number) =>
  z.array(kolIdSchema).check(
    z.refine((ids) => ids.length >= 1, rule("min_items", "must list at least one creator")),
    z.refine((ids) => ids.length <= max, rule("max_items", `must list at most ${max} creators`)),
    z.refine((ids) => new Set(ids).size === ids.length, rule("unique", "must not list a creator twice")),
    z.meta({ description: `Creator (KOL) ids, each 1 to 32 digits; at most ${max}, no repeats.` }),
  );

/** The body of `PUT /v1/rosters/{name}` and `POST /v1/rosters/{name}/kols`. */
export const rosterKolsBodySchema = z.strictObject({ kolIds: kolIdsSchema(MAX_ROSTER_SIZE) });

export const rosterBodySchema = z.object({ path: z.object({ name: rosterNameSchema }), body: rosterKolsBodySchema });

/** `GET /v1/rosters/{name}/daily-fans?startDate&endDate[&acceptCache][&format]` */
export function rosterTrendsRequestSchema(limits: RangeLimits) {
  return z.object({
    path: z.object({ name: rosterNameSchema }),
    query: withRangeRules(z.strictObject({ ...rangeFields, format: formatSchema }), limits),
  });
}

export const compareModeSchema = z.optional(
  z
    .enum(["absolute", "indexed"], { error: "must be absolute or indexed" })
    .check(z.meta({ description: "absolute follower counts (the default), or each creator indexed to 100 on its first day." })),
);

/** `GET /v1/rosters/{name}/daily-fans.svg?startDate&endDate[&acceptCache][&mode][&key]` */
export function rosterChartRequestSchema(limits: RangeLimits) {
  return z.object({
    path: z.object({ name: rosterNameSchema }),
    query: withRangeRules(z.strictObject({ ...rangeFields, mode: compareModeSchema, key: chartKeySchema }), limits),
  });
}

/** The body of `POST /v1/kols/daily-fans`: `{ kolIds, startDate, endDate, acceptCache?, format? }`. */
export const adhocBodySchema = z.strictObject({ kolIds: kolIdsSchema(MAX_ADHOC_KOLS), ...rangeFields, format: formatSchema });

export function adhocTrendsRequestSchema(limits: RangeLimits) {
  return z.object({ body: withRangeRules(adhocBodySchema, limits) });
}

/** `PUT /v1/rosters/{name}/watch`: the roster's name with the watch. */
export const watchRequestSchema = builtOnFirstUse(() =>
  z.object({ path: z.object({ name: rosterNameSchema }), body: watchSchemas().body }),
);
