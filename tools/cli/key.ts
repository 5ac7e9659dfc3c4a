/**
 * @module `npm run key -- <command>`: create, list and revoke client keys.
 *
 *   create --name NAME [--tier standard|bulk] [--refresh] [--operator]
 *                                                            prints the new key once, never again
 *   list                                                     names, tiers, permissions, state
 *   revoke NAME                                              disables the key (kept for the record)
 *   secret NAME                                              the key's webhook secret(s), whsec_...
 *   rotate-secret NAME [--finish]                            a new webhook secret; both valid until --finish
 *
 * Add `--remote` to act on the deployed KEYS namespace (after `wrangler login`), and `--env staging`
 * for the staging gateway's; without `--remote` the command acts on local storage, the one
 * `npm start` serves from. Or add `--url https://gateway.example` to go through the gateway's own
 * `/v1/keys` API with an operator key (`--key` or XINGTU_KEY): key-api.ts.
 */
import { parseArgs } from "node:util";
import {
  generateKey,
  keyRecordSchema,
  newKeyRecord,
  RECORD_PREFIX,
  recordKvName,
  recordMetadata,
  recordOfName,
  recordWrites,
  TIERS,
  type KeyRecord,
  type NewKey,
  type Tier,
} from "../../src/auth/keys.ts";
import { getValue, listKeys, putValue, type Target } from "./kv.ts";
import { signingSecrets } from "../../src/webhooks/signature.ts";
import { overApi } from "./key-api.ts";

const USAGE = `usage: npm run key -- create --name NAME [--tier ${TIERS.join("|")}] [--refresh] [--operator] [--daily-upstream-calls N] [--remote]
       npm run key -- limit NAME --daily-upstream-calls N [--remote]   (0: the gateway's KEY_DAILY_UPSTREAM_CALLS, 300 by default)
       npm run key -- list [--remote]
       npm run key -- revoke NAME [--remote]
       npm run key -- secret NAME [--remote]   (with --remote, WEBHOOK_SIGNING_SECRET must be in the environment)
       npm run key -- rotate-secret NAME [--finish] [--remote]
Add --env staging (with --remote) for the staging gateway's keys.
Or, instead of --remote, --url https://gateway.example [--key KEY] (or XINGTU_KEY=KEY, an operator key):
the same commands but secret, through the gateway's /v1/keys API.`;

/** The Worker secret WEBHOOK_SIGNING_SECRET of the local run (`npm start`); never a deployed one. */
export const LOCAL_SIGNING_SECRET = "local-signing-secret-not-for-production";
/** The local run's own key (`npm start`): it may force refreshes and operate the spend guard. */
export const LOCAL_KEY = "local-dev-key";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** The record of a named key, through the name index the gateway also reads for signed requests. */
function findByName(target: Target, name: string): Promise<KeyRecord | null> {
  return recordOfName(async (kvName) => {
    const value = getValue(target, kvName);
    return value === null ? null : JSON.parse(value);
  }, name);
}

export async function writeRecord(target: Target, key: string, fields: NewKey): Promise<KeyRecord> {
  const record = await newKeyRecord(key, fields, new Date());
  for (const write of recordWrites(record)) putValue(target, write.name, write.value, write.metadata);
  return record;
}

/** The arguments, or the usage and what was wrong with them (never a stack trace). */
function argumentsOf(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: "string" },
        tier: { type: "string", default: "standard" },
        refresh: { type: "boolean", default: false },
        operator: { type: "boolean", default: false },
        finish: { type: "boolean", default: false },
        "daily-upstream-calls": { type: "string" },
        remote: { type: "boolean", default: false },
        env: { type: "string" },
        "persist-to": { type: "string" },
        url: { type: "string" },
        key: { type: "string" },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
}

/** The gateway's address for `--url`: https, or http to this machine only (the operator's key goes with every request). */
function gatewayUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail("--url must be the gateway's address, such as https://xingtu-edge.example.workers.dev");
  }
  if (url.username || url.password) fail("--url must not hold a name or password: give the key with --key or XINGTU_KEY");
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    fail("--url must be https (plain http only to this machine): the operator's key goes with every request");
  }
  return url.origin;
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = argumentsOf(argv);
  const target: Target = { remote: values.remote, env: values.env, persistTo: values["persist-to"] };
  const limitArg = values["daily-upstream-calls"];
  if (limitArg !== undefined && !/^\d{1,9}$/.test(limitArg))
    fail("--daily-upstream-calls must be a whole number (0: the gateway's default, KEY_DAILY_UPSTREAM_CALLS)");
  const dailyUpstreamCalls = limitArg === undefined ? undefined : Number(limitArg);
  const [command, argument, ...extra] = positionals;
  if (extra.length > 0) fail(`unexpected argument(s): ${extra.join(" ")}\n${USAGE}`);
  if (values.url !== undefined) {
    if (!TIERS.includes(values.tier as Tier)) fail(`--tier must be one of ${TIERS.join(", ")}`);
    const key = values.key ?? process.env.XINGTU_KEY ?? fail(`--url needs an operator key: --key KEY, or XINGTU_KEY=KEY\n${USAGE}`);
    const said = await overApi(
      { ...values, command, argument, url: gatewayUrl(values.url), key, tier: values.tier as Tier, dailyUpstreamCalls },
      USAGE,
    ).catch((error: Error) => fail(error.message));
    for (const line of said) console.log(line);
    return;
  }
  const where = target.remote ? `the deployed KEYS namespace${target.env ? ` (${target.env})` : ""}` : "local storage";

  switch (command) {
    case "create": {
      const name = values.name ?? fail(`create needs --name\n${USAGE}`);
      if (!TIERS.includes(values.tier as Tier)) fail(`--tier must be one of ${TIERS.join(", ")}`);
      if (!keyRecordSchema.shape.name.safeParse(name).success) fail("--name must be 1-64 letters, digits, dots, dashes or underscores");
      if (await findByName(target, name)) fail(`a key named ${name} already exists in ${where}`);
      const key = generateKey();
      const record = await writeRecord(target, key, {
        name,
        tier: values.tier as Tier,
        permissions: [...(values.refresh ? (["refresh"] as const) : []), ...(values.operator ? (["operate"] as const) : [])],
        dailyUpstreamCalls: dailyUpstreamCalls ?? 0,
      });
      const calls = record.dailyUpstreamCalls;
      const limit = calls > 0 ? `, ${calls} upstream call${calls === 1 ? "" : "s"} a day` : ", daily upstream calls: the gateway's default";
      const may = [values.refresh ? ", may force refreshes" : "", values.operator ? ", may operate the spend guard" : ""].join("");
      console.log(`Created key "${record.name}" (${record.tier} tier${may}${limit}) in ${where}.`);
      console.log("The key is shown this once; store it now:");
      console.log(`\n  ${key}\n`);
      return;
    }
    case "list": {
      const rows = listKeys(target, RECORD_PREFIX).map((entry) => ({
        name: entry.metadata?.name,
        tier: entry.metadata?.tier,
        permissions: (entry.metadata?.permissions as string[] | undefined)?.join(",") ?? "",
        created: entry.metadata?.created,
        "daily upstream calls": Number(entry.metadata?.dailyUpstreamCalls ?? 0) || "default",
        state: entry.metadata?.disabled ? "revoked" : "active",
      }));
      if (rows.length === 0) console.log(`No keys in ${where}.`);
      else console.table(rows);
      return;
    }
    case "limit": {
      const name = argument ?? fail(`limit needs a key name\n${USAGE}`);
      if (dailyUpstreamCalls === undefined) fail(`limit needs --daily-upstream-calls N\n${USAGE}`);
      const record = (await findByName(target, name)) ?? fail(`no key named ${name} in ${where}`);
      const limited = { ...record, dailyUpstreamCalls };
      putValue(target, recordKvName(record.hash), JSON.stringify(limited), recordMetadata(limited));
      const said =
        dailyUpstreamCalls === 0
          ? "the gateway's default daily limit (KEY_DAILY_UPSTREAM_CALLS)"
          : `a limit of ${dailyUpstreamCalls} upstream calls a day`;
      console.log(`Key "${name}" now has ${said} in ${where}; every location applies it within about a minute.`);
      return;
    }
    case "revoke": {
      const name = argument ?? fail(`revoke needs a key name\n${USAGE}`);
      const record = (await findByName(target, name)) ?? fail(`no key named ${name} in ${where}`);
      const revoked = { ...record, disabled: true };
      putValue(target, recordKvName(record.hash), JSON.stringify(revoked), recordMetadata(revoked));
      console.log(`Revoked key "${name}" in ${where}; every location refuses it within about a minute.`);
      return;
    }
    case "secret": {
      const name = argument ?? fail(`secret needs a key name\n${USAGE}`);
      const master = target.remote
        ? (process.env.WEBHOOK_SIGNING_SECRET ??
          fail("set WEBHOOK_SIGNING_SECRET to the deployed Worker's secret to derive a remote key's signing secret"))
        : LOCAL_SIGNING_SECRET;
      const record = (await findByName(target, name)) ?? fail(`no key named ${name} in ${where}`);
      const [current, previous] = await signingSecrets(master, name, record.webhookSecret);
      console.log(`Webhook secret of key "${name}" (${where}), for Standard Webhooks: sign requests with it and verify callbacks with it.`);
      console.log(`\n  ${current}\n`);
      if (previous)
        console.log(`Being rotated: the previous secret stays valid until \`rotate-secret ${name} --finish\`:\n\n  ${previous}\n`);
      return;
    }
    case "rotate-secret": {
      const name = argument ?? fail(`rotate-secret needs a key name\n${USAGE}`);
      const record = (await findByName(target, name)) ?? fail(`no key named ${name} in ${where}`);
      const { current, previous } = record.webhookSecret;
      if (values.finish && previous === null) fail(`key ${name} is not being rotated`);
      if (!values.finish && previous !== null) fail(`key ${name} is being rotated already: finish it first (--finish)`);
      const rotated = {
        ...record,
        webhookSecret: values.finish ? { current, previous: null } : { current: current + 1, previous: current },
      };
      putValue(target, recordKvName(record.hash), JSON.stringify(rotated), recordMetadata(rotated));
      console.log(
        values.finish
          ? `Finished rotating the webhook secret of "${name}" in ${where}: only the new one is valid (everywhere within about a minute and a half).`
          : `Rotating the webhook secret of "${name}" in ${where}: both secrets are valid and callbacks carry both signatures until \`rotate-secret ${name} --finish\`. See them with \`secret ${name}\`.`,
      );
      return;
    }
    default:
      fail(USAGE);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
