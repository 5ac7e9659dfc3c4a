/**
 * @module Client keys for operators (keys with the `operate` permission), so a team can onboard a
 * teammate from the console or any HTTP client, with the same records `npm run key` writes
 * (auth/keys.ts; only hashes are stored):
 * - `GET /v1/keys`: every key's name, tier, permissions, daily limit, creation and whether revoked;
 * - `POST /v1/keys` `{ name, tier?, permissions?, dailyUpstreamCalls? }`: a new key, shown once;
 * - `PATCH /v1/keys/{name}` `{ tier?, permissions?, dailyUpstreamCalls? }`: changes them, as
 *   `npm run key -- limit` does the daily limit;
 * - `DELETE /v1/keys/{name}`: revokes it (its record stays, disabled, as the CLI's `revoke` leaves it);
 * - `POST /v1/keys/{name}/webhook-secret` `{ finish? }`: rotates its webhook signing secret (both
 *   valid until `finish`), as `npm run key -- rotate-secret` does.
 * A revocation reaches every isolate within the key cache's time (auth/client-auth.ts), at once here.
 */
import { Hono } from "hono/tiny";
import * as z from "zod/mini";
import type { Context } from "hono";
import { gatewayContext } from "../middleware/gateway-context.ts";
import { jsonObjectBody, jsonOnly } from "../middleware/json-body.ts";
import { clientAuth } from "../auth/client-auth.ts";
import { ProblemError } from "../problem.ts";
import { invalidFields, validated } from "../schemas/request.ts";
import { keySchemas, type KeyView } from "../schemas/keys.ts";
import {
  generateKey,
  nameKvName,
  newKeyRecord,
  RECORD_PREFIX,
  recordKvName,
  recordMetadata,
  recordOfName,
  recordWrites,
  type KeyRecord,
} from "../auth/keys.ts";
import type { GatewayEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";

export const KEYS_PATH = "/v1/keys";
export const KEY_PATH = "/v1/keys/:name";
export const KEY_SECRET_PATH = "/v1/keys/:name/webhook-secret";

type Ctx = Context<GatewayEnv>;

function requireOperator(c: Ctx): void {
  if (c.get("client").canOperate) return;
  throw new ProblemError("forbidden", { detail: "Managing client keys needs a key with the operate permission." });
}

const namePath = (c: Ctx) =>
  validated(z.object({ path: z.object({ name: keySchemas().name }) }), { path: { name: c.req.param("name") } }).path.name;

/** What a key's record shows: never its hash. */
const viewOf = (record: KeyRecord): KeyView => recordMetadata(record);

async function stored(c: Ctx, name: string): Promise<KeyRecord> {
  const record = await recordOfName(async (kvName) => c.env.KEYS.get(kvName, "json"), name);
  if (!record) throw new ProblemError("key-not-found", { detail: `There is no key named "${name}".` });
  return record;
}

/** Writes a key's records, and forgets this isolate's copy so the change holds here at once. */
async function write(c: Ctx, runtime: Runtime, record: KeyRecord): Promise<void> {
  try {
    for (const each of recordWrites(record)) await c.env.KEYS.put(each.name, each.value, { metadata: each.metadata });
  } catch {
    throw new ProblemError("ledger-unavailable", {
      detail: "The key could not be saved; nothing was changed. Retry later.",
      retryAfterSeconds: 30,
    });
  }
  await runtime.isolate.keyRecords.delete(recordKvName(record.hash));
  await runtime.isolate.keyRecords.delete(nameKvName(record.name));
}

export function keyRoutes(runtime: Runtime) {
  const context = gatewayContext(runtime);
  const auth = clientAuth(runtime);
  const createBody = jsonObjectBody((raw) => validated(z.object({ body: keySchemas().create }), raw).body);
  const changeBody = jsonObjectBody((raw) => validated(z.object({ body: keySchemas().change }), raw).body);
  const rotateBody = jsonObjectBody((raw) => validated(z.object({ body: z.strictObject({ finish: z.optional(z.boolean()) }) }), raw).body);

  return new Hono<GatewayEnv>()
    .use(KEYS_PATH, context, auth)
    .use(`${KEYS_PATH}/*`, context, auth)
    .get(KEYS_PATH, async (c) => {
      requireOperator(c);
      const keys: KeyView[] = [];
      let cursor: string | undefined;
      do {
        const page = await c.env.KEYS.list<KeyView>({ prefix: RECORD_PREFIX, cursor });
        for (const key of page.keys) if (key.metadata) keys.push(key.metadata);
        cursor = page.list_complete ? undefined : page.cursor;
      } while (cursor);
      keys.sort((a, b) => a.name.localeCompare(b.name));
      return c.json({ keys }, 200, { "Cache-Control": "no-store" });
    })
    .post(KEYS_PATH, jsonOnly, createBody, async (c) => {
      requireOperator(c);
      const fields = c.req.valid("json");
      if ((await c.env.KEYS.get(nameKvName(fields.name))) !== null) {
        throw new ProblemError("key-exists", { detail: `A key named "${fields.name}" exists already: choose another name.` });
      }
      const key = generateKey();
      const record = await newKeyRecord(key, fields, new Date(runtime.now()));
      await write(c, runtime, record);
      // The key itself, once: only its hash is kept.
      return c.json({ ...viewOf(record), key }, 201, {
        "Cache-Control": "no-store",
        Location: `${KEYS_PATH}/${encodeURIComponent(record.name)}`,
      });
    })
    .patch(KEY_PATH, jsonOnly, changeBody, async (c) => {
      requireOperator(c);
      const name = namePath(c);
      const change = c.req.valid("json");
      if (name === c.get("client").name && change.permissions && !change.permissions.includes("operate")) {
        throw invalidFields([
          {
            field: "permissions",
            in: "body",
            rule: "keeps_operate",
            message: "must keep operate when a key changes itself (its operator would be locked out): use another operator key",
          },
        ]);
      }
      const record = await stored(c, name);
      const changed = { ...record, ...change };
      await write(c, runtime, changed);
      return c.json(viewOf(changed), 200, { "Cache-Control": "no-store" });
    })
    .delete(KEY_PATH, async (c) => {
      requireOperator(c);
      const name = namePath(c);
      if (name === c.get("client").name) {
        throw new ProblemError("invalid-request", {
          detail:
            "A key cannot revoke itself (the console would lock its operator out): revoke it with another operator key or `npm run key -- revoke`.",
        });
      }
      const record = await stored(c, name);
      if (!record.disabled) await write(c, runtime, { ...record, disabled: true });
      return c.body(null, 204);
    })
    .post(KEY_SECRET_PATH, jsonOnly, rotateBody, async (c) => {
      requireOperator(c);
      const record = await stored(c, namePath(c));
      const { current, previous } = record.webhookSecret;
      const finish = c.req.valid("json").finish === true;
      if (finish === (previous === null)) {
        throw new ProblemError("invalid-request", {
          detail: finish
            ? "This key's webhook secret is not being rotated."
            : 'This key\'s webhook secret is being rotated already: finish it first (`{"finish": true}`).',
        });
      }
      const rotated = { ...record, webhookSecret: finish ? { current, previous: null } : { current: current + 1, previous: current } };
      await write(c, runtime, rotated);
      return c.json({ ...viewOf(rotated), rotating: !finish }, 200, { "Cache-Control": "no-store" });
    });
}
