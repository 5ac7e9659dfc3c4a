/**
 * Share links: read-only URLs to one resource that work with no header (IMPORTDATA, Power Query,
 * `<img>`), spend only within their owner key's limits and count there, never force a refresh, and
 * are refused, clearly, once revoked or expired.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { makeGateway, uniqueKol } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import { TEST_SIGNING_SECRET, TEST_STANDARD_LIMIT } from "../support/constants.ts";
import { tokenOf } from "../../src/share/links.ts";
import { startInOneRateWindow } from "../support/rate-window.ts";
import type { ShareLink, ShareLinkList } from "../../src/schemas/share-links.ts";
import type { Problem } from "../../src/problem.ts";

const json = (method: string, body: unknown) => ({ method, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
const RANGE = { startDate: "2026-03-01", endDate: "2026-03-05" };
/** A link's URL as a path the test gateway takes. */
const pathOf = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

type Gateway = ReturnType<typeof makeGateway>;

async function createLink(gateway: Gateway, body: Record<string, unknown>, as?: string): Promise<ShareLink> {
  const response = await gateway.request("/v1/share-links", { ...json("POST", body), ...(as ? { as } : {}) });
  expect(response.status).toBe(201);
  return response.json();
}

/** A request as a spreadsheet or an `<img>` sends it: no key, no header at all. */
const anonymous = (gateway: Gateway, url: string, headers: Record<string, string> = {}) =>
  gateway.request(pathOf(url), { as: null, headers });

describe("making and using a share link", () => {
  it("serves a creator's trend as JSON, CSV and SVG to a caller with no key", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const link = await createLink(gateway, { kolId, ...RANGE });
    expect(link).toMatchObject({ resource: { kolId }, range: RANGE, status: "active", expiresAt: null, revokedAt: null });
    expect(link.urls.json).toMatch(/^http:\/\/localhost\/s\/[A-Za-z0-9_-]{48}$/);

    const trend = await anonymous(gateway, link.urls.json);
    expect(trend.status).toBe(200);
    expect(await trend.json()).toMatchObject({ kolId, startDate: RANGE.startDate, endDate: RANGE.endDate });
    const csv = await anonymous(gateway, link.urls.csv);
    expect(csv.headers.get("Content-Type")).toMatch(/^text\/csv/);
    expect((await csv.text()).split("\r\n")[0]).toBe("date,fans,delta");
    const svg = await anonymous(gateway, link.urls.svg);
    expect(svg.headers.get("Content-Type")).toMatch(/^image\/svg\+xml/);
    expect(link.embed).toBe(`<img src="${link.urls.svg}" alt="KOL ${kolId}: Douyin followers" width="800">`);
    // Three answers, one purchase: the link reads through the same cache.
    expect(gateway.emulator.requests).toHaveLength(1);
  });

  it("serves a roster's rolling range, its wide CSV for Excel and its chart in the link's language", async () => {
    const gateway = makeGateway();
    const [a, b] = [uniqueKol(), uniqueKol()];
    await gateway.request("/v1/rosters/春季", json("PUT", { kolIds: [a, b], labels: { [a]: "小王" } }));
    const link = await createLink(gateway, { roster: "春季", days: 7, lang: "zh-CN", mode: "indexed" });
    expect(link.range).toEqual({ days: 7 });

    const trends = await (await anonymous(gateway, link.urls.json)).json<{ startDate: string; endDate: string }>();
    expect([trends.startDate, trends.endDate]).toEqual(["2026-03-03", "2026-03-09"]);
    const wide = new Uint8Array(await (await anonymous(gateway, `${link.urls.wideCsv!}?bom=true`)).arrayBuffer());
    expect(new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(wide).split("\r\n")[0]).toBe(`\uFEFF日期,小王,${b}`);
    const svg = await (await anonymous(gateway, link.urls.svg)).text();
    expect(svg).toContain("粉丝数（首日 = 100）");
    // The viewer may choose the words' language, nothing else.
    expect(await (await anonymous(gateway, `${link.urls.svg}?lang=en`)).text()).toContain("Followers (first day = 100)");
  });

  it("never forces a refresh, even when the viewer asks and the owner's key may", async () => {
    const gateway = makeGateway();
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE });
    await anonymous(gateway, link.urls.json);
    const asked = await anonymous(gateway, link.urls.json, { "Xingtu-Refresh": "settled", "Cache-Control": "no-cache" });
    expect(asked.status).toBe(200);
    expect(gateway.emulator.requests).toHaveLength(1);
  });

  it("spends within its owner key's daily limit, and counts in that key's usage", async () => {
    const gateway = makeGateway();
    const owner = await createTestKey(env.KEYS, { dailyUpstreamCalls: 1 });
    const first = await createLink(gateway, { kolId: uniqueKol(), ...RANGE }, owner.key);
    const second = await createLink(gateway, { kolId: uniqueKol(), ...RANGE }, owner.key);
    expect((await anonymous(gateway, first.urls.json)).status).toBe(200);
    const refused = await anonymous(gateway, second.urls.json);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as Problem).type).toBe("/problems/key-spend-limit");
    const usage = await (await gateway.request("/v1/usage", { as: owner.key })).json<{ requests: number; upstreamCalls: number }>();
    expect(usage.upstreamCalls).toBe(1);
    expect(usage.requests).toBeGreaterThanOrEqual(2);
  });

  it("names the link's cost in its answer's headers, as the resource's own route does", async () => {
    const gateway = makeGateway();
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE });
    const answer = await anonymous(gateway, link.urls.json);
    expect([answer.headers.get("Xingtu-Upstream-Calls"), answer.headers.get("Xingtu-Upstream-Billed")]).toEqual(["1", "1"]);
    expect(answer.headers.get("X-Robots-Tag")).toBe("noindex");
  });
});

describe("refusing a link", () => {
  it("answers 410 once revoked, as an image of the chart's size on the SVG link", async () => {
    const gateway = makeGateway();
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE });
    expect((await gateway.request(`/v1/share-links/${link.id}`, { method: "DELETE" })).status).toBe(204);
    const gone = await anonymous(gateway, link.urls.json);
    expect(gone.status).toBe(410);
    expect(await gone.json()).toMatchObject({ type: "/problems/share-link-gone", detail: expect.stringContaining("revoked by its owner") });
    const image = await anonymous(gateway, link.urls.svg);
    expect([image.status, image.headers.get("Content-Type")]).toEqual([410, "image/svg+xml; charset=utf-8"]);
    expect(await image.text()).toMatch(/<svg[^>]* width="800" height="400"/);
    const listed = await (await gateway.request("/v1/share-links")).json<ShareLinkList>();
    expect(listed.links.find((each) => each.id === link.id)?.status).toBe("revoked");
  });

  it("answers 410 after its expiry, and not before", async () => {
    const gateway = makeGateway();
    const expiresAt = new Date(gateway.clock.now + 3600_000).toISOString();
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE, expiresAt });
    expect((await anonymous(gateway, link.urls.json)).status).toBe(200);
    gateway.clock.now += 2 * 3600_000;
    const expired = await anonymous(gateway, link.urls.json);
    expect(expired.status).toBe(410);
    expect(((await expired.json()) as Problem).detail).toContain(`expired at ${expiresAt}`);
  });

  it("answers 410 from the very moment of its expiry", async () => {
    const gateway = makeGateway();
    const expiresAt = new Date(gateway.clock.now + 3600_000).toISOString();
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE, expiresAt });
    gateway.clock.now = Date.parse(expiresAt);
    expect((await anonymous(gateway, link.urls.json)).status).toBe(410);
  });

  it("passes on the viewer's language, so a chart with none of its own speaks it", async () => {
    const gateway = makeGateway();
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE });
    const chart = await (await anonymous(gateway, link.urls.svg, { "Accept-Language": "zh-CN,zh;q=0.9" })).text();
    expect(chart).toContain("粉丝数");
  });

  it("refuses a key's 101st working link with 409, counting neither revoked nor expired ones", async () => {
    const gateway = makeGateway();
    const owner = await createTestKey(env.KEYS);
    const made = [];
    for (let i = 0; i < 100; i++) made.push(await createLink(gateway, { kolId: uniqueKol(), ...RANGE }, owner.key));
    const more = await gateway.request("/v1/share-links", { ...json("POST", { kolId: uniqueKol(), ...RANGE }), as: owner.key });
    expect([more.status, ((await more.json()) as Problem).type]).toEqual([409, "/problems/share-link-limit"]);
    expect((await gateway.request(`/v1/share-links/${made[0]!.id}`, { method: "DELETE", as: owner.key })).status).toBe(204);
    await createLink(gateway, { kolId: uniqueKol(), ...RANGE }, owner.key);
  }, 60_000);

  it("answers 410 once its owner's key is revoked", async () => {
    const gateway = makeGateway();
    const owner = await createTestKey(env.KEYS);
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE }, owner.key);
    const revoked = { ...owner.record, disabled: true };
    await env.KEYS.put(`key:${owner.record.hash}`, JSON.stringify(revoked));
    await env.KEYS.put(`name:${owner.record.name}`, JSON.stringify(owner.record.hash));
    gateway.clock.now += 120_000;
    const gone = await anonymous(gateway, link.urls.json);
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as Problem).detail).toContain("key that was revoked");
  });

  it("answers 404 for a token it did not make, a cut one and an unknown extension, and calls nothing", async () => {
    const gateway = makeGateway();
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE });
    const token = new URL(link.urls.json).pathname.slice(3);
    const forged = `${token.slice(0, 16)}${"A".repeat(32)}`;
    for (const path of [`/s/${forged}`, `/s/${token.slice(0, 40)}`, `/s/${token}.xlsx`, `/s/${token}.wide.csv`]) {
      const response = await gateway.request(path, { as: null });
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as Problem).type).toBe("/problems/share-link-not-found");
    }
    expect(gateway.emulator.requests).toHaveLength(0);
  });

  it("refuses a viewer's parameter that is not presentation, naming it", async () => {
    const gateway = makeGateway();
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE });
    const response = await anonymous(gateway, `${link.urls.json}?days=30`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as Problem).errors).toEqual([expect.objectContaining({ field: "days", rule: "unknown_parameter" })]);
  });

  it("is read back at its Location by its owner, and by no other key", async () => {
    const gateway = makeGateway();
    const created = await gateway.request("/v1/share-links", json("POST", { kolId: uniqueKol(), ...RANGE }));
    const location = created.headers.get("Location")!;
    const link = (await created.json()) as ShareLink;
    expect(await (await gateway.request(location)).json()).toEqual(link);
    const other = await createTestKey(env.KEYS);
    expect((await gateway.request(location, { as: other.key })).status).toBe(404);
  });

  it("lets only its owner revoke it", async () => {
    const gateway = makeGateway();
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE });
    const other = await createTestKey(env.KEYS);
    const response = await gateway.request(`/v1/share-links/${link.id}`, { method: "DELETE", as: other.key });
    expect(response.status).toBe(404);
    expect((await anonymous(gateway, link.urls.json)).status).toBe(200);
  });
});

describe("a link's viewers and its owner", () => {
  it("count in the link's own rate limit: its viewers never use up the owner's own requests", async () => {
    await startInOneRateWindow();
    const gateway = makeGateway();
    const owner = await createTestKey(env.KEYS, { tier: "standard" });
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE }, owner.key);
    const statuses: number[] = [];
    for (let i = 0; i <= TEST_STANDARD_LIMIT; i++) statuses.push((await anonymous(gateway, link.urls.json)).status);
    expect(statuses.at(-1)).toBe(429);
    expect((await gateway.request("/v1/key", { as: owner.key })).status).toBe(200);
  });

  it("refuses a viewer's parameter sent twice, naming it", async () => {
    const gateway = makeGateway();
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE });
    const response = await anonymous(gateway, `${link.urls.csv}?lang=en&lang=zh-CN`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as Problem).errors).toEqual([expect.objectContaining({ field: "lang", rule: "single_value" })]);
  });

  it("says which forms a real link has when asked for another, without counting a failed attempt", async () => {
    const gateway = makeGateway();
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE });
    const response = await anonymous(gateway, `${link.urls.json}.xlsx`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as Problem).detail).toBe('A share link has no ".xlsx" form: add nothing (JSON), .csv, .svg.');
  });

  it("titles a creator's chart and its embed with the name it was made with", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const link = await createLink(gateway, { kolId, name: "李佳琦", ...RANGE, lang: "zh-CN" });
    expect(link.resource).toEqual({ kolId, name: "李佳琦" });
    expect(link.embed).toContain(`alt="抖音达人 李佳琦（${kolId}）粉丝数"`);
    const svg = await (await anonymous(gateway, link.urls.svg)).text();
    expect(svg).toContain(`<title id="title">抖音达人 李佳琦（${kolId}）粉丝数，2026-03-01 至 2026-03-05</title>`);
  });

  it("are told what failed, and only the owner what the operator must do", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const link = await createLink(gateway, { kolId, ...RANGE });
    gateway.emulator.queueFaults({ kind: "code", code: 601 });
    const viewed = (await (await anonymous(gateway, link.urls.json)).json()) as Problem;
    expect(viewed.detail).toBe("The upstream answered code 601 (Insufficient Balance).");
    // The balance stopped the calls: the chart's error image says so, and not what the operator must do.
    const chart = await (await anonymous(gateway, link.urls.svg)).text();
    expect(chart).toContain("The gateway stopped calling the upstream (the upstream answered 601, insufficient balance)");
    expect(chart).not.toContain("Operator");
    const owned = (await (await gateway.request(`/v1/kols/${kolId}/daily-fans?startDate=2026-03-01&endDate=2026-03-05`)).json()) as Problem;
    expect(owned.detail).toContain("cached answers are still served. Operator: `npm run guard -- clear` once resolved.");
    // In Chinese too: the viewer's line stops at what happened; the owner's goes on to what to do.
    const chartZh = await (await anonymous(gateway, `${link.urls.svg}?lang=zh-CN`)).text();
    expect(chartZh).toContain("网关已暂停调用上游（额度、余额或每日预算用尽），缓存仍可用。");
    expect(chartZh).not.toContain("运营方");
    const ownedZh = (await (
      await gateway.request(`/v1/kols/${kolId}/daily-fans?startDate=2026-03-01&endDate=2026-03-05&lang=zh-CN`)
    ).json()) as Problem;
    expect(ownedZh.zh).toContain("由运营方清除");
  });

  it("of an unconfigured gateway are told what is missing, not how the operator sets it", async () => {
    const link = await createLink(makeGateway(), { kolId: uniqueKol(), ...RANGE });
    const unconfigured = makeGateway({ env: { JUSTONEAPI_TOKEN: undefined } });
    const viewed = (await (await anonymous(unconfigured, link.urls.json)).json()) as Problem;
    expect(viewed).toMatchObject({ type: "/problems/gateway-misconfigured", detail: "The secret JUSTONEAPI_TOKEN is not set." });
    const owned = (await (await unconfigured.request("/v1/share-links")).json()) as Problem;
    expect(owned.detail).toBe("The secret JUSTONEAPI_TOKEN is not set. Operator: run `wrangler secret put JUSTONEAPI_TOKEN`.");
  });

  it("of a roster are told each creator's failure without what the operator must do", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    await gateway.request("/v1/rosters/spring", json("PUT", { kolIds: [kolId] }));
    const link = await createLink(gateway, { roster: "spring", ...RANGE });
    gateway.emulator.queueFaults({ kind: "code", code: 100 });
    const viewed = (await (await anonymous(gateway, link.urls.json)).json()) as { members: { problem?: Problem }[] };
    expect(viewed.members[0]!.problem?.detail).toBe("The upstream answered code 100 (Invalid or Inactive Token).");
  });

  it("describes its embed in the link's language", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const link = await createLink(gateway, { kolId, ...RANGE, lang: "zh-CN" });
    expect(link.embed).toContain(`alt="抖音达人 ${kolId} 粉丝数"`);
  });
});

describe("what a link may be made of", () => {
  it("names every broken rule: one resource, one range, a future expiry, mode for rosters only", async () => {
    const gateway = makeGateway();
    const response = await gateway.request(
      "/v1/share-links",
      json("POST", {
        kolId: uniqueKol(),
        roster: "x",
        days: 7,
        startDate: "2026-03-01",
        mode: "indexed",
        expiresAt: "2020-01-01T00:00:00Z",
      }),
    );
    expect(response.status).toBe(400);
    const rules = ((await response.json()) as Problem).errors!.map((error) => `${error.field}:${error.rule}`);
    expect(rules).toEqual(expect.arrayContaining(["kolId:one_resource", "days:days_or_dates", "expiresAt:future"]));
    const mode = await gateway.request("/v1/share-links", json("POST", { kolId: uniqueKol(), ...RANGE, mode: "indexed" }));
    expect(((await mode.json()) as Problem).errors).toEqual([expect.objectContaining({ field: "mode", rule: "roster_only" })]);
    // A broken field of another kind (the language) does not hide the range's rules.
    const both = await gateway.request("/v1/share-links", json("POST", { kolId: uniqueKol(), lang: "fr", days: 0 }));
    expect(((await both.json()) as Problem).errors!.map((error) => `${error.field}:${error.rule}`).sort()).toEqual([
      "days:days",
      "lang:invalid_value",
    ]);
    const named = await gateway.request("/v1/share-links", json("POST", { roster: "x", name: "李佳琦", days: 7 }));
    expect(((await named.json()) as Problem).errors).toEqual([expect.objectContaining({ field: "name", rule: "creator_only" })]);
  });

  it("refuses a link to a roster the key does not have", async () => {
    const response = await makeGateway().request("/v1/share-links", json("POST", { roster: "missing", days: 7 }));
    expect(response.status).toBe(404);
    expect(((await response.json()) as Problem).type).toBe("/problems/roster-not-found");
  });

  it("lists the key's links oldest first", async () => {
    const gateway = makeGateway();
    const owner = await createTestKey(env.KEYS);
    const made: string[] = [];
    for (let i = 0; i < 6; i++) {
      made.push((await createLink(gateway, { kolId: uniqueKol(), ...RANGE }, owner.key)).id);
      gateway.clock.now += 1000;
    }
    // Their ids are random: only the listing's own order puts six of them in the order they were made.
    const listed = await (await gateway.request("/v1/share-links", { as: owner.key })).json<ShareLinkList>();
    expect(listed.links.map((link) => link.id)).toEqual(made);
  });

  it("lists the key's links with their URLs again, and no other key's", async () => {
    const gateway = makeGateway();
    const link = await createLink(gateway, { kolId: uniqueKol(), days: 30, note: "周报" });
    const listed = await (await gateway.request("/v1/share-links")).json<ShareLinkList>();
    expect(listed.links).toEqual([expect.objectContaining({ id: link.id, note: "周报", urls: link.urls })]);
    const other = await createTestKey(env.KEYS);
    expect((await (await gateway.request("/v1/share-links", { as: other.key })).json<ShareLinkList>()).links).toEqual([]);
  });

  it("keeps a note with an emoji's joined sequence, and refuses one that hides its words (a line separator, a blank filler)", async () => {
    const gateway = makeGateway();
    const link = await createLink(gateway, { kolId: uniqueKol(), days: 30, note: "👩‍💻 周报" });
    expect(link.note).toBe("👩‍💻 周报");
    for (const note of ["周\u2028报", "\u3164\u3164"]) {
      const refused = await gateway.request("/v1/share-links", json("POST", { kolId: uniqueKol(), days: 30, note }));
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ field: "note", rule: "text" })]);
    }
  });

  it("lists the links it can read, leaving out an index entry it cannot (a newer release's, say)", async () => {
    const gateway = makeGateway();
    const owner = await createTestKey(env.KEYS);
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE }, owner.key);
    const { urls: _urls, embed: _embed, status: _status, ...record } = link;
    const newer = { ...record, id: "BBBBBBBBBBBBBBBB", owner: owner.record.name, mode: "stacked" };
    await env.KEYS.put(`links:${owner.record.name}:${newer.id}`, "", { metadata: newer });
    const listed = await gateway.request("/v1/share-links", { as: owner.key });
    expect(listed.status).toBe(200);
    expect((await listed.json<ShareLinkList>()).links.map((each) => each.id)).toEqual([link.id]);
  });

  it("keeps the token out of the log: a link's line shows its id only", async () => {
    const gateway = makeGateway();
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE });
    const token = new URL(link.urls.json).pathname.slice(3);
    await anonymous(gateway, link.urls.csv);
    const logged = JSON.stringify(gateway.logs);
    expect(logged).not.toContain(token);
    expect(logged).toContain(`/s/${link.id}…`);
  });
});

describe("a share link's forms and words", () => {
  it("gives a roster's link its wide CSV and a CSV for Excel, and describes its embed in the link's language", async () => {
    const gateway = makeGateway();
    await gateway.request("/v1/rosters/spring", json("PUT", { kolIds: [uniqueKol()] }));
    const english = await createLink(gateway, { roster: "spring", ...RANGE });
    expect(english.urls).toEqual({
      json: english.urls.json,
      csv: `${english.urls.json}.csv`,
      svg: `${english.urls.json}.svg`,
      wideCsv: `${english.urls.json}.wide.csv`,
      excelCsv: `${english.urls.json}.csv?bom=true`,
    });
    expect(english.embed).toBe(`<img src="${english.urls.svg}" alt="Roster spring: Douyin followers" width="800">`);
    const chinese = await createLink(gateway, { roster: "spring", ...RANGE, lang: "zh-CN" });
    expect(chinese.embed).toContain('alt="名单「spring」抖音粉丝数"');
    const creator = await createLink(gateway, { kolId: "6838432048", ...RANGE, lang: "zh-CN" });
    expect(creator.embed).toContain('alt="抖音达人 6838432048 粉丝数"');
    expect(creator.urls.wideCsv).toBeUndefined();
  });

  it("adds a byte-order mark to its CSV only, and lays its chart out at the width asked", async () => {
    const gateway = makeGateway();
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE });
    const csv = new Uint8Array(await (await anonymous(gateway, `${link.urls.csv}?bom=true`)).arrayBuffer());
    expect([...csv.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const data = await anonymous(gateway, `${link.urls.json}?bom=true`);
    expect([data.status, (await data.text()).startsWith("{")]).toEqual([200, true]);
    const chart = await (await anonymous(gateway, `${link.urls.svg}?width=400&bom=true`)).text();
    expect(chart).toMatch(/^<svg[^>]* width="400"/);
  });

  it("gives its CSV a byte-order mark only when asked: IMPORTDATA and Power Query get plain UTF-8", async () => {
    const gateway = makeGateway();
    await gateway.request("/v1/rosters/spring", json("PUT", { kolIds: [uniqueKol()] }));
    const link = await createLink(gateway, { roster: "spring", ...RANGE });
    for (const url of [link.urls.csv, link.urls.wideCsv!]) {
      const csv = await anonymous(gateway, url);
      // Decoded keeping a byte-order mark, if any, as the character U+FEFF.
      const text = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(await csv.arrayBuffer());
      expect([csv.status, text.split("\r\n")[0]], url).toEqual([200, expect.stringMatching(/^(kolId|date),/)]);
    }
  });

  it("takes bom and width where they apply and ignores them elsewhere: its JSON, CSV and chart answer as without", async () => {
    const gateway = makeGateway();
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE });
    const data = await anonymous(gateway, `${link.urls.json}?bom=true&width=600`);
    expect([data.status, await data.json()]).toEqual([200, await (await anonymous(gateway, link.urls.json)).json()]);
    const csv = await anonymous(gateway, `${link.urls.csv}?width=600`);
    expect([csv.status, await csv.text()]).toEqual([200, await (await anonymous(gateway, link.urls.csv)).text()]);
    const chart = await anonymous(gateway, `${link.urls.svg}?bom=true`);
    expect([chart.status, await chart.text()]).toEqual([200, await (await anonymous(gateway, link.urls.svg)).text()]);
  });

  it("keeps every answer out of search engines, and its owner's answers out of caches", async () => {
    const gateway = makeGateway();
    const created = await gateway.request("/v1/share-links", json("POST", { kolId: uniqueKol(), ...RANGE }));
    expect(created.headers.get("Cache-Control")).toBe("no-store");
    const link = (await created.json()) as ShareLink;
    expect(created.headers.get("Location")).toBe(`/v1/share-links/${link.id}`);
    for (const path of ["/v1/share-links", `/v1/share-links/${link.id}`]) {
      expect((await gateway.request(path)).headers.get("Cache-Control")).toBe("no-store");
    }
    for (const url of [link.urls.json, link.urls.csv, link.urls.svg]) {
      expect((await anonymous(gateway, url)).headers.get("X-Robots-Tag")).toBe("noindex");
    }
  });
});

describe("a share link's record in KV", () => {
  /** Seconds KV keeps the record and its owner's index entry from now (miniflare counts from the real clock). */
  const keptFor = async (id: string, owner: string) => {
    const now = Math.floor(Date.now() / 1000);
    const [record] = (await env.KEYS.list({ prefix: `link:${id}` })).keys;
    const [index] = (await env.KEYS.list({ prefix: `links:${owner}:${id}` })).keys;
    return [record?.expiration, index?.expiration].map((at) => (at === undefined ? undefined : at - now));
  };
  const TOMBSTONE_SECONDS = 30 * 24 * 3600;

  it("is kept for good while it works without an expiry, and for 30 days once revoked", async () => {
    const gateway = makeGateway();
    const owner = await createTestKey(env.KEYS);
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE }, owner.key);
    expect(await keptFor(link.id, owner.record.name)).toEqual([undefined, undefined]);
    await gateway.request(`/v1/share-links/${link.id}`, { method: "DELETE", as: owner.key });
    for (const seconds of await keptFor(link.id, owner.record.name)) expect(Math.abs(seconds! - TOMBSTONE_SECONDS)).toBeLessThan(5);
  });

  it("is kept until its expiry and 30 days after, so it is refused as expired rather than unknown", async () => {
    const gateway = makeGateway();
    const owner = await createTestKey(env.KEYS);
    const link = await createLink(
      gateway,
      { kolId: uniqueKol(), ...RANGE, expiresAt: new Date(gateway.clock.now + 86_400_000).toISOString() },
      owner.key,
    );
    for (const seconds of await keptFor(link.id, owner.record.name))
      expect(Math.abs(seconds! - (86_400 + TOMBSTONE_SECONDS))).toBeLessThan(5);
  });
});

describe("a share link's own rules", () => {
  it("keeps the moment of its first revocation, however often it is revoked again", async () => {
    const gateway = makeGateway();
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE });
    await gateway.request(`/v1/share-links/${link.id}`, { method: "DELETE" });
    const first = (await (await gateway.request(`/v1/share-links/${link.id}`)).json<ShareLink>()).revokedAt;
    gateway.clock.now += 60_000;
    expect((await gateway.request(`/v1/share-links/${link.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await (await gateway.request(`/v1/share-links/${link.id}`)).json<ShareLink>()).revokedAt).toBe(first);
  });

  it("answers 404 in words for a well-made token whose record is gone, and for a form it has not", async () => {
    const gateway = makeGateway();
    const gone = await anonymous(gateway, `http://localhost/s/${await tokenOf(TEST_SIGNING_SECRET, "AAAAAAAAAAAAAAAA")}`);
    expect([gone.status, ((await gone.json()) as Problem).detail]).toEqual([
      404,
      "This is not a share link the gateway made: check that it was copied whole, or ask its owner for it again.",
    ]);
    const creator = await createLink(gateway, { kolId: uniqueKol(), ...RANGE });
    const form = await anonymous(gateway, `${creator.urls.json}.xlsx-or-anything-else-long`);
    expect(((await form.json()) as Problem).detail).toBe(
      'A share link has no ".xlsx-or-anything-el" form: add nothing (JSON), .csv, .svg.',
    );
    await gateway.request("/v1/rosters/spring", json("PUT", { kolIds: [uniqueKol()] }));
    const roster = await createLink(gateway, { roster: "spring", ...RANGE });
    expect(((await (await anonymous(gateway, `${roster.urls.json}.xlsx`)).json()) as Problem).detail).toBe(
      'A share link has no ".xlsx" form: add nothing (JSON), .csv, .svg or .wide.csv.',
    );
  });

  it("answers with the viewer's request id, and logs the resource's request under it", async () => {
    const gateway = makeGateway();
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE });
    const response = await anonymous(gateway, link.urls.json, { "X-Request-Id": "viewer-request-1" });
    expect(response.headers.get("X-Request-Id")).toBe("viewer-request-1");
    expect(gateway.logs.filter((line) => line.requestId === "viewer-request-1").map((line) => line.route)).toEqual(
      expect.arrayContaining(["/v1/kols/:kolId/daily-fans"]),
    );
  });

  it("has a rate-limit bucket of its own: one link's viewers never hold back another link's", async () => {
    await startInOneRateWindow();
    const gateway = makeGateway();
    const owner = await createTestKey(env.KEYS, { tier: "standard" });
    const [busy, quiet] = [
      await createLink(gateway, { kolId: uniqueKol(), ...RANGE }, owner.key),
      await createLink(gateway, { kolId: uniqueKol(), ...RANGE }, owner.key),
    ];
    for (let i = 0; i <= TEST_STANDARD_LIMIT; i++) await anonymous(gateway, busy.urls.json);
    expect((await anonymous(gateway, busy.urls.json)).status).toBe(429);
    expect((await anonymous(gateway, quiet.urls.json)).status).toBe(200);
  });
});

describe("who may make, list and revoke links", () => {
  it("tells a caller without a key, even under public access, that share links need one, on each of their routes", async () => {
    const gateway = makeGateway({ env: { PUBLIC_ACCESS: "true" } });
    const link = await createLink(gateway, { kolId: uniqueKol(), ...RANGE });
    for (const [path, init] of [
      ["/v1/share-links", json("POST", { kolId: uniqueKol(), ...RANGE })],
      ["/v1/share-links", {}],
      [`/v1/share-links/${link.id}`, {}],
      [`/v1/share-links/${link.id}`, { method: "DELETE" }],
    ] as const) {
      const response = await gateway.request(path, { ...init, as: null });
      expect([response.status, ((await response.json()) as Problem).detail], `${init.method ?? "GET"} ${path}`).toEqual([
        401,
        "Share links needs a client key: send `Authorization: Bearer <key>`.",
      ]);
    }
    expect((await anonymous(gateway, link.urls.json)).status).toBe(200);
  });

  it("says in words, and in the key's list, how many working links a key may keep", async () => {
    const gateway = makeGateway();
    const owner = await createTestKey(env.KEYS);
    let made = 0;
    let refused: Response;
    do {
      refused = await gateway.request("/v1/share-links", { ...json("POST", { kolId: uniqueKol(), ...RANGE }), as: owner.key });
      if (refused.status === 201) made++;
    } while (refused.status === 201 && made <= 1000);
    expect(made).toBeGreaterThan(0);
    expect([refused.status, ((await refused.json()) as Problem).detail]).toEqual([
      409,
      `This key already keeps ${made} working share links: revoke one first.`,
    ]);
    const listed = await (await gateway.request("/v1/share-links", { as: owner.key })).json<ShareLinkList>();
    expect([listed.links.length, listed.limits]).toEqual([made, { activeLinks: made }]);
  }, 60_000);
});

describe("a share link when storage fails", () => {
  it("is refused with 503 when its record cannot be written, and nothing is made", async () => {
    const keys = env.KEYS;
    const failingPuts = new Proxy(keys, {
      get: (target, property) =>
        property === "put"
          ? () => Promise.reject(new Error("KV PUT failed: 500"))
          : (Reflect.get(target, property) as (...args: unknown[]) => unknown).bind(target),
    });
    const gateway = makeGateway({ env: { KEYS: failingPuts } });
    const refused = await gateway.request("/v1/share-links", json("POST", { kolId: uniqueKol(), ...RANGE }));
    expect(refused.status).toBe(503);
    expect(refused.headers.get("Retry-After")).toBe("30");
    expect(((await refused.json()) as Problem).detail).toBe("The share link could not be saved; nothing was changed. Retry later.");
  });

  it("says in words that another key's link, or none, is not this key's", async () => {
    const gateway = makeGateway();
    const missing = await gateway.request("/v1/share-links/AAAAAAAAAAAAAAAA");
    expect([missing.status, ((await missing.json()) as Problem).detail]).toEqual([
      404,
      "This key has no share link of that id: list them with GET /v1/share-links.",
    ]);
  });
});
