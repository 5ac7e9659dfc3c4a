/**
 * Exactness at scale, from the deployable bundle: two gateway isolates, each with its own memory
 * tier, bound to the same Durable Objects and KV (test/bench/coordination.ts). The same figures
 * are `coordination` in `npm run bench`.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildBundle } from "../bench/runtime.ts";
import { measureCoordination, type Coordination } from "../bench/coordination.ts";

let measured: Coordination;

beforeAll(async () => {
  measured = await measureCoordination(
    buildBundle("coordination-gateway", "wrangler.toml"),
    buildBundle("coordination-emulator", "tools/emulator/wrangler.toml"),
  );
}, 120_000);

describe("two gateway isolates sharing one set of Durable Objects", () => {
  it("make one upstream call for 100 concurrent identical cold requests", () => {
    expect(measured.isolates).toBe(2);
    expect(measured.coldIdentical).toEqual({ requests: 100, upstreamCalls: 1 });
  });

  it("fetch each day of 20 concurrent overlapping ranges once, in one wide call, and store every one", () => {
    const { distinctDays, upstreamCalls, upstreamDays, daysFetchedTwice, storedDaysAfter } = measured.overlapping;
    expect(upstreamCalls).toBe(1);
    expect(daysFetchedTwice).toBe(0);
    expect(upstreamDays).toBeGreaterThanOrEqual(distinctDays);
    expect(storedDaysAfter).toBe(distinctDays);
  });

  it("make exactly the daily budget's calls under 30 concurrent misses", () => {
    expect(measured.budget).toEqual({ limit: 5, concurrentMisses: 30, upstreamCalls: 5 });
  });

  it("never pass the daily budget when they are lost holding calls the account leased them", () => {
    // Two misses, each isolate then leased 4 calls (LEASE_CALLS) and was lost with them: those 8 count
    // as spent until they lapse, so 60 of 80 misses after are called, and 70 is never passed.
    expect(measured.budgetAcrossLostLeases).toEqual({ limit: 70, before: 2, concurrentMissesAfter: 80, after: 60 });
  });

  it("make one delivery of 20 concurrent identical webhook POSTs", () => {
    expect(measured.idempotency).toEqual({ concurrentPosts: 20, deliveries: 1 });
  });
});
