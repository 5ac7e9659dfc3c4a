import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";

const RANGE = ["2026-03-01", "2026-03-05"] as const;

function recordingDataset() {
  const points: AnalyticsEngineDataPoint[] = [];
  return { points, dataset: { writeDataPoint: (point?: AnalyticsEngineDataPoint) => void points.push(point!) } };
}

describe("observability", () => {
  it("logs one structured line per request with the route, cache status, upstream cost and key name", async () => {
    const gateway = makeGateway();
    const { key, record } = await createTestKey(env.KEYS);
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, ...RANGE), { as: key });
    await gateway.request(trendPath(kolId, ...RANGE), { as: key });
    expect(gateway.logs).toHaveLength(2);
    expect(gateway.logs[0]).toMatchObject({
      msg: "request",
      route: "/v1/kols/:kolId/daily-fans",
      status: 200,
      client: record.name,
      cache: expect.stringMatching(/fwd=miss/),
      upstream: expect.objectContaining({ attempts: 1, code: 0 }),
    });
    expect(gateway.logs[1]).toMatchObject({ cache: expect.stringMatching(/; hit;/), upstream: expect.objectContaining({ attempts: 0 }) });
  });

  it("sends Server-Timing with cache and upstream durations", async () => {
    const gateway = makeGateway({ emulator: { latencyMs: 30 } });
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    const timing = response.headers.get("Server-Timing") ?? "";
    expect(timing).toMatch(/cache;dur=\d+(\.\d+)?;desc="cache reads"/);
    expect(timing).toMatch(/upstream;dur=\d+(\.\d+)?;desc="1 upstream attempt\(s\)"/);
    expect(timing).toMatch(/total;dur=/);
  });

  it("sends the wait for the KOL's coordinator on a miss, its upstream call inside it, and none on a hit", async () => {
    // The upstream takes 40 ms of the gateway's clock.
    const gateway: ReturnType<typeof makeGateway> = makeGateway({
      fetch: (request) => ((gateway.clock.now += 40), gateway.emulator.fetch(request)),
    });
    const path = trendPath(uniqueKol(), ...RANGE);
    const duration = (timing: string, name: string) => Number(new RegExp(`${name};dur=([\\d.]+)`).exec(timing)?.[1]);
    const miss = (await gateway.request(path)).headers.get("Server-Timing") ?? "";
    expect(duration(miss, "upstream")).toBe(40);
    // Only the upstream moves the gateway's clock: the wait for the coordinator is its 40 ms.
    expect(duration(miss, "coordinator")).toBe(40);
    expect(miss).toMatch(/coordinator;dur=[\d.]+;desc="KOL coordinators with their upstream calls"/);
    const hit = (await gateway.request(path)).headers.get("Server-Timing") ?? "";
    expect(duration(hit, "coordinator")).toBe(0);
  });

  it("sends a roster's waits for its creators' coordinators, summed as their upstream calls are", async () => {
    const gateway: ReturnType<typeof makeGateway> = makeGateway({
      fetch: (request) => ((gateway.clock.now += 40), gateway.emulator.fetch(request)),
    });
    const json = { "Content-Type": "application/json" };
    await gateway.request("/v1/rosters/timed", {
      method: "PUT",
      headers: json,
      body: JSON.stringify({ kolIds: [uniqueKol(), uniqueKol()] }),
    });
    const response = await gateway.request(`/v1/rosters/timed/daily-fans?startDate=${RANGE[0]}&endDate=${RANGE[1]}`);
    const timing = response.headers.get("Server-Timing") ?? "";
    const duration = (name: string) => Number(new RegExp(`${name};dur=([\\d.]+)`).exec(timing)?.[1]);
    expect(duration("upstream")).toBeGreaterThanOrEqual(80);
    expect(duration("coordinator")).toBeGreaterThanOrEqual(duration("upstream"));
  });

  it("writes a usage data point per request, by key name", async () => {
    const { points, dataset } = recordingDataset();
    const gateway = makeGateway({ env: { USAGE: dataset } });
    const { key, record } = await createTestKey(env.KEYS);
    const kolId = uniqueKol();
    await gateway.request(trendPath(kolId, ...RANGE), { as: key });
    await gateway.request(trendPath(kolId, ...RANGE), { as: key });
    await gateway.request(trendPath(kolId, ...RANGE), { as: "xte_wrong" });
    expect(points).toEqual([
      {
        blobs: [record.name, "/v1/kols/:kolId/daily-fans", "miss", "200"],
        doubles: [1, 0, 1, expect.any(Number), 1],
        indexes: [record.name],
      },
      { blobs: [record.name, "/v1/kols/:kolId/daily-fans", "hit", "200"], doubles: [1, 1, 0, 0, 0], indexes: [record.name] },
      { blobs: ["anonymous", "/v1/kols/:kolId/daily-fans", "none", "401"], doubles: [1, 0, 0, 0, 0], indexes: ["anonymous"] },
    ]);
  });
});
