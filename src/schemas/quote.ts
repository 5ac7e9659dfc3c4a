/**
 * @module What a quote answers (`GET .../quote`): the price of a request before it is made. The
 * Worker imports only the types; the schema serves the OpenAPI document and the tests.
 */
import * as z from "zod/mini";
import { dateSchema } from "./request.ts";

export const quoteSourceSchema = z.enum(["stored-answer", "stored-days", "in-flight", "kept-unusable", "upstream"]);

export const creatorQuoteSchema = z.object({
  kolId: z.string(),
  /** Where its answer would come from now: a stored answer for the range, the KOL's stored days, a
   * call already under way, a billed answer kept because it could not be read, or a new call. */
  source: quoteSourceSchema,
  /** Upstream calls it would make (0 or 1). */
  calls: z.int(),
  /** The window that call would ask for, widened over unstored days up to today (null: no call). */
  window: z.nullable(z.object({ startDate: dateSchema, endDate: dateSchema })),
});

export const quoteSchema = z.object({
  startDate: dateSchema,
  endDate: dateSchema,
  creators: z.int(),
  /** Upstream calls the request would make now, and the days they would ask for. */
  calls: z.int(),
  days: z.int(),
  /** UPSTREAM_PRICE_PER_CALL and its currency; null when the operator configured none. */
  price: z.nullable(z.object({ perCall: z.number(), currency: z.string(), amount: z.number() })),
  /** Whether every one of those calls would be admitted now, and if not, what would stop them. */
  admitted: z.boolean(),
  refusedBy: z.nullable(z.enum(["key-limit", "budget", "spend-guard"])),
  /** What is left today of the key's limit and of the account's budget (null: no limit). */
  keyRemaining: z.nullable(z.int()),
  budgetRemaining: z.nullable(z.int()),
  members: z.array(creatorQuoteSchema),
});
export type Quote = z.output<typeof quoteSchema>;
export type CreatorQuoteView = z.output<typeof creatorQuoteSchema>;
