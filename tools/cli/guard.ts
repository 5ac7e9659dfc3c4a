/**
 * @module `npm run guard -- <command>`: the spend guard, from an operator's shell.
 *
 *   status   is the upstream being called? why not, until when; today's call count
 *   clear    close the breaker now (after topping up, or when the quota was raised)
 *
 * Add `--remote` for the deployed gateway (after `wrangler login`); without it, local storage.
 */
import { parseArgs } from "node:util";
import { shanghaiToday } from "../../src/calendar.ts";
import { BREAKER_KEY, breakerSchema, budgetKey } from "../../src/lookup/spend-guard.ts";
import { deleteValue, getValue, type Target } from "./kv.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { remote: { type: "boolean", default: false }, "persist-to": { type: "string" } },
});
const target: Target = { binding: "CACHE", remote: values.remote, persistTo: values["persist-to"] };
const where = target.remote ? "the deployed gateway" : "local storage";

switch (positionals[0]) {
  case "status": {
    const breaker = getValue(target, BREAKER_KEY);
    const parsed = breakerSchema.safeParse(breaker === null ? null : JSON.parse(breaker));
    const open = parsed.success && parsed.data.until > Date.now() ? parsed.data : null;
    console.log(
      open
        ? `Upstream calls are stopped in ${where}: ${open.reason}, until ${new Date(open.until).toISOString()}.`
        : `Upstream calls are allowed in ${where}.`,
    );
    const today = shanghaiToday(Date.now());
    console.log(`Upstream calls counted today (${today}, Asia/Shanghai): ${getValue(target, budgetKey(today)) ?? 0}`);
    break;
  }
  case "clear":
    deleteValue(target, BREAKER_KEY);
    console.log(`Cleared the spend guard in ${where}; every location calls the upstream again within about a minute.`);
    break;
  default:
    console.error("usage: npm run guard -- status|clear [--remote]");
    process.exit(1);
}
