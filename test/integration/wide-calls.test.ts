/**
 * Spend at the floor: the upstream bills per call, not per day, so a KOL's coordinator asks in one
 * call for the widest useful window (the missing days and the unstored settled days around them,
 * up to UPSTREAM_FETCH_DAYS), keeps every settled day for good, and learns the upstream's range
 * limit from a refusal. Windows are the emulator's own log. The test clock is 2026-03-10 12:00 in
 * Shanghai: 03-09 and 03-10 are live, 03-08 is the last settled day.
 */
import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol, type GatewayOptions } from "../support/gateway.ts";
import { successBody } from "../../tools/emulator/series.ts";
import { createEmulator } from "../../tools/emulator/emulator.ts";
import { normalize } from "../../src/lookup/normalize.ts";
import { upstreamDataSchema } from "../../src/upstream/schema.ts";
import { accountLedgerOf } from "../../src/ledger/spend-guard.ts";
import { shanghaiToday } from "../../src/calendar.ts";

type Gateway = ReturnType<typeof makeGateway>;

const DAY_MS = 24 * 3600 * 1000;

/** A gateway as deployed: UPSTREAM_FETCH_DAYS at its default, 365 (test gateways ask exact windows otherwise). */
const wideGateway = (options: GatewayOptions = {}) => makeGateway({ ...options, env: { UPSTREAM_FETCH_DAYS: undefined, ...options.env } });

const windows = (gateway: Gateway) => gateway.emulator.requests.map((r) => `${r.startDate}..${r.endDate}`);

async function ask(gateway: Gateway, kolId: string, start: string, end: string, headers: Record<string, string> = {}) {
  const response = await gateway.request(trendPath(kolId, start, end), { headers });
  expect(response.status).toBe(200);
  return response;
}

async function expectDirectAnswer(response: Response, kolId: string, start: string, end: string) {
  const direct = successBody(kolId, start, end);
  expect(await response.json()).toEqual(normalize({ kolId, startDate: start, endDate: end }, upstreamDataSchema.parse(direct.data)));
}

const accountDay = (gateway: Gateway) =>
  accountLedgerOf(gateway.env.ACCOUNT_LEDGER).day(shanghaiToday(gateway.clock.now), gateway.clock.now);

describe("wide calls", () => {
  it("widen a gathered call for a plain miss that joins a client's refresh in it (the refresh alone would ask only its own days)", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const first = new Promise<void>((resolve) => (reached = resolve));
    let calls = 0;
    const gateway: Gateway = wideGateway({
      fetch: async (request) => {
        if (++calls === 1) {
          reached();
          await held;
        }
        return gateway.emulator.fetch(request);
      },
    });
    const kolId = uniqueKol();
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // A call under way for the KOL (a year ago's days), so what follows gathers behind it.
    const running = ask(gateway, kolId, "2025-01-01", "2025-01-05");
    await first;
    const refresh = ask(gateway, kolId, "2026-03-06", "2026-03-10", { "Xingtu-Refresh": "live" });
    await pause(200);
    const plain = ask(gateway, kolId, "2026-02-01", "2026-02-05");
    await pause(200);
    release();
    await Promise.all([running, refresh, plain]);
    expect(gateway.emulator.requests).toHaveLength(2);
    const gathered = gateway.emulator.requests[1]!;
    expect(gathered.endDate).toBe("2026-03-10");
    expect(gathered.startDate! < "2026-02-01").toBe(true);
  });

  it("bring the widest useful window in one call: any range inside it then costs no call", async () => {
    const gateway = wideGateway();
    const kolId = uniqueKol();
    await expectDirectAnswer(await ask(gateway, kolId, "2026-03-01", "2026-03-05"), kolId, "2026-03-01", "2026-03-05");
    // Towards the present up to today, then 365 days in all into the past.
    expect(windows(gateway)).toEqual(["2025-03-11..2026-03-10"]);
    const inside = [
      ["2025-09-10", "2026-03-08"],
      ["2025-10-01", "2025-12-31"],
      ["2026-03-06", "2026-03-08"],
      ["2025-09-10", "2025-09-10"],
    ] as const;
    for (const [start, end] of inside) {
      const response = await ask(gateway, kolId, start, end);
      expect(response.headers.get("Xingtu-Upstream-Calls")).toBe("0");
      await expectDirectAnswer(response, kolId, start, end);
    }
    expect(gateway.emulator.requests).toHaveLength(1);
  });

  it("reach today: live days come with the window, and are asked again after LIVE_TTL_SECONDS", async () => {
    const gateway = wideGateway();
    const kolId = uniqueKol();
    await ask(gateway, kolId, "2026-03-05", "2026-03-09");
    expect(windows(gateway)).toEqual(["2025-03-11..2026-03-10"]);
    gateway.clock.now += (3600 + 600) * 1000 + 1000;
    await ask(gateway, kolId, "2026-03-01", "2026-03-09");
    // The live days expired; the settled ones before them are kept.
    expect(windows(gateway)).toEqual(["2025-03-11..2026-03-10", "2026-03-09..2026-03-10"]);
  });

  it("stop at stored days, and never reach before MIN_DATE", async () => {
    const kolId = uniqueKol();
    // A gateway that asks exact windows stores 03-01..03-05 in the KOL's coordinator first.
    await ask(makeGateway(), kolId, "2026-03-01", "2026-03-05");
    const gateway = wideGateway();
    await ask(gateway, kolId, "2026-02-20", "2026-02-25");
    expect(windows(gateway)).toEqual(["2025-03-01..2026-02-28"]);

    const bounded = wideGateway({ env: { MIN_DATE: "2026-01-01" } });
    await ask(bounded, uniqueKol(), "2026-01-10", "2026-01-20");
    expect(windows(bounded)).toEqual(["2026-01-01..2026-03-10"]);
  });

  it("span UPSTREAM_FETCH_DAYS, and gather concurrent misses into one widened call", async () => {
    const gateway = wideGateway({ env: { UPSTREAM_FETCH_DAYS: "10" }, emulator: { latencyMs: 5 } });
    const kolId = uniqueKol();
    await ask(gateway, kolId, "2026-03-01", "2026-03-05");
    expect(windows(gateway)).toEqual(["2026-03-01..2026-03-10"]);

    const other = wideGateway({ emulator: { latencyMs: 5 } });
    const otherKol = uniqueKol();
    await Promise.all([ask(other, otherKol, "2026-02-01", "2026-02-28"), ask(other, otherKol, "2026-03-01", "2026-03-09")]);
    expect(windows(other)).toEqual(["2025-03-11..2026-03-10"]);
  });

  it("answer the upstream's paid 'no data' (201) as such when nothing of the range was stored", async () => {
    const gateway = wideGateway();
    gateway.emulator.queueFaults({ kind: "code", code: 201 });
    const response = await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ type: "/problems/upstream-no-data" });
    expect(windows(gateway)).toEqual(["2025-03-11..2026-03-10"]);
  });

  it("are not made for a client's refresh: it buys only what it asks for", async () => {
    const gateway = wideGateway();
    const kolId = uniqueKol();
    await ask(gateway, kolId, "2026-03-04", "2026-03-09", { "Xingtu-Refresh": "live" });
    await ask(gateway, kolId, "2026-03-01", "2026-03-03");
    await ask(gateway, kolId, "2026-03-01", "2026-03-07", { "Xingtu-Refresh": "settled" });
    expect(windows(gateway)).toEqual(["2026-03-04..2026-03-09", "2025-03-04..2026-03-03", "2026-03-01..2026-03-07"]);
  });
});

describe("settled days kept for good", () => {
  it("a settled range asked again a month later costs no call, nor does any other inside the window", async () => {
    const gateway = wideGateway();
    const kolId = uniqueKol();
    await ask(gateway, kolId, "2026-02-01", "2026-02-28");
    gateway.clock.now += 30 * DAY_MS;
    for (const [start, end] of [
      ["2026-02-01", "2026-02-28"],
      ["2025-11-01", "2025-11-30"],
    ] as const) {
      const response = await ask(gateway, kolId, start, end);
      expect(response.headers.get("Cache-Status")).toMatch(/^xingtu-edge; hit;.*detail="assembled"$/);
      expect(response.headers.get("Xingtu-Upstream-Calls")).toBe("0");
      await expectDirectAnswer(response, kolId, start, end);
    }
    expect(windows(gateway)).toEqual(["2025-03-11..2026-03-10"]);
  });

  it("a stale settled answer is revalidated from the stored days, without a call", async () => {
    const gateway = wideGateway();
    const path = trendPath(uniqueKol(), "2026-02-01", "2026-02-28");
    await gateway.request(path);
    gateway.clock.now += 7 * DAY_MS + 60_000;
    expect((await gateway.request(path)).headers.get("Cache-Status")).toMatch(/stale-while-revalidate/);
    expect((await gateway.request(path)).headers.get("Age")).toBe("0");
    expect(gateway.emulator.requests).toHaveLength(1);
  });

  it("days older than the upstream's history depth are answered from the archive, and a call spanning them keeps them", async () => {
    // 180-day windows, so a later range can reach past both ends of the first.
    const gateway = wideGateway({ env: { UPSTREAM_FETCH_DAYS: "180" }, emulator: { historyDays: 60 } });
    const kolId = uniqueKol();
    await ask(gateway, kolId, "2026-01-15", "2026-01-31");
    expect(windows(gateway)).toEqual(["2025-09-12..2026-03-10"]);
    // Two months on, the upstream serves nothing before 2026-03-10.
    gateway.clock.now += 60 * DAY_MS;
    const archived = await ask(gateway, kolId, "2026-01-15", "2026-01-31");
    expect(archived.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    await expectDirectAnswer(archived, kolId, "2026-01-15", "2026-01-31");
    // Buying it again (the operator's refresh) pays for the upstream's "no data", and keeps the archive's answer.
    const refreshed = await ask(gateway, kolId, "2026-01-15", "2026-01-31", { "Xingtu-Refresh": "settled" });
    expect(refreshed.headers.get("Xingtu-Upstream-Billed")).toBe("1");
    await expectDirectAnswer(refreshed, kolId, "2026-01-15", "2026-01-31");
    // Missing days on both sides of the archive: one call spans it, and its answer lacks those days.
    const spanning = await ask(gateway, kolId, "2025-09-01", "2026-03-20");
    const { series } = await spanning.json<{ series: { date: string; fans: number | null }[] }>();
    expect(series.filter((point) => point.date >= "2026-01-09" && point.date <= "2026-03-08").every((point) => point.fans !== null)).toBe(
      true,
    );
    expect(windows(gateway).slice(1)).toEqual(["2026-01-15..2026-01-31", "2025-09-01..2026-03-20"]);
    await expectDirectAnswer(await ask(gateway, kolId, "2026-01-09", "2026-03-08"), kolId, "2026-01-09", "2026-03-08");
    expect(gateway.emulator.requests).toHaveLength(3);
  });
});

describe("a wide window the upstream refuses", () => {
  it("costs one extra unbilled call once, admitted and counted, then none: the account remembers the limit", async () => {
    const gateway = wideGateway({ emulator: { maxRangeDays: 60 } });
    const kolId = uniqueKol();
    const first = await ask(gateway, kolId, "2026-03-01", "2026-03-05");
    await expectDirectAnswer(first, kolId, "2026-03-01", "2026-03-05");
    expect(first.headers.get("Xingtu-Upstream-Calls")).toBe("2");
    expect(first.headers.get("Xingtu-Upstream-Billed")).toBe("1");
    expect(windows(gateway)).toEqual(["2025-03-11..2026-03-10", "2026-03-01..2026-03-05"]);
    expect(await accountDay(gateway)).toMatchObject({ calls: 2, billed: 1 });
    expect(gateway.logs).toContainEqual(
      expect.objectContaining({ level: "warn", msg: expect.stringContaining("refused a widened window"), refusedDays: 365 }),
    );

    // Another KOL's coordinator learns it from the account ledger: no wider than the 5 days that worked.
    await ask(gateway, uniqueKol(), "2026-02-01", "2026-02-05");
    await ask(gateway, kolId, "2026-02-20", "2026-02-25");
    // A wider asked window that works widens what the next calls may ask.
    await ask(gateway, uniqueKol(), "2026-01-01", "2026-01-30");
    await ask(gateway, uniqueKol(), "2026-03-01", "2026-03-05");
    expect(windows(gateway).slice(2)).toEqual([
      "2026-02-01..2026-02-05",
      "2026-02-20..2026-02-25",
      "2026-01-01..2026-01-30",
      "2026-02-09..2026-03-10",
    ]);
    expect(await accountDay(gateway)).toMatchObject({ calls: 6, billed: 5 });
  });

  it("is shown to the operator by /healthz until it lapses", async () => {
    const gateway = wideGateway({ emulator: { maxRangeDays: 60 } });
    await ask(gateway, uniqueKol(), "2026-03-01", "2026-03-05");
    const health = await (await gateway.request("/healthz")).json<{ upstream: { rangeLimit: unknown } }>();
    expect(health.upstream.rangeLimit).toEqual({ refusedDays: 365, workedDays: 5, until: "2026-03-17T04:00:00.000Z" });
    gateway.clock.now += 7 * DAY_MS;
    expect((await (await gateway.request("/healthz")).json<{ upstream: { rangeLimit: unknown } }>()).upstream.rangeLimit).toBeNull();
  });

  it("is probed again once the remembered limit lapses, a week later", async () => {
    const gateway = wideGateway({ emulator: { maxRangeDays: 60 } });
    await ask(gateway, uniqueKol(), "2026-03-01", "2026-03-05");
    gateway.clock.now += 7 * DAY_MS;
    await ask(gateway, uniqueKol(), "2026-03-01", "2026-03-05");
    expect(windows(gateway)).toEqual([
      "2025-03-11..2026-03-10",
      "2026-03-01..2026-03-05",
      "2025-03-18..2026-03-17",
      "2026-03-01..2026-03-05",
    ]);
  });

  it("is forgotten once a window as wide as the refused one works", async () => {
    const limited = wideGateway({ emulator: { maxRangeDays: 60 } });
    await ask(limited, uniqueKol(), "2026-03-01", "2026-03-05");
    // The same account, once the upstream serves 365 days again: a client's 365-day range works.
    const lifted = wideGateway({ account: limited.account });
    await ask(lifted, uniqueKol(), "2025-03-11", "2026-03-10");
    await ask(lifted, uniqueKol(), "2026-03-01", "2026-03-05");
    expect(windows(lifted)).toEqual(["2025-03-11..2026-03-10", "2025-03-11..2026-03-10"]);
  });

  it("retries only when the account ledger admits one more attempt", async () => {
    const gateway = wideGateway({ env: { UPSTREAM_DAILY_BUDGET: "1" }, emulator: { maxRangeDays: 60 } });
    const response = await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05"));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ type: "/problems/spend-guard-open" });
    expect(windows(gateway)).toEqual(["2025-03-11..2026-03-10"]);
    expect(await accountDay(gateway)).toMatchObject({ calls: 1, billed: 0 });
  });
});

describe("the emulator's range limit and history depth", () => {
  const call = async (emulator: ReturnType<typeof createEmulator>, start: string, end: string) => {
    const url = `https://api.justoneapi.com/api/douyin-xingtu/gw/api/data_sp/get_author_daily_fans/v1?token=t&oAuthorId=42&startDate=${start}&endDate=${end}`;
    return (await emulator.fetch(new Request(url))).json<{ code: number; data: { daily: { date: string }[] } | null }>();
  };

  it("refuses a range longer than maxRangeDays with code 400", async () => {
    const emulator = createEmulator({ maxRangeDays: 3 });
    expect((await call(emulator, "2026-03-01", "2026-03-03")).code).toBe(0);
    expect(await call(emulator, "2026-03-01", "2026-03-04")).toMatchObject({ code: 400, data: null });
  });

  it("leaves out days older than historyDays before its today, and answers 201 when none are left", async () => {
    const emulator = createEmulator({ historyDays: 10, now: () => Date.parse("2026-03-10T04:00:00Z") });
    const body = await call(emulator, "2026-02-25", "2026-03-02");
    expect(body.data?.daily.map((point) => point.date)).toEqual(["2026-02-28", "2026-03-01", "2026-03-02"]);
    expect(await call(emulator, "2026-02-01", "2026-02-27")).toMatchObject({ code: 201, data: null });
  });
});
