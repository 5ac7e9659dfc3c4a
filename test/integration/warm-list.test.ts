import { reset } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { FIXED_NOW, makeGateway, trendPath } from "../support/gateway.ts";
import { warmHour } from "../../src/lookup/warm.ts";
import { shanghaiHour } from "../../src/calendar.ts";

const HOUR = shanghaiHour(FIXED_NOW);

// The KOLs of an hour are the same in every test: each starts with nothing stored.
afterEach(() => reset());

function kolsWarmedAt(hour: number, count: number, other = false): string[] {
  const found: string[] = [];
  for (let id = 10_000; found.length < count; id++) if ((warmHour(String(id)) === hour) !== other) found.push(String(id));
  return found;
}

describe("the warm list (Cron Trigger)", () => {
  it("refreshes only the KOLs whose hour it is", async () => {
    const due = kolsWarmedAt(HOUR, 2);
    const later = kolsWarmedAt(HOUR, 2, true);
    const gateway = makeGateway({ env: { WARM_KOLS: [...due, ...later].join(",") } });
    const report = await gateway.runScheduled();
    expect(report).toEqual({ due, warmed: due, failed: [] });
    expect(gateway.emulator.requests.map((r) => r.kolId).sort()).toEqual([...due].sort());
  });

  it("asks for the KOL's last WARM_RANGE_DAYS days, so dashboards then hit without an upstream call", async () => {
    const [kolId] = kolsWarmedAt(HOUR, 1);
    const gateway = makeGateway({ env: { WARM_KOLS: kolId, WARM_RANGE_DAYS: "30" } });
    await gateway.runScheduled();
    expect(gateway.emulator.requests.map((r) => `${r.startDate}..${r.endDate}`)).toEqual(["2026-02-09..2026-03-10"]);
    for (const [start, end] of [
      ["2026-02-09", "2026-03-10"],
      ["2026-02-20", "2026-03-09"],
      ["2026-03-01", "2026-03-07"],
    ] as const) {
      const response = await gateway.request(trendPath(kolId!, start, end));
      expect(response.headers.get("Cache-Status")).toMatch(/; hit;/);
    }
    expect(gateway.emulator.requests).toHaveLength(1);
  });

  it("on the next day fetches only the days that are new or still live", async () => {
    const [kolId] = kolsWarmedAt(HOUR, 1);
    const gateway = makeGateway({ env: { WARM_KOLS: kolId } });
    await gateway.runScheduled();
    gateway.clock.now += 24 * 3600 * 1000;
    await gateway.runScheduled();
    expect(gateway.emulator.requests.map((r) => `${r.startDate}..${r.endDate}`)).toEqual([
      "2026-02-09..2026-03-10",
      "2026-03-09..2026-03-11",
    ]);
  });

  it("reports a KOL whose refresh failed and goes on", async () => {
    const [first, second] = kolsWarmedAt(HOUR, 2);
    const gateway = makeGateway({ env: { WARM_KOLS: `${first},${second}` } });
    gateway.emulator.queueFaults({ kind: "code", code: 500, kolId: first });
    const report = await gateway.runScheduled();
    expect(report.failed).toEqual([first]);
    expect(report.warmed).toEqual([second]);
  });
});
