/**
 * @module `npm run guard -- <command>`: the spend guard (the account ledger's breaker), from an
 * operator's shell, through the gateway's own `/v1/spend-guard`.
 *
 *   status   is the upstream being called? why not, until when; today's calls
 *   clear    close the breaker now (after topping up, or when the quota was raised)
 *
 * `--url` is the gateway (default: the local run, http://127.0.0.1:$GATEWAY_PORT, 8787 unless set, as
 * `npm start` reads it); the key, which needs the operate permission, comes from `--key` or
 * XINGTU_KEY (default: the local run's own key).
 */
import { parseArgs } from "node:util";
import { LOCAL_KEY } from "./key.ts";
import type { SpendGuardState } from "../../src/schemas/operations.ts";

const USAGE = "usage: npm run guard -- status|clear [--url https://gateway.example] [--key KEY]   (or XINGTU_KEY=KEY)";

/** The local run's address, on the port `npm start` listens on. */
const LOCAL_GATEWAY = `http://127.0.0.1:${process.env.GATEWAY_PORT ?? 8787}`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { url: { type: "string", default: LOCAL_GATEWAY }, key: { type: "string" } },
});
const key = values.key ?? process.env.XINGTU_KEY ?? LOCAL_KEY;
const method = { status: "GET", clear: "DELETE" }[positionals[0] ?? ""];
if (!method) {
  console.error(USAGE);
  process.exit(1);
}

let response: Response;
try {
  response = await fetch(new URL("/v1/spend-guard", values.url), { method, headers: { Authorization: `Bearer ${key}` } });
} catch {
  console.error(`Could not reach the gateway at ${values.url}: is it running (npm start), or is --url right?`);
  process.exit(1);
}
if (!response.ok) {
  const problem = (await response.json().catch(() => ({}))) as { detail?: string };
  console.error(`The gateway refused (${response.status}): ${problem.detail ?? "no detail"}`);
  process.exit(1);
}
const body = (await response.json()) as SpendGuardState;
if (body.cleared !== undefined)
  console.log(body.cleared ? "Cleared the spend guard: misses call the upstream again." : "The spend guard was not open.");
console.log(
  body.breaker
    ? `Upstream calls are stopped at ${values.url}: ${body.breaker.reason}, until ${body.breaker.until}.`
    : `Upstream calls are allowed at ${values.url}.`,
);
const { today } = body;
const budget = body.budget ? ` of a budget of ${body.budget}` : "";
console.log(
  `Upstream calls today (${today.day}, Asia/Shanghai): ${today.calls}${budget}, ${today.billed} billed, ${today.inFlight} in flight.`,
);
