import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol } from "../support/gateway.ts";

const LIVE = ["2026-03-05", "2026-03-09"] as const;
const TTL_MS = 3600 * 1000;

describe("stale while revalidate", () => {
  it("serves an expired live answer at once and refreshes it once in the background", async () => {
    const gateway = makeGateway({ emulator: { latencyMs: 10 } });
    const path = trendPath(uniqueKol(), ...LIVE);
    const first = await (await gateway.request(path)).json();
    gateway.clock.now += TTL_MS + 30_000;
    const stale = await Promise.all(Array.from({ length: 5 }, () => gateway.request(path)));
    for (const response of stale) {
      expect(response.status).toBe(200);
      expect(response.headers.get("Cache-Status")).toBe('xingtu-edge; hit; ttl=-30; detail="stale-while-revalidate"');
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(await response.json()).toEqual(first);
    }
    expect(gateway.emulator.requests).toHaveLength(2);
    const fresh = await gateway.request(path);
    expect(fresh.headers.get("Cache-Status")).toMatch(/^xingtu-edge; hit; ttl=3600/);
    expect(fresh.headers.get("Age")).toBe("0");
  });

  it("keeps serving the stale answer when the background refresh fails", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), ...LIVE);
    await gateway.request(path);
    gateway.clock.now += TTL_MS + 30_000;
    gateway.emulator.queueFaults({ kind: "code", code: 500 });
    expect((await gateway.request(path)).headers.get("Cache-Status")).toMatch(/stale-while-revalidate/);
    expect(gateway.logs).toContainEqual(
      expect.objectContaining({ level: "warn", msg: expect.stringContaining("background revalidation failed") }),
    );
    expect((await gateway.request(path)).headers.get("Cache-Status")).toMatch(/stale-while-revalidate/);
  });
});
