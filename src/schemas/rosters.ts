/**
 * @module Rosters: what a client may send (names, creator lists, the range of a roster's trends),
 * validated with zod like the single-creator routes. What it gets back is roster-answers.ts.
 */
import * as z from "zod/mini";
import { watchSchemas } from "./watches.ts";
import { langSchema } from "../render/language.ts";
import {
  bomSchema,
  builtOnFirstUse,
  chartKeySchema,
  chartWidthSchema,
  kolIdSchema,
  rangeFields,
  rule,
  withRangeRules,
  type RangeLimits,
} from "./request.ts";
import { labelSchema, nfc } from "./label.ts";

/** Creators in one roster. */
export const MAX_ROSTER_SIZE = 500;
/** Rosters one key may keep. */
export const MAX_ROSTERS = 100;
/** Creators in one ad-hoc request (`POST /v1/kols/daily-fans`), which saves no roster. */
export const MAX_ADHOC_KOLS = 200;

/** Letters and digits of any script, then also combining marks and . _ -: safe in a URL path once
 * percent-encoded, and one spelling per name once normalised (NFC). Never a character that shows
 * nothing (a variation selector, a grapheme joiner): two names that look alike are one name. */
const ROSTER_NAME = /^(?!.*\p{Default_Ignorable_Code_Point})[\p{L}\p{N}][\p{L}\p{M}\p{N}._-]{0,63}$/u;

/** A roster's name: `春季投放` as well as `spring-campaign`. Normalised to NFC, so the same name
 * typed on two systems (composed or decomposed) is one roster. */
export const rosterNameSchema = z.pipe(
  z.string().check(
    z.refine(
      (value) => ROSTER_NAME.test(nfc(value)),
      rule("roster_name", "must be 1 to 64 letters (any script), digits, . _ or -, starting with a letter or digit"),
    ),
    z.meta({
      description: "The roster's name, unique for the key: letters of any script, digits, . _ -; compared after Unicode NFC normalisation.",
      pattern: ROSTER_NAME.source,
      examples: ["spring-campaign", "春季投放"],
    }),
  ),
  z.transform(nfc),
);

const kolIdsSchema = (max: number) =>
  z.array(kolIdSchema).check(
    z.refine((ids) => ids.length >= 1, rule("min_items", "must list at least one creator")),
    z.refine((ids) => ids.length <= max, rule("max_items", `must list at most ${max} creators`)),
    z.refine((ids) => new Set(ids).size === ids.length, rule("unique", "must not list a creator twice")),
    z.meta({ description: `Creator (KOL) ids, each 1 to 32 digits; at most ${max}, no repeats.` }),
  );

/** The body of `PUT /v1/rosters/{name}` and `POST /v1/rosters/{name}/kols`: the creators, and
 * optionally a label for any of them (POST also relabels creators already in the roster). */
export const rosterKolsBodySchema = z
  .strictObject({
    kolIds: kolIdsSchema(MAX_ROSTER_SIZE),
    labels: z.optional(
      z
        .record(kolIdSchema, labelSchema)
        .check(z.meta({ description: "Labels by creator id, for creators listed in kolIds.", examples: [{ "6838432048": "李佳琦" }] })),
    ),
  })
  .check(
    z.superRefine((body, ctx) => {
      for (const kolId of Object.keys(body.labels ?? {})) {
        if (!body.kolIds.includes(kolId)) {
          ctx.addIssue({ code: "custom", path: ["labels", kolId], ...rule("listed", "labels a creator that kolIds does not list") });
        }
      }
    }),
  );
export type RosterKolsBody = z.output<typeof rosterKolsBodySchema>;

export const rosterBodySchema = z.object({ path: z.object({ name: rosterNameSchema }), body: rosterKolsBodySchema });

/** `PATCH /v1/rosters/{name}` with `{ "name": "新名字" }`: the roster, its watch and its share links under a new name. */
export const rosterRenameSchema = z.object({
  path: z.object({ name: rosterNameSchema }),
  body: z.strictObject({ name: rosterNameSchema }),
});

/** Many creators' formats: JSON, long CSV, or wide CSV (a column per creator). */
export const rosterFormatSchema = z.optional(
  z.enum(["json", "csv", "csv-wide"], { error: "must be json, csv or csv-wide" }).check(
    z.meta({
      description:
        "json (the default); csv, long (kolId,date,fans,delta,label: a row per creator and day; `Accept: text/csv` also asks for it); or csv-wide (a row per date, a column per creator, headed by its label).",
    }),
  ),
);

/** `fields=summary`: each creator's summary and anomalous days without its day-by-day series. */
export const fieldsSchema = z.optional(
  z.enum(["all", "summary"], { error: "must be all or summary" }).check(
    z.meta({
      description:
        "all (the default), or summary: each creator's summary, anomalous days and rankings without the day-by-day series (a roster of hundreds of creators in a few kilobytes). JSON only.",
    }),
  ),
);

/** `GET /v1/rosters/{name}/daily-fans?startDate&endDate[&acceptCache][&format][&lang][&bom][&fields]` */
export function rosterTrendsRequestSchema(limits: RangeLimits) {
  return z.object({
    path: z.object({ name: rosterNameSchema }),
    query: withRangeRules(
      z.strictObject({ ...rangeFields, format: rosterFormatSchema, lang: langSchema, bom: bomSchema, fields: fieldsSchema }),
      limits,
    ),
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
    query: withRangeRules(
      z.strictObject({ ...rangeFields, mode: compareModeSchema, key: chartKeySchema, lang: langSchema, width: chartWidthSchema }),
      limits,
    ),
  });
}

/** The body of `POST /v1/kols/daily-fans`: `{ kolIds, startDate, endDate, acceptCache?, format? }`. */
export const adhocBodySchema = z.strictObject({
  kolIds: kolIdsSchema(MAX_ADHOC_KOLS),
  ...rangeFields,
  format: rosterFormatSchema,
  lang: langSchema,
  bom: z.optional(z.boolean()),
  fields: fieldsSchema,
});

export function adhocTrendsRequestSchema(limits: RangeLimits) {
  return z.object({ body: withRangeRules(adhocBodySchema, limits) });
}

/** `PUT /v1/rosters/{name}/watch`: the roster's name with the watch. */
export const watchRequestSchema = builtOnFirstUse(() =>
  z.object({ path: z.object({ name: rosterNameSchema }), body: watchSchemas().body }),
);
