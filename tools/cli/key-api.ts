/**
 * @module `npm run key -- <command> --url https://gateway.example`: the key commands through the
 * gateway's own `/v1/keys` API (with the typed client), as the console uses it. The operator's key
 * comes from `--key` or XINGTU_KEY, as `npm run guard` takes it; no `wrangler login` and no access
 * to the KEYS namespace is needed. Only the first operator key is made with the store commands
 * (without `--url`): no key can call the API before one exists.
 */
import { createGatewayClient, GatewayError } from "../../packages/client/src/index.ts";
import type { Tier } from "../../src/auth/keys.ts";

export interface ApiCommand {
  command: string | undefined;
  argument: string | undefined;
  url: string;
  key: string;
  name?: string;
  tier: Tier;
  refresh: boolean;
  operator: boolean;
  finish: boolean;
  dailyUpstreamCalls: number | undefined;
}

/** Runs one command against the gateway; the words to print, or a refusal thrown as an Error. */
export async function overApi(asked: ApiCommand, usage: string): Promise<string[]> {
  const client = createGatewayClient(asked.url, asked.key, { retries: 0 });
  const named = (what: string) => asked.argument ?? fail(`${what} needs a key name\n${usage}`);
  const where = `the gateway at ${asked.url}`;
  try {
    switch (asked.command) {
      case "create": {
        const name = asked.name ?? fail(`create needs --name\n${usage}`);
        const permissions = [...(asked.refresh ? (["refresh"] as const) : []), ...(asked.operator ? (["operate"] as const) : [])];
        const made = await client.createKey({ name, tier: asked.tier, permissions, dailyUpstreamCalls: asked.dailyUpstreamCalls ?? 0 });
        return [
          `Created key "${made.name}" (${made.tier} tier) at ${where}.`,
          "The key is shown this once; store it now:",
          `\n  ${made.key}\n`,
        ];
      }
      case "list": {
        const { keys } = await client.keys();
        if (keys.length === 0) return [`No keys at ${where}.`];
        return keys.map(
          (key) =>
            `${key.name}\t${key.tier}\t${key.permissions.join(",") || "-"}\t${key.dailyUpstreamCalls || "default"}\t${key.disabled ? "revoked" : "active"}`,
        );
      }
      case "limit": {
        const name = named("limit");
        if (asked.dailyUpstreamCalls === undefined) fail(`limit needs --daily-upstream-calls N\n${usage}`);
        await client.changeKey(name, { dailyUpstreamCalls: asked.dailyUpstreamCalls });
        return [`Key "${name}" now has ${asked.dailyUpstreamCalls || "the gateway's default"} upstream calls a day at ${where}.`];
      }
      case "revoke": {
        const name = named("revoke");
        await client.revokeKey(name);
        return [`Revoked key "${name}" at ${where}; every location refuses it within about a minute and a half.`];
      }
      case "rotate-secret": {
        const name = named("rotate-secret");
        const { rotating } = await client.rotateKeySecret(name, asked.finish);
        return [
          rotating
            ? `Rotating the webhook secret of "${name}" at ${where}: both secrets are valid until \`rotate-secret ${name} --finish\`.`
            : `Finished rotating the webhook secret of "${name}" at ${where}: only the new one is valid.`,
        ];
      }
      case "secret":
        return fail("secret derives the secret from WEBHOOK_SIGNING_SECRET and the key's record: run it without --url (add --remote).");
      default:
        return fail(usage);
    }
  } catch (error) {
    // The gateway's own words (its problem's detail), never a stack.
    if (error instanceof GatewayError)
      fail(error.status === 0 ? `Could not reach ${where}: ${error.message}` : `The gateway refused (${error.status}): ${error.message}`);
    throw error;
  }
}

function fail(message: string): never {
  throw new Error(message);
}
