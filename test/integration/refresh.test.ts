/**
 * Refreshes spend only when a client asks for one explicitly (`Xingtu-Refresh`), never on what a
 * browser, proxy or spreadsheet sends on its own; settled days are bought again only with
 * `settled`; no day is bought again on request within REFRESH_INTERVAL_SECONDS of a refresh that
 * bought it, whichever key or range asks. Counts are
 * the emulator's own log. The test key has the refresh permission, as the local and owner keys do.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dropInPath, makeGateway, trendPath, uniqueKol, unreachableNamespace } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";

// The test clock is 2026-03-10 12:00 in Shanghai: 03-09 and 03-10 are live, 03-08 and before settled.
const SETTLED = ["2026-03-01", "2026-03-07"] as const;
const LIVE = ["2026-03-04", "2026-03-09"] as const;
const INTERVAL_MS = 600_000;

const chartPath = (kolId: string, [startDate, endDate]: readonly [string, string]) =>
  `/v1/kols/${kolId}/daily-fans.svg?startDate=${startDate}&endDate=${endDate}`;

const windows = (gateway: ReturnType<typeof makeGateway>) => gateway.emulator.requests.map((r) => `${r.startDate}..${r.endDate}`);

/** A creator with the range `[start, end]` bought, and `ask`: its refresh of a range in `mode`, answered by the verdict's first word. */
async function refreshing(mode: "live" | "settled", [start, end]: readonly [string, string]) {
  const gateway = makeGateway();
  const kolId = uniqueKol();
  await gateway.request(trendPath(kolId, start, end));
  const ask = async (from: string, to: string) =>
    (await gateway.request(trendPath(kolId, from, to), { headers: { "Xingtu-Refresh": mode } })).headers
      .get("Xingtu-Refresh")
      ?.split(";")[0];
  return { gateway, ask };
}

describe("what a browser or a spreadsheet sends on its own", () => {
  const reloads: Record<string, Record<string, string>> = {
    "a reload (Cache-Control: max-age=0)": { "Cache-Control": "max-age=0" },
    "a hard reload (Cache-Control: no-cache, Pragma: no-cache)": { "Cache-Control": "no-cache", Pragma: "no-cache" },
    "a proxy's Cache-Control: no-store, must-revalidate": { "Cache-Control": "no-store, must-revalidate" },
  };
  for (const [name, headers] of Object.entries(reloads)) {
    it(`spends nothing on ${name}, on the chart, the trend and the drop-in route`, async () => {
      const gateway = makeGateway();
      const kolId = uniqueKol();
      for (const path of [chartPath(kolId, SETTLED), trendPath(kolId, ...SETTLED), dropInPath(kolId, ...SETTLED)]) {
        for (let i = 0; i < 3; i++) {
          const response = await gateway.request(path, { headers });
          expect(response.status).toBe(200);
          expect(response.headers.has("Xingtu-Refresh")).toBe(false);
        }
      }
      expect(gateway.emulator.requests).toHaveLength(1);
    });
  }
});

describe("Xingtu-Refresh", () => {
  it("live buys again only the range's days Douyin may still revise", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, ...LIVE));
    const refreshed = await gateway.request(trendPath(kolId, ...LIVE), { headers: { "Xingtu-Refresh": "live" } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get("Xingtu-Refresh")).toBe("done");
    expect(refreshed.headers.get("Cache-Status")).toMatch(/fwd=request; stored/);
    expect(windows(gateway)).toEqual(["2026-03-04..2026-03-09", "2026-03-09..2026-03-09"]);
  });

  it("live on a settled range buys nothing and says why", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const first = await (await gateway.request(trendPath(kolId, ...SETTLED))).json();
    const response = await gateway.request(trendPath(kolId, ...SETTLED), { headers: { "Xingtu-Refresh": "live" } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(first);
    expect(response.headers.get("Xingtu-Refresh")).toMatch(/^skipped; reason="the range has no live days/);
    expect(gateway.emulator.requests).toHaveLength(1);
  });

  it("settled buys the whole range again", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, ...SETTLED));
    const response = await gateway.request(trendPath(kolId, ...SETTLED), { headers: { "Xingtu-Refresh": "settled" } });
    expect(response.headers.get("Xingtu-Refresh")).toBe("done");
    expect(windows(gateway)).toEqual(["2026-03-01..2026-03-07", "2026-03-01..2026-03-07"]);
  });

  it("refreshes a range at most once per interval per key, then again after it", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const path = trendPath(kolId, ...SETTLED);
    const refresh = { headers: { "Xingtu-Refresh": "settled" } };
    expect((await gateway.request(path, refresh)).headers.get("Xingtu-Refresh")).toBe("done");
    gateway.clock.now += INTERVAL_MS - 1_000;
    const soon = await gateway.request(path, refresh);
    expect(soon.status).toBe(200);
    expect(soon.headers.get("Xingtu-Refresh")).toBe(
      `skipped; reason="these days were refreshed recently"; next="${new Date(gateway.clock.now + 1_000).toISOString()}"`,
    );
    expect(gateway.emulator.requests).toHaveLength(1);
    gateway.clock.now += 1_000;
    expect((await gateway.request(path, refresh)).headers.get("Xingtu-Refresh")).toBe("done");
    expect(gateway.emulator.requests).toHaveLength(2);
  });

  it("buys no day again for another key within the interval", async () => {
    const gateway = makeGateway();
    const other = await createTestKey(env.KEYS, { permissions: ["refresh"] });
    const path = trendPath(uniqueKol(), ...SETTLED);
    const refresh = { headers: { "Xingtu-Refresh": "settled" } };
    await gateway.request(path, refresh);
    expect((await gateway.request(path, { ...refresh, as: other.key })).headers.get("Xingtu-Refresh")).toMatch(
      /^skipped; reason="these days/,
    );
    expect(gateway.emulator.requests).toHaveLength(1);
  });

  it("that was refused bought nothing, and holds no day back from another key's refresh", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), ...SETTLED);
    await gateway.request(path);
    const spent = await createTestKey(env.KEYS, { permissions: ["refresh"], dailyUpstreamCalls: 1 });
    await gateway.request(trendPath(uniqueKol(), ...SETTLED), { as: spent.key });
    const refresh = { headers: { "Xingtu-Refresh": "settled" } };
    expect((await gateway.request(path, { ...refresh, as: spent.key })).status).toBe(429);
    expect((await gateway.request(path, refresh)).headers.get("Xingtu-Refresh")).toBe("done");
    expect(gateway.emulator.requests).toHaveLength(3);
  });

  it("grants a live refresh of today beside one that bought yesterday: its days are today's alone", async () => {
    const { gateway, ask } = await refreshing("live", ["2026-03-01", "2026-03-10"]);
    expect(await ask("2026-03-01", "2026-03-09")).toBe("done");
    expect(await ask("2026-03-10", "2026-03-10")).toBe("done");
    expect(windows(gateway).slice(1)).toEqual(["2026-03-09..2026-03-09", "2026-03-10..2026-03-10"]);
  });

  it("buys the live days once however the range around them is asked", async () => {
    const { gateway, ask } = await refreshing("live", ["2026-03-01", "2026-03-10"]);
    const verdicts = [];
    for (const start of ["2026-03-01", "2026-03-04", "2026-03-09", "2026-03-10"]) verdicts.push(await ask(start, "2026-03-10"));
    expect(verdicts).toEqual(["done", "skipped", "skipped", "skipped"]);
    expect(windows(gateway)).toEqual(["2026-03-01..2026-03-10", "2026-03-09..2026-03-10"]);
  });

  it("declines a settled refresh over days bought again within the interval, and grants one beside them", async () => {
    const { gateway, ask } = await refreshing("settled", ["2026-03-01", "2026-03-07"]);
    expect(await ask("2026-03-01", "2026-03-03")).toBe("done");
    expect(await ask("2026-03-03", "2026-03-05")).toBe("skipped");
    expect(await ask("2026-03-04", "2026-03-07")).toBe("done");
    expect(windows(gateway)).toEqual(["2026-03-01..2026-03-07", "2026-03-01..2026-03-03", "2026-03-04..2026-03-07"]);
  });

  it("refuses a value that is neither mode, naming the header and the rule", async () => {
    const gateway = makeGateway();
    const response = await gateway.request(trendPath(uniqueKol(), ...SETTLED), { headers: { "Xingtu-Refresh": "yes" } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: "/problems/invalid-request",
      errors: [{ field: "Xingtu-Refresh", in: "header", rule: "enum" }],
    });
    expect(gateway.emulator.requests).toHaveLength(0);
  });

  it("is declined without the KOL's coordinator, which alone knows the key's last refresh", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), ...SETTLED);
    await gateway.request(path);
    const cut = makeGateway({ env: { KOL_COORDINATOR: unreachableNamespace() } });
    const response = await cut.request(path, { headers: { "Xingtu-Refresh": "settled" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Status")).toMatch(/detail="ledger-unavailable"/);
    expect(cut.emulator.requests).toHaveLength(0);
  });
});

describe("Xingtu-Refresh on routes of many creators, or of later answers", () => {
  const adhoc = (kolIds: string[], headers: Record<string, string>) => ({
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ kolIds, startDate: SETTLED[0], endDate: SETTLED[1] }),
  });

  it("is refused on many creators at once, saying where to ask, and spends nothing", async () => {
    const gateway = makeGateway();
    const kolIds = [uniqueKol(), uniqueKol()];
    await gateway.request("/v1/kols/daily-fans", adhoc(kolIds, {}));
    const again = await gateway.request("/v1/kols/daily-fans", adhoc(kolIds, { "Xingtu-Refresh": "settled" }));
    expect(again.status).toBe(200);
    expect(again.headers.get("Xingtu-Refresh")).toBe(
      'refused; reason="a refresh is asked one creator at a time: GET /v1/kols/{kolId}/daily-fans"',
    );
    expect(gateway.emulator.requests).toHaveLength(2);
  });

  it("is a 400 naming the header there too when its value is neither mode", async () => {
    const gateway = makeGateway();
    const response = await gateway.request("/v1/kols/daily-fans", adhoc([uniqueKol()], { "Xingtu-Refresh": "bogus" }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ field: "Xingtu-Refresh", in: "header", rule: "enum" }] });
    expect(gateway.emulator.requests).toHaveLength(0);
  });

  it("is honoured on the webhook target's synchronous answer, one creator, as on GET", async () => {
    const gateway = makeGateway();
    const body = JSON.stringify({ kolId: uniqueKol(), startDate: SETTLED[0], endDate: SETTLED[1] });
    const post = (headers: Record<string, string>) =>
      gateway.request("/v1/webhooks/daily-fans", { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });
    await post({});
    expect((await post({ "Xingtu-Refresh": "settled" })).headers.get("Xingtu-Refresh")).toBe("done");
    expect(gateway.emulator.requests).toHaveLength(2);
  });
});
