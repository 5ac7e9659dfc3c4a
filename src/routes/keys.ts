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
import type { Context, MiddlewareHandler } from "hono";
import type { ChangeResult, RecordChange, RecordRefusal } from "../auth/record-changes.ts";
import { gatewayContext } from "../middleware/gateway-context.ts";
import { jsonObjectBody, jsonOnly } from "../middleware/json-body.ts";
import { clientAuth } from "../auth/client-auth.ts";
import { ProblemError } from "../problem.ts";
import { invalidFields, validated } from "../schemas/request.ts";
import { keySchemas, type KeyView } from "../schemas/keys.ts";
import { generateKey, nameKvName, newKeyRecord, RECORD_PREFIX, recordKvName, recordMetadata, type KeyRecord } from "../auth/keys.ts";
import type { GatewayEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";
import { metadataUnder } from "../cache/kv-list.ts";

export const KEYS_PATH = "/v1/keys";
export const KEY_PATH = "/v1/keys/:name";
export const KEY_SECRET_PATH = "/v1/keys/:name/webhook-secret";

type Ctx = Context<GatewayEnv>;

/** Refuses a key without the operate permission, before its request's body is even read. */
const operatorOnly: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  if (!c.get("client").canOperate) {
    throw new ProblemError("forbidden", { detail: "Managing client keys needs a key with the operate permission." });
  }
  await next();
};

const namePath = (c: Ctx) =>
  validated(z.object({ path: z.object({ name: keySchemas().name }) }), { path: { name: c.req.param("name") } }).path.name;

/** What a key's record shows: never its hash. */
const viewOf = (record: KeyRecord): KeyView => recordMetadata(record);

/** Forgets this isolate's copy of a key's records, so a change holds here at once. */
async function forget(runtime: Runtime, record: KeyRecord): Promise<void> {
  await runtime.isolate.keyRecords.delete(recordKvName(record.hash));
  await runtime.isolate.keyRecords.delete(nameKvName(record.name));
}

const notSaved = () =>
  new ProblemError("ledger-unavailable", {
    detail: "The key could not be saved; nothing was changed. Retry later.",
    retryAfterSeconds: 30,
  });

/** Makes one change to a key's record through that key's ledger (auth/record-changes.ts): the record after it. */
async function change(c: Ctx, runtime: Runtime, name: string, made: RecordChange): Promise<KeyRecord> {
  let result: ChangeResult;
  try {
    const ledger = c.env.KEY_LEDGER.get(c.env.KEY_LEDGER.idFromName(name));
    // RPC types a union result as a union of promises: awaited here, it is the union again.
    result = (await ledger.changeRecord(name, made)) as ChangeResult;
  } catch {
    throw notSaved();
  }
  if (result.ok) {
    await forget(runtime, result.record);
    return result.record;
  }
  const refusals: Record<RecordRefusal, () => ProblemError> = {
    exists: () => new ProblemError("key-exists", { detail: `A key named "${name}" exists already: choose another name.` }),
    "not-found": () => new ProblemError("key-not-found", { detail: `There is no key named "${name}".` }),
    revoked: () =>
      new ProblemError("key-revoked", { detail: `The key "${name}" is revoked: a revoked key never changes again. Make a new one.` }),
    "not-rotating": () => new ProblemError("invalid-request", { detail: "This key's webhook secret is not being rotated." }),
    rotating: () =>
      new ProblemError("invalid-request", {
        detail: 'This key\'s webhook secret is being rotated already: finish it first (`{"finish": true}`).',
      }),
  };
  throw refusals[result.refused]!();
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
    .get(KEYS_PATH, operatorOnly, async (c) => {
      // A key's metadata written before `rotating` existed has none: listed as not rotating until its record is next written.
      const keys = (await metadataUnder<KeyView>(c.env.KEYS, RECORD_PREFIX)).map((key) => ({ ...key, rotating: key.rotating ?? false }));
      keys.sort((a, b) => a.name.localeCompare(b.name));
      return c.json({ keys }, 200, { "Cache-Control": "no-store" });
    })
    .post(KEYS_PATH, operatorOnly, jsonOnly, createBody, async (c) => {
      const fields = c.req.valid("json");
      const key = generateKey();
      const record = await change(c, runtime, fields.name, {
        kind: "create",
        record: await newKeyRecord(key, fields, new Date(runtime.now())),
      });
      // The key itself, once: only its hash is kept.
      return c.json({ ...viewOf(record), key }, 201, {
        "Cache-Control": "no-store",
        Location: `${KEYS_PATH}/${encodeURIComponent(record.name)}`,
      });
    })
    .patch(KEY_PATH, operatorOnly, jsonOnly, changeBody, async (c) => {
      const name = namePath(c);
      const fields = c.req.valid("json");
      if (name === c.get("client").name && fields.permissions && !fields.permissions.includes("operate")) {
        throw invalidFields([
          {
            field: "permissions",
            in: "body",
            rule: "keeps_operate",
            message: "must keep operate when a key changes itself (its operator would be locked out): use another operator key",
          },
        ]);
      }
      const record = await change(c, runtime, name, { kind: "set", fields });
      return c.json(viewOf(record), 200, { "Cache-Control": "no-store" });
    })
    .delete(KEY_PATH, operatorOnly, async (c) => {
      const name = namePath(c);
      if (name === c.get("client").name) {
        throw new ProblemError("invalid-request", {
          detail:
            "A key cannot revoke itself (the console would lock its operator out): revoke it with another operator key or `npm run key -- revoke`.",
        });
      }
      await change(c, runtime, name, { kind: "revoke" });
      return c.body(null, 204);
    })
    .post(KEY_SECRET_PATH, operatorOnly, jsonOnly, rotateBody, async (c) => {
      const finish = c.req.valid("json").finish === true;
      // Stryker disable next-line StringLiteral: a change that is neither create, revoke nor set is a rotation (auth/record-changes.ts changed)
      const record = await change(c, runtime, namePath(c), { kind: "rotate-secret", finish });
      return c.json(viewOf(record), 200, { "Cache-Control": "no-store" });
    });
}
