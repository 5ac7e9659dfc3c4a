import { describe, expect, it } from "vitest";
import { configSchema, loadConfig } from "../../src/config/config.ts";

describe("configuration", () => {
  it("applies the documented defaults", () => {
    const config = configSchema.parse({ JUSTONEAPI_TOKEN: "t" });
    expect(config).toMatchObject({
      UPSTREAM_BASE_URL: "https://api.justoneapi.com",
      ALLOW_INSECURE_UPSTREAM: false,
      UPSTREAM_TIMEOUT_MS: 60_000,
      MAX_RANGE_DAYS: 365,
      SETTLED_TTL_SECONDS: 604_800,
      LIVE_TTL_SECONDS: 3600,
    });
  });

  it("reads numbers and flags written as strings, as wrangler vars are", () => {
    const config = configSchema.parse({
      UPSTREAM_TIMEOUT_MS: "1500",
      ALLOW_INSECURE_UPSTREAM: "true",
      UPSTREAM_BASE_URL: "http://127.0.0.1:8788/",
    });
    expect(config.UPSTREAM_TIMEOUT_MS).toBe(1500);
    expect(config.UPSTREAM_BASE_URL).toBe("http://127.0.0.1:8788");
  });

  it("refuses a plain-http upstream unless insecure upstreams are allowed", () => {
    const result = loadConfig({ UPSTREAM_BASE_URL: "http://47.117.133.51:30015" });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.stringContaining("UPSTREAM_BASE_URL is plain http")]);
  });

  it("refuses a TTL below KV's 60 second minimum", () => {
    expect(loadConfig({ LIVE_TTL_SECONDS: "30" }).problems).toEqual(["LIVE_TTL_SECONDS must be at least 60"]);
  });

  it("names the variable and the rule but never the value", () => {
    const result = loadConfig({ UPSTREAM_TIMEOUT_MS: "soon-secret-value", ALLOW_INSECURE_UPSTREAM: "perhaps-secret" });
    expect(result.problems.join("\n")).not.toMatch(/secret/);
    expect(result.problems).toHaveLength(2);
  });

  it("parses each environment object once", () => {
    const env = { MAX_RANGE_DAYS: "10" };
    expect(loadConfig(env)).toBe(loadConfig(env));
  });
});
