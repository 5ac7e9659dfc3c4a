/**
 * @module What an operator sends to make a client key (`POST /v1/keys`), and what a key looks like
 * when listed: its record's metadata (auth/keys.ts), never its hash or the key.
 */
import * as z from "zod/mini";
import { PERMISSIONS, TIERS } from "../auth/keys.ts";
import { rule } from "./request.ts";

export const keyNameSchema = z.string().check(
  z.refine(
    (value) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value),
    rule("key_name", "must be 1 to 64 letters, digits, . _ or -, starting with a letter or digit"),
  ),
  z.meta({ description: "The key's name, unique: shown in logs and usage, never secret.", examples: ["analyst-li"] }),
);

export const keyCreateSchema = z.strictObject({
  name: keyNameSchema,
  tier: z._default(z.enum(TIERS, { error: "must be standard or bulk" }), "standard"),
  permissions: z._default(
    z
      .array(z.enum(PERMISSIONS, { error: "must be refresh or operate" }))
      .check(z.refine((list) => new Set(list).size === list.length, rule("unique", "must not list a permission twice"))),
    [],
  ),
  dailyUpstreamCalls: z.optional(
    z
      .int()
      .check(
        z.minimum(0, { error: "must be 0 (the gateway's default) or more" }),
        z.meta({ description: "Billed upstream calls a Shanghai day; 0: the gateway's default." }),
      ),
  ),
});

export const keyViewSchema = z.object({
  name: z.string(),
  tier: z.enum(TIERS),
  permissions: z.array(z.enum(PERMISSIONS)),
  created: z.string(),
  disabled: z.boolean(),
  dailyUpstreamCalls: z.int(),
});
export type KeyView = z.output<typeof keyViewSchema>;
export const keyListSchema = z.object({ keys: z.array(keyViewSchema) });
/** A new key, with the key itself: shown this once. */
export const keyCreatedSchema = z.object({ ...keyViewSchema.shape, key: z.string() });
