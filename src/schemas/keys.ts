/**
 * @module What an operator sends to make or change a client key (`POST /v1/keys`, `PATCH
 * /v1/keys/{name}`), and what a key looks like
 * when listed: its record's metadata (auth/keys.ts), never its hash or the key.
 */
import * as z from "zod/mini";
import { PERMISSIONS, TIERS } from "../auth/keys.ts";
import { builtOnFirstUse, rule } from "./request.ts";

/** Built on first use: off every isolate's start-up (only operators' requests read them). */
export const keySchemas = builtOnFirstUse(() => {
  const name = z.string().check(
    z.refine(
      (value) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value),
      rule("key_name", "must be 1 to 64 letters, digits, . _ or -, starting with a letter or digit"),
    ),
    z.meta({ description: "The key's name, unique: shown in logs and usage, never secret.", examples: ["analyst-li"] }),
  );
  const tier = z.enum(TIERS, { error: "must be standard or bulk" });
  const permissions = z
    .array(z.enum(PERMISSIONS, { error: "must be refresh or operate" }))
    .check(z.refine((list) => new Set(list).size === list.length, rule("unique", "must not list a permission twice")));
  const dailyUpstreamCalls = z
    .int()
    .check(
      z.minimum(0, { error: "must be 0 (the gateway's default) or more" }),
      z.meta({ description: "Billed upstream calls a Shanghai day; 0: the gateway's default." }),
    );
  const create = z.strictObject({
    name,
    tier: z._default(tier, "standard"),
    permissions: z._default(permissions, []),
    dailyUpstreamCalls: z.optional(dailyUpstreamCalls),
  });
  /** `PATCH /v1/keys/{name}`: what changes (at least one field); the rest stays. */
  const change = z
    .strictObject({ tier: z.optional(tier), permissions: z.optional(permissions), dailyUpstreamCalls: z.optional(dailyUpstreamCalls) })
    .check(
      z.superRefine((body, ctx) => {
        if (Object.keys(body).length === 0)
          ctx.addIssue({
            code: "custom",
            path: ["dailyUpstreamCalls"],
            ...rule("some_change", "(or tier, or permissions) must be given: there is nothing to change"),
          });
      }),
    );
  const view = z.object({
    name: z.string(),
    tier: z.enum(TIERS),
    permissions: z.array(z.enum(PERMISSIONS)),
    created: z.string(),
    disabled: z.boolean(),
    dailyUpstreamCalls: z.int(),
    /** Its webhook secret is being rotated: the previous secret signs too until `{"finish": true}`. */
    rotating: z.boolean(),
  });
  /** `created`: a new key, with the key itself, shown this once. */
  return { name, create, change, view, list: z.object({ keys: z.array(view) }), created: z.object({ ...view.shape, key: z.string() }) };
});
export type KeyView = z.output<ReturnType<typeof keySchemas>["view"]>;
