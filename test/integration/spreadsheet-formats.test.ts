/**
 * What people read: charts and CSV headers in Simplified Chinese or English (by `lang`, else
 * Accept-Language, else English), CSV for Excel (a byte-order mark), a roster's wide CSV, and
 * charts that say on their face what they leave out.
 */
import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol } from "../support/gateway.ts";
import { langOf } from "../../src/render/language.ts";
import type { Problem } from "../../src/problem.ts";

const RANGE = "startDate=2026-03-01&endDate=2026-03-05";
const json = (method: string, body: unknown) => ({ method, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
const firstLine = async (response: Response) => (await response.text()).split("\r\n")[0];

describe("the answer's language", () => {
  it("takes lang first, then the better of zh and en by Accept-Language's q values, else English", () => {
    expect(langOf("en", "zh-CN")).toBe("en");
    expect(langOf(undefined, "zh-CN,zh;q=0.9,en;q=0.8")).toBe("zh-CN");
    expect(langOf(undefined, "en-US,en;q=0.9,zh-TW;q=0.8")).toBe("en");
    expect(langOf(undefined, "fr-FR, zh;q=0.5, en;q=0.4")).toBe("zh-CN");
    expect(langOf(undefined, "zh;q=0, en;q=0.1")).toBe("en");
    expect(langOf(undefined, "fr")).toBe("en");
    expect(langOf(undefined, undefined)).toBe("en");
  });

  it("writes a trend's CSV headers in Chinese for lang=zh-CN or a Chinese browser, in English otherwise", async () => {
    const gateway = makeGateway();
    const kol = uniqueKol();
    const csv = trendPath(kol, "2026-03-01", "2026-03-05", "&format=csv");
    expect(await firstLine(await gateway.request(`${csv}&lang=zh-CN`))).toBe("日期,粉丝数,日增");
    const browser = await gateway.request(csv, { headers: { "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8" } });
    expect(browser.headers.get("Vary")).toContain("Accept-Language");
    expect(await firstLine(browser)).toBe("日期,粉丝数,日增");
    expect(await firstLine(await gateway.request(csv))).toBe("date,fans,delta");
    expect(await firstLine(await gateway.request(`${csv}&lang=en`, { headers: { "Accept-Language": "zh-CN" } }))).toBe("date,fans,delta");
  });

  it("refuses an unknown lang, naming the parameter", async () => {
    const gateway = makeGateway();
    const response = await gateway.request(trendPath(uniqueKol(), "2026-03-01", "2026-03-05", "&lang=fr"));
    expect(response.status).toBe(400);
    expect(((await response.json()) as Problem).errors).toEqual([expect.objectContaining({ field: "lang", in: "query" })]);
  });

  it("draws a trend's chart with Chinese words and a CJK-capable font stack", async () => {
    const gateway = makeGateway();
    const kol = uniqueKol();
    const svg = await (await gateway.request(`/v1/kols/${kol}/daily-fans.svg?${RANGE}&lang=zh`)).text();
    expect(svg).toContain(`抖音达人 ${kol} 粉丝数，2026-03-01 至 2026-03-05`);
    expect(svg).toContain("日期（北京时间）");
    expect(svg).toMatch(/>最高 [\d,]+ \(/);
    expect(svg).toMatch(/font-family="[^"]*Noto Sans CJK SC/);
    const english = await (await gateway.request(`/v1/kols/${kol}/daily-fans.svg?${RANGE}`)).text();
    expect(english).toContain(`Douyin followers of KOL ${kol}`);
  });
});

describe("CSV for Excel", () => {
  it("starts with a UTF-8 byte-order mark when asked with bom=true, and only then", async () => {
    const gateway = makeGateway();
    const csv = trendPath(uniqueKol(), "2026-03-01", "2026-03-05", "&format=csv");
    const bytes = async (response: Response) => [...new Uint8Array(await response.arrayBuffer())].slice(0, 4);
    expect(await bytes(await gateway.request(`${csv}&bom=true`))).toEqual([0xef, 0xbb, 0xbf, "d".charCodeAt(0)]);
    expect(await bytes(await gateway.request(csv))).toEqual([..."date"].map((char) => char.charCodeAt(0)));
  });
});

describe("CSV cells a spreadsheet would run", () => {
  it("writes a label that starts like a formula as text (a leading apostrophe), and numbers as they are", async () => {
    const gateway = makeGateway();
    const [a, b] = [uniqueKol(), uniqueKol()];
    await gateway.request(
      "/v1/rosters/formulas",
      json("PUT", { kolIds: [a, b], labels: { [a]: '=HYPERLINK("http://evil/","x")', [b]: "@SUM(1+1)" } }),
    );
    const long = await (await gateway.request(`/v1/rosters/formulas/daily-fans?${RANGE}&format=csv`)).text();
    expect(long).toContain(`,"'=HYPERLINK(""http://evil/"",""x"")"\r\n`);
    expect(long).toMatch(/,-?\d+,'@SUM\(1\+1\)\r\n/);
    const wide = await (await gateway.request(`/v1/rosters/formulas/daily-fans?${RANGE}&format=csv-wide`)).text();
    expect(wide.split("\r\n")[0]).toBe(`date,"'=HYPERLINK(""http://evil/"",""x"")",'@SUM(1+1)`);
  });
});

describe("a roster's wide CSV", () => {
  it("has a row per date and a column per answered creator, headed by its label (with its id when two share one)", async () => {
    const gateway = makeGateway();
    const [a, b, c] = [uniqueKol(), uniqueKol(), uniqueKol()];
    await gateway.request("/v1/rosters/wide", json("PUT", { kolIds: [a, b, c, "999201"], labels: { [a]: "小王", [b]: "小王" } }));
    const response = await gateway.request(`/v1/rosters/wide/daily-fans?${RANGE}&format=csv-wide&lang=zh-CN`);
    expect(response.headers.get("Content-Disposition")).toContain("roster-wide-daily-fans-wide-2026-03-01-to-2026-03-05.csv");
    const rows = (await response.text()).trimEnd().split("\r\n");
    expect(rows[0]).toBe(`日期,小王 (${a}),小王 (${b}),${c}`);
    expect(rows.map((row) => row.split(",")[0])).toEqual(["日期", "2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]);
    expect(rows.slice(1).every((row) => /^[\d-]+(,\d+){3}$/.test(row))).toBe(true);
  });

  it("comes from POST /v1/kols/daily-fans too, with lang and bom in the body", async () => {
    const gateway = makeGateway();
    const [a] = [uniqueKol()];
    const body = { kolIds: [a], startDate: "2026-03-01", endDate: "2026-03-02", format: "csv-wide", lang: "en", bom: true };
    const bytes = new Uint8Array(await (await gateway.request("/v1/kols/daily-fans", json("POST", body))).arrayBuffer());
    // Decoded with ignoreBOM, or the decoder would drop the very mark under test.
    expect(new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(bytes).split("\r\n")[0]).toBe(`\uFEFFdate,${a}`);
  });
});

describe("a comparison chart's face", () => {
  it("says visibly how many creators it leaves out and how many could not be answered", async () => {
    const gateway = makeGateway();
    const kolIds = ["999201", ...Array.from({ length: 11 }, uniqueKol)];
    await gateway.request("/v1/rosters/many", json("PUT", { kolIds }));
    const svg = await (await gateway.request(`/v1/rosters/many/daily-fans.svg?${RANGE}&lang=zh-CN`)).text();
    expect(svg).toMatch(/<text [^>]*class="note">另有 1 位未画出（最多 10 条线）；1 位未能获取<\/text>/);
    const english = await (await gateway.request(`/v1/rosters/many/daily-fans.svg?${RANGE}`)).text();
    expect(english).toMatch(/class="note">1 more not drawn \(at most 10 lines\); 1 could not be answered<\/text>/);
  });

  it("looks up, and buys, no more creators than it draws: 12 new creators cost 10 calls", async () => {
    const gateway = makeGateway();
    await gateway.request("/v1/rosters/twelve", json("PUT", { kolIds: Array.from({ length: 12 }, uniqueKol) }));
    const svg = await (await gateway.request(`/v1/rosters/twelve/daily-fans.svg?${RANGE}`)).text();
    expect(gateway.emulator.requests).toHaveLength(10);
    expect(svg).toContain('class="note">2 more not drawn (at most 10 lines)</text>');
  });

  it("keeps no note when every creator is drawn", async () => {
    const gateway = makeGateway();
    await gateway.request("/v1/rosters/few", json("PUT", { kolIds: [uniqueKol(), uniqueKol()] }));
    const svg = await (await gateway.request(`/v1/rosters/few/daily-fans.svg?${RANGE}`)).text();
    expect(svg).not.toContain('class="note"');
  });

  it("draws indexed lines at full precision, not rounded to hundredths", async () => {
    const gateway = makeGateway();
    const kol = uniqueKol();
    await gateway.request("/v1/rosters/indexed", json("PUT", { kolIds: [kol] }));
    const trend = (await (await gateway.request(trendPath(kol, "2026-03-01", "2026-03-05"))).json()) as {
      series: { fans: number }[];
    };
    const svg = await (await gateway.request(`/v1/rosters/indexed/daily-fans.svg?${RANGE}&mode=indexed`)).text();
    const ys = [...svg.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((match) => Number(match[1]));
    // Distinct counts draw at distinct heights: rounding the index to 0.01 merged neighbouring days.
    const distinctCounts = new Set(trend.series.map((point) => point.fans)).size;
    expect(new Set(ys).size).toBe(distinctCounts);
  });
});

describe("a roster's summary (fields=summary)", () => {
  it("answers each creator's summary and anomalies without its series, and the rest as the full answer", async () => {
    const gateway = makeGateway();
    const kolIds = [uniqueKol(), uniqueKol(), "999201"];
    await gateway.request("/v1/rosters/summary", json("PUT", { kolIds }));
    const full = (await (await gateway.request(`/v1/rosters/summary/daily-fans?${RANGE}`)).json()) as {
      members: Record<string, unknown>[];
    };
    const response = await gateway.request(`/v1/rosters/summary/daily-fans?${RANGE}&fields=summary`);
    const summary = (await response.json()) as { members: Record<string, unknown>[] };
    expect(summary.members.map((member) => "series" in member)).toEqual([false, false, false]);
    // The same creator's answer but its series (and where it came from: now a hit).
    const withoutSeries = (member: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(member).filter(([field]) => field !== "series" && field !== "cacheStatus"));
    expect(withoutSeries(summary.members[0]!)).toEqual(withoutSeries(full.members[0]!));
    expect(summary.members[2]).toEqual(full.members[2]);
    const bad = await gateway.request(`/v1/rosters/summary/daily-fans?${RANGE}&fields=brief`);
    expect(((await bad.json()) as Problem).errors).toEqual([expect.objectContaining({ field: "fields", in: "query" })]);
  });
});

describe("a chart's width", () => {
  it("lays a chart out at width=N, its text the same size, and refuses a width outside 400 to 1600", async () => {
    const gateway = makeGateway();
    const kol = uniqueKol();
    const narrow = await (await gateway.request(`/v1/kols/${kol}/daily-fans.svg?${RANGE}&width=400`)).text();
    expect(narrow).toMatch(/^<svg [^>]*width="400" height="418" viewBox="0 0 400 418"/);
    expect(narrow).toContain(".label{font-size:12px");
    // Too long for one line at 400 px, the heading breaks at its comma.
    // (set smaller when even its first line is too long for 16 px)
    expect(narrow).toMatch(new RegExp(`class="heading( small)?">Douyin followers of KOL ${kol},</text>`));
    const wide = await (await gateway.request(`/v1/kols/${kol}/daily-fans.svg?${RANGE}&width=1600`)).text();
    expect(wide).toMatch(/^<svg [^>]*width="1600"/);
    for (const width of ["399", "1601", "8o0"]) {
      const refused = await gateway.request(`/v1/kols/${kol}/daily-fans.svg?${RANGE}&width=${width}`, {
        headers: { Accept: "application/json" },
      });
      expect(((await refused.json()) as Problem).errors).toEqual([expect.objectContaining({ field: "width", rule: "width" })]);
    }
  });
});
