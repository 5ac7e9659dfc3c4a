import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("smoke", () => {
  it("answers healthz", async () => {
    const res = await exports.default.fetch("https://gateway.test/healthz");
    expect(res.status).toBe(200);
    console.log(await res.text());
  });
  it("answers a trend through the emulator", async () => {
    const res = await exports.default.fetch("https://gateway.test/v1/kols/123/daily-fans?startDate=2026-01-01&endDate=2026-01-05");
    console.log(res.status, [...res.headers], (await res.text()).slice(0, 500));
  });
});
