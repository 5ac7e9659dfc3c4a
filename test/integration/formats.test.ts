import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import { successBody } from "../../tools/emulator/series.ts";

const RANGE = ["2026-03-01", "2026-03-05"] as const;

describe("CSV", () => {
  it("answers format=csv with a header row and one row per day", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const response = await gateway.request(trendPath(kolId, ...RANGE, "&format=csv"));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8; header=present");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="kol-${kolId}-daily-fans-2026-03-01-to-2026-03-05.csv"`);
    const direct = successBody(kolId, ...RANGE).data;
    const expected =
      ["date,fans,delta", ...direct.daily.map((d, i) => `${d.date},${d.fans_cnt},${direct.delta[i]!.fans_cnt}`)].join("\r\n") + "\r\n";
    expect(await response.text()).toBe(expected);
  });

  it("answers Accept: text/csv with CSV, and varies on Accept", async () => {
    const response = await makeGateway().request(trendPath(uniqueKol(), ...RANGE), { headers: { Accept: "text/csv" } });
    expect(response.headers.get("Content-Type")).toMatch(/^text\/csv/);
    expect(response.headers.get("Vary")).toMatch(/\bAccept\b/);
  });

  it("weighs Accept's q values: CSV at q=0 is refused, and CSV ranked above JSON wins", async () => {
    const gateway = makeGateway();
    const path = trendPath(uniqueKol(), ...RANGE);
    const typeFor = async (accept: string) => (await gateway.request(path, { headers: { Accept: accept } })).headers.get("Content-Type");
    expect(await typeFor("text/csv;q=0, application/json")).toBe("application/json");
    expect(await typeFor("application/json;q=0.5, text/csv;q=0.9")).toMatch(/^text\/csv/);
    // A tie goes to JSON, the API's own format.
    expect(await typeFor("application/json, text/csv")).toBe("application/json");
  });

  it("leaves a missing count empty rather than inventing one", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "mismatch" });
    const lines = (await (await gateway.request(trendPath(uniqueKol(), ...RANGE, "&format=csv"))).text()).split("\r\n");
    expect(lines[1]).toMatch(/^2026-03-01,,-?\d+$/);
    expect(lines[5]).toMatch(/^2026-03-05,\d+,$/);
  });

  it("refuses an unknown format", async () => {
    const response = await makeGateway().request(trendPath(uniqueKol(), ...RANGE, "&format=xml"));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [expect.objectContaining({ field: "format" })] });
  });
});

describe("the SVG chart", () => {
  const chartPath = (kolId: string, extra = "") => `/v1/kols/${kolId}/daily-fans.svg?startDate=2026-02-07&endDate=2026-03-08${extra}`;

  it("is an accessible SVG with a title, thousands separators and the min and max marked", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const response = await gateway.request(chartPath(kolId));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("image/svg+xml; charset=utf-8");
    // Opened on its own it runs and loads nothing: its only style is its own.
    expect(response.headers.get("Content-Security-Policy")).toBe("default-src 'none'; style-src 'unsafe-inline'");
    const svg = await response.text();
    const counts = successBody(kolId, "2026-02-07", "2026-03-08").data.daily.map((d) => Number(d.fans_cnt));
    const format = (n: number) => new Intl.NumberFormat("en-US").format(n);
    expect(svg).toMatch(
      /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="800" height="400"[^>]* role="img" aria-labelledby="title desc"/,
    );
    expect(svg).toContain(`<title id="title">Douyin followers of KOL ${kolId}, 2026-02-07 to 2026-03-08</title>`);
    expect(svg).toContain(`max ${format(Math.max(...counts))}`);
    expect(svg).toContain(`min ${format(Math.min(...counts))}`);
    expect(svg).toMatch(/class="label">\d{1,3}(,\d{3})+<\/text>/);
    expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){29}" class="line"\/>/);
  });

  it("is titled with the creator's name when one is given, in either language, with no second call", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await gateway.request(chartPath(kolId));
    const named = await (await gateway.request(chartPath(kolId, `&name=${encodeURIComponent("李佳琦 & Co")}`))).text();
    expect(named).toContain(`<title id="title">Douyin followers of 李佳琦 &amp; Co (KOL ${kolId}), 2026-02-07 to 2026-03-08</title>`);
    const zh = await (await gateway.request(chartPath(kolId, `&name=${encodeURIComponent("李佳琦")}&lang=zh-CN`))).text();
    expect(zh).toContain(`<title id="title">抖音达人 李佳琦（${kolId}）粉丝数，2026-02-07 至 2026-03-08</title>`);
    expect(gateway.upstreamFetches).toBe(1);
  });

  it("cuts a long name short in the heading, so the creator's id stays in sight, and keeps it whole in the title", async () => {
    const gateway = makeGateway();
    // An id of a real one's length (a test's own are twenty digits).
    const kolId = "6838432049";
    const name = "字".repeat(40);
    const svg = await (await gateway.request(chartPath(kolId, `&name=${encodeURIComponent(name)}&lang=zh-CN&width=400`))).text();
    expect(svg).toContain(`<title id="title">抖音达人 ${name}（${kolId}）粉丝数，`);
    const heading = [...svg.matchAll(/class="heading[^"]*">([^<]*)</g)].map((match) => match[1]);
    expect(heading[0]).toMatch(new RegExp(`^抖音达人 字+…（${kolId}）粉丝数，$`));
  });

  it("refuses a name that is not text a person reads, naming the field", async () => {
    const gateway = makeGateway();
    const response = await gateway.request(chartPath(uniqueKol(), "&name=%E2%80%8B%00"), { headers: { Accept: "application/json" } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ field: "name", in: "query", rule: "label" }] });
    expect(gateway.upstreamFetches).toBe(0);
  });

  it("breaks the line where a day has no count", async () => {
    const gateway = makeGateway();
    gateway.emulator.queueFaults({ kind: "mismatch" });
    const svg = await (await gateway.request(chartPath(uniqueKol()))).text();
    expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){28}" class="line"\/>/);
  });

  it("accepts the key as a query parameter, for <img> embeds, and is cached like JSON", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS);
    const kolId = uniqueKol();
    const first = await gateway.request(chartPath(kolId, `&key=${key}`), { as: null });
    expect(first.status).toBe(200);
    await gateway.request(trendPath(kolId, "2026-02-07", "2026-03-08"));
    const again = await gateway.request(chartPath(kolId, `&key=${key}`), { as: null });
    expect(again.headers.get("Cache-Status")).toMatch(/; hit;/);
    expect(again.headers.get("ETag")).toBe(first.headers.get("ETag"));
    expect(gateway.upstreamFetches).toBe(1);
    expect(JSON.stringify(gateway.logs)).not.toContain(key);
  });

  it("does not take a key from the query on the JSON route", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS);
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE, `&key=${key}`), { as: null });
    expect(response.status).toBe(401);
  });
});
