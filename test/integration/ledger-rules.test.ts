/**
 * The account ledger's rules as clients and operators see them: what it remembers of the upstream's
 * paths (the fail-over) and range limit, and for how long, and what the spend guard tells a client
 * when it refuses. Calls and their windows are the emulator's own request log; time is the test
 * clock (2026-03-10 12:00 in Shanghai), moved where a rule depends on it.
 */
import { reset } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { FIXED_NOW, makeGateway, trendPath, uniqueKol, unreachableNamespace, type GatewayOptions } from "../support/gateway.ts";
import { ENDPOINT_NAMES, otherEndpoint } from "../../src/upstream/request.ts";
import type { AccountLedger } from "../../src/ledger/account-ledger.ts";

// The spend guard and the fail-over are kept per test gateway, but storage is shared in a file.
afterEach(() => reset());

type Gateway = ReturnType<typeof makeGateway>;

const RANGE = ["2026-03-01", "2026-03-05"] as const;
const DAY_MS = 24 * 3600 * 1000;
const FAILOVER_MS = 3600 * 1000; // UPSTREAM_FAILOVER_SECONDS' default

const windows = (gateway: Gateway) => gateway.emulator.requests.map((r) => `${r.startDate}..${r.endDate}`);

/** How many days a window ("start..end") spans. */
const span = (window: string | undefined) => {
  const [start, end] = window!.split("..").map((date) => Date.parse(date));
  return (end! - start!) / DAY_MS + 1;
};

async function ask(gateway: Gateway, kolId: string, start: string, end: string) {
  const response = await gateway.request(trendPath(kolId, start, end));
  expect(response.status).toBe(200);
  return response;
}

/** A gateway as deployed (UPSTREAM_FETCH_DAYS at its default) whose upstream serves at most 60 days. */
const limitedGateway = (options: GatewayOptions = {}) =>
  makeGateway({ ...options, env: { UPSTREAM_FETCH_DAYS: undefined, ...options.env }, emulator: { maxRangeDays: 60, ...options.emulator } });

/**
 * A wide gateway whose first upstream request for `heldKol` waits until `release()`: a call that
 * the account ledger admitted, still under way while other calls change what the ledger knows.
 */
function heldGateway(heldKol: string, options: GatewayOptions = {}) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const gateway: Gateway = makeGateway({
    ...options,
    env: { UPSTREAM_FETCH_DAYS: undefined, ...options.env },
    fetch: async (request) => {
      const url = new URL(request.url);
      const kolId = url.searchParams.get("oAuthorId") ?? url.searchParams.get("kolId");
      if (kolId === heldKol && !held) {
        held = true;
        await gate;
      }
      return gateway.emulator.fetch(request);
    },
  });
  return { gateway, release };
}

/** Lets a request run up to where it waits (its held upstream request). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe("the account's fail-over", () => {
  const [configured] = ENDPOINT_NAMES;
  const other = otherEndpoint(configured);
  const gatewayOn = (options: GatewayOptions = {}) => makeGateway({ ...options, env: { UPSTREAM_ENDPOINT: configured, ...options.env } });

  it("is kept by the calls after it, which learn nothing new about the paths", async () => {
    const gateway = gatewayOn();
    gateway.emulator.retire({ endpoint: configured, as: "http-404" });
    for (let i = 0; i < 3; i++) await ask(gateway, uniqueKol(), ...RANGE);
    // One probe of the retired path; every later call goes straight to the other one.
    expect(gateway.emulator.requests.map((sent) => sent.endpoint)).toEqual([configured, other, other, other]);
  });

  it("is forgotten once the other path is switched off too and the configured one answers again", async () => {
    const gateway = gatewayOn();
    gateway.emulator.retire({ endpoint: configured, as: "http-404" });
    await ask(gateway, uniqueKol(), ...RANGE);
    // The configured path is back and the other one is gone: one call finds that out...
    gateway.emulator.reset();
    gateway.emulator.retire({ endpoint: other, as: "http-404" });
    await ask(gateway, uniqueKol(), ...RANGE);
    expect(gateway.emulator.requests.map((sent) => sent.endpoint)).toEqual([other, configured]);
    // ...and no later call, from any isolate of the account, tries the retired path first.
    const elsewhere = gatewayOn({ account: gateway.account });
    elsewhere.emulator.retire({ endpoint: other, as: "http-404" });
    await ask(elsewhere, uniqueKol(), ...RANGE);
    expect(elsewhere.emulator.requests.map((sent) => sent.endpoint)).toEqual([configured]);
  });

  it("leaves /healthz the moment it ends", async () => {
    const gateway = gatewayOn();
    gateway.emulator.retire({ endpoint: configured, as: "http-404" });
    await ask(gateway, uniqueKol(), ...RANGE);
    // UPSTREAM_FAILOVER_SECONDS after the fail-over, the configured path is the active one again.
    gateway.clock.now += FAILOVER_MS;
    expect(await (await gateway.request("/healthz")).json()).toMatchObject({
      upstream: { endpoint: configured, active: configured, failover: null },
    });
  });
});

describe("the remembered range limit", () => {
  it("still holds a minute before a week has passed: no wide window is probed", async () => {
    const gateway = limitedGateway();
    await ask(gateway, uniqueKol(), ...RANGE);
    gateway.clock.now += 7 * DAY_MS - 60_000;
    await ask(gateway, uniqueKol(), ...RANGE);
    // After the first call's refused wide window and its retry: the asked window alone.
    expect(windows(gateway).slice(2)).toEqual(["2026-03-01..2026-03-05"]);
  });

  it("lapses a week after the refusal even when a wider window worked since", async () => {
    const gateway = limitedGateway();
    await ask(gateway, uniqueKol(), ...RANGE);
    // Six days later a 30-day range works: later calls may ask 30 days, but no longer than the week.
    gateway.clock.now += 6 * DAY_MS;
    await ask(gateway, uniqueKol(), "2026-02-01", "2026-03-02");
    gateway.clock.now += DAY_MS;
    await ask(gateway, uniqueKol(), ...RANGE);
    // A week after the refusal a window wider than the upstream's 60 days is probed again (and refused).
    const [probe, retry, ...none] = windows(gateway).slice(3);
    expect(span(probe)).toBeGreaterThan(60);
    expect([retry, ...none]).toEqual(["2026-03-01..2026-03-05"]);
  });

  it("is not narrowed by a narrower window that worked, learned after a wider one", async () => {
    const slowKol = uniqueKol();
    const { gateway, release } = heldGateway(slowKol, { emulator: { maxRangeDays: 60 } });
    await ask(gateway, uniqueKol(), ...RANGE);
    // A 10-day range admitted under the 5-day limit, still under way...
    const slow = gateway.request(trendPath(slowKol, "2026-01-01", "2026-01-10"));
    await settle();
    // ...while a 30-day range works and widens the limit to 30 days.
    await ask(gateway, uniqueKol(), "2026-01-01", "2026-01-30");
    release();
    expect((await slow).status).toBe(200);
    await ask(gateway, uniqueKol(), ...RANGE);
    // The next call asks 30 days, not the 10 that were learned last.
    expect(span(windows(gateway).at(-1))).toBe(30);
  });

  it("once forgotten, is not brought back by a call admitted while it was known", async () => {
    const limited = limitedGateway();
    await ask(limited, uniqueKol(), ...RANGE);
    // The same account, once the upstream serves wide windows again.
    const slowKol = uniqueKol();
    const { gateway, release } = heldGateway(slowKol, { account: limited.account });
    // A 10-day range admitted under the 5-day limit, still under way...
    const slow = gateway.request(trendPath(slowKol, "2026-01-01", "2026-01-10"));
    await settle();
    // ...while a range as wide as the refused window works: the limit is gone.
    const [refused] = windows(limited);
    await ask(gateway, uniqueKol(), ...(refused!.split("..") as [string, string]));
    release();
    expect((await slow).status).toBe(200);
    await ask(gateway, uniqueKol(), ...RANGE);
    // The next call widens as far as before the refusal.
    expect(windows(gateway).at(-1)).toBe(refused);
  });

  it("is learned again from one refusal after it was forgotten", async () => {
    const limited = limitedGateway();
    await ask(limited, uniqueKol(), ...RANGE);
    const [refused] = windows(limited);
    // A range as wide as the refused window works: the limit is forgotten.
    const lifted = limitedGateway({ account: limited.account, emulator: { maxRangeDays: 0 } });
    await ask(lifted, uniqueKol(), ...(refused!.split("..") as [string, string]));
    // The upstream narrows again: one refused wide window, then the account asks no wider than what worked.
    const narrowed = limitedGateway({ account: limited.account });
    await ask(narrowed, uniqueKol(), ...RANGE);
    await ask(narrowed, uniqueKol(), ...RANGE);
    expect(windows(narrowed)).toEqual([refused, "2026-03-01..2026-03-05", "2026-03-01..2026-03-05"]);
  });

  it("is kept a week from its latest refusal", async () => {
    const slowKol = uniqueKol();
    const { gateway, release } = heldGateway(slowKol, { emulator: { maxRangeDays: 60 } });
    // A call admitted before the account knew any limit: it asks the wide window, and is under way...
    const slow = gateway.request(trendPath(slowKol, ...RANGE));
    await settle();
    // ...while another call is refused the wide window: the account learns the limit now.
    await ask(gateway, uniqueKol(), ...RANGE);
    // Three days later the slow call's wide window is refused too.
    gateway.clock.now += 3 * DAY_MS;
    release();
    expect((await slow).status).toBe(200);
    // A week after the first refusal, the limit still holds (it was refused three days later too).
    gateway.clock.now += 4 * DAY_MS + 3600_000;
    const before = windows(gateway).length;
    await ask(gateway, uniqueKol(), ...RANGE);
    expect(windows(gateway).slice(before)).toEqual(["2026-03-01..2026-03-05"]);
  });
});

describe("the spend guard's refusals", () => {
  it("stays closed after an upstream failure that does not stop spending", async () => {
    const gateway = makeGateway();
    // 500 is the upstream's own internal error: the call fails, but the quota and balance are not gone.
    gateway.emulator.queueFaults({ kind: "code", code: 500 });
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(502);
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
    expect(gateway.emulator.requests).toHaveLength(2);
  });

  it("tells the operator to clear it once the upstream's quota is resolved", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 303 });
    await gateway.request(trendPath(uniqueKol(), ...RANGE));
    const refused = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(refused.status).toBe(503);
    const { detail } = await refused.json<{ detail: string }>();
    expect(detail).toContain("Operator: `npm run guard -- clear` once resolved.");
  });

  it("makes no call when the account's ledger cannot be reached, and says which ledger", async () => {
    const gateway = makeGateway({ env: { ACCOUNT_LEDGER: unreachableNamespace() } });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      type: "/problems/ledger-unavailable",
      detail: expect.stringContaining("upstream account's ledger could not be reached"),
    });
    expect(gateway.upstreamFetches).toBe(0);
  });

  it("keeps what the deployed account ledger holds: a gateway of a new version sees its open breaker", async () => {
    // The ledger every deployed version has used, by its name ("upstream-account"), with a breaker open.
    const deployed = env.ACCOUNT_LEDGER as DurableObjectNamespace<AccountLedger>;
    const until = Date.parse("2026-03-10T16:00:00Z");
    await deployed.get(deployed.idFromName("upstream-account")).open("the upstream answered 601, insufficient balance", FIXED_NOW, until);
    const gateway = makeGateway({ env: { ACCOUNT_LEDGER: deployed } });
    const refused = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ type: "/problems/spend-guard-open" });
    expect(gateway.upstreamFetches).toBe(0);
  });
});
