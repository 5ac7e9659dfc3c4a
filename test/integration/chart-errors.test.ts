/**
 * A chart's errors are images: an `<img>` in a report or a chat shows a JSON error as a broken
 * icon, so the chart routes answer a problem as a chart-sized SVG saying what went wrong, in English
 * and Simplified Chinese, with the problem's own status and headers. A client that asks for JSON
 * still gets problem+json.
 */
import { describe, expect, it } from "vitest";
import { makeGateway, uniqueKol } from "../support/gateway.ts";

const RANGE = "startDate=2026-03-01&endDate=2026-03-05";

describe("a chart's error", () => {
  it("is an image that says what was wrong and what it means in Chinese, with the problem's status", async () => {
    const response = await makeGateway().request(`/v1/kols/042/daily-fans.svg?${RANGE}`);
    expect(response.status).toBe(400);
    expect(response.headers.get("Content-Type")).toBe("image/svg+xml; charset=utf-8");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    // It carries the caller's words (the path, a field's value): opened on its own, it runs and loads nothing, as a chart does.
    expect(response.headers.get("Content-Security-Policy")).toBe("default-src 'none'; style-src 'unsafe-inline'");
    const svg = await response.text();
    expect(svg).toMatch(/^<svg [^>]*width="800" height="400"/);
    expect(svg).toContain("kolId must be 1 to 32 ASCII digits");
    expect(svg).toContain('lang="zh-CN">请求参数不符合规则');
  });

  it("takes the chart's size when the chart was asked at another width, its lines wrapped to it", async () => {
    const response = await makeGateway().request(`/v1/kols/042/daily-fans.svg?${RANGE}&width=400`);
    const svg = await response.text();
    expect(svg).toMatch(/^<svg [^>]*width="400" height="400"/);
    // 320 px of room at 15 px: no line of the detail longer than 40 half-widths.
    const lines = [...svg.matchAll(/class="detail">([^<]*)</g)].map((match) => match[1]!);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((line) => line.length <= 40)).toBe(true);
  });

  it("for a wrong key keeps the 401's challenge, and says so in the image", async () => {
    const response = await makeGateway().request(`/v1/kols/${uniqueKol()}/daily-fans.svg?${RANGE}&key=xte_wrong`, { as: null });
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
    expect(await response.text()).toContain("A valid client key is required");
  });

  it("of a roster's chart is an image too", async () => {
    const response = await makeGateway().request(`/v1/rosters/nobody/daily-fans.svg?${RANGE}`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("This key has no roster named");
  });

  it("is problem+json for a client that asks for JSON", async () => {
    const response = await makeGateway().request(`/v1/kols/042/daily-fans.svg?${RANGE}`, { headers: { Accept: "application/json" } });
    expect(response.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ type: "/problems/invalid-request" });
  });

  it("escapes what it quotes from the request", async () => {
    const response = await makeGateway().request(`/v1/kols/${uniqueKol()}/daily-fans.svg?${RANGE}&%3Cscript%3E=1`);
    expect(response.status).toBe(400);
    const svg = await response.text();
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&lt;script&gt;");
  });
});
