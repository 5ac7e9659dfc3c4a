import { describe, expect, it } from "vitest";
import { cacheKey, ttlPolicy } from "../../src/lookup/policy.ts";

const config = { SETTLED_TTL_SECONDS: 604_800, LIVE_TTL_SECONDS: 3600 };
// 2026-03-10 00:30 in Shanghai, still 2026-03-09 in UTC.
const now = Date.parse("2026-03-09T16:30:00Z");

describe("TTL policy", () => {
  it("keeps a range ending two Shanghai days ago as settled", () => {
    expect(ttlPolicy("2026-03-08", now, config)).toEqual({ settled: true, ttlSeconds: 604_800 });
  });

  it("keeps a range ending yesterday in Shanghai as live", () => {
    expect(ttlPolicy("2026-03-09", now, config)).toEqual({ settled: false, ttlSeconds: 3600 });
  });

  it("decides by the Shanghai calendar, not UTC", () => {
    const beforeShanghaiMidnight = Date.parse("2026-03-09T15:30:00Z");
    expect(ttlPolicy("2026-03-08", beforeShanghaiMidnight, config).settled).toBe(false);
  });
});

describe("cache key", () => {
  it("names the version, KOL and dates only", () => {
    expect(cacheKey({ kolId: "42", startDate: "2026-01-01", endDate: "2026-01-31" })).toBe("v1:daily-fans:42:2026-01-01:2026-01-31");
  });
});
