/**
 * Rosters: a key's named lists of creators (durable, per key), and many creators' trends in one
 * answer, built from the same cache, stored days, coordinators and spend rules as single lookups.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol, wrapNamespace } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import type { RosterBody, RosterList, RosterTrends } from "../../src/schemas/roster-answers.ts";
import type { Problem } from "../../src/problem.ts";

const RANGE = { startDate: "2026-03-01", endDate: "2026-03-05" };
const NO_DATA_KOL = "999201";
const UNAVAILABLE_KOL = "999503";

const json = (method: string, body: unknown) => ({ method, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
const kols = (count: number) => Array.from({ length: count }, uniqueKol);
const range = (extra = "") => `?startDate=${RANGE.startDate}&endDate=${RANGE.endDate}${extra}`;

describe("keeping rosters", () => {
  it("keeps a roster's updatedAt when adding creators it has or removing one it has not", async () => {
    const gateway = makeGateway();
    const [a, b] = kols(2);
    const created = (await (await gateway.request("/v1/rosters/still", json("PUT", { kolIds: [a] }))).json()) as RosterBody;
    gateway.clock.now += 60_000;
    const added = (await (await gateway.request("/v1/rosters/still/kols", json("POST", { kolIds: [a] }))).json()) as RosterBody;
    const removed = (await (await gateway.request(`/v1/rosters/still/kols/${b}`, { method: "DELETE" })).json()) as RosterBody;
    expect([added.updatedAt, removed.updatedAt]).toEqual([created.updatedAt, created.updatedAt]);
    const changed = (await (await gateway.request(`/v1/rosters/still/kols/${a}`, { method: "DELETE" })).json()) as RosterBody;
    expect(changed.updatedAt).toBe(new Date(gateway.clock.now).toISOString());
  });

  it("creates, reads, adds to, removes from and deletes a roster", async () => {
    const gateway = makeGateway();
    const [a, b, c] = kols(3);
    const created = await gateway.request("/v1/rosters/spring", json("PUT", { kolIds: [a, b] }));
    expect(created.status).toBe(201);
    expect(created.headers.get("Location")).toBe("/v1/rosters/spring");
    expect(((await created.json()) as RosterBody).kolIds).toEqual([a, b]);

    const added = await gateway.request("/v1/rosters/spring/kols", json("POST", { kolIds: [b, c] }));
    expect(((await added.json()) as RosterBody).kolIds).toEqual([a, b, c]);
    const removed = await gateway.request(`/v1/rosters/spring/kols/${a}`, { method: "DELETE" });
    expect(((await removed.json()) as RosterBody).kolIds).toEqual([b, c]);

    const listed = (await (await gateway.request("/v1/rosters")).json()) as RosterList;
    expect(listed.rosters).toMatchObject([{ name: "spring", size: 2 }]);
    expect(listed.limits).toEqual({ rosters: 100, creatorsPerRoster: 500 });

    const replaced = await gateway.request("/v1/rosters/spring", json("PUT", { kolIds: [c] }));
    expect(replaced.status).toBe(200);
    expect(((await (await gateway.request("/v1/rosters/spring")).json()) as RosterBody).kolIds).toEqual([c]);

    expect((await gateway.request("/v1/rosters/spring", { method: "DELETE" })).status).toBe(204);
    const gone = await gateway.request("/v1/rosters/spring");
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as Problem).type).toBe("/problems/roster-not-found");
  });

  it("keeps each key's rosters to that key", async () => {
    const gateway = makeGateway();
    await gateway.request("/v1/rosters/mine", json("PUT", { kolIds: kols(1) }));
    const other = (await createTestKey(env.KEYS)).key;
    expect((await gateway.request("/v1/rosters/mine", { as: other })).status).toBe(404);
    expect(((await (await gateway.request("/v1/rosters", { as: other })).json()) as RosterList).rosters).toEqual([]);
  });

  it("names every broken rule of a roster body, field by field", async () => {
    const gateway = makeGateway();
    const [a] = kols(1);
    const response = await gateway.request("/v1/rosters/bad name", json("PUT", { kolIds: [a, a, "12x"] }));
    expect(response.status).toBe(400);
    const { errors } = (await response.json()) as Problem;
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "name", in: "path", rule: "roster_name" }),
        expect.objectContaining({ field: "kolIds[2]", in: "body", rule: "kol_id_format" }),
        expect.objectContaining({ field: "kolIds", in: "body", rule: "unique" }),
      ]),
    );
  });

  it("counts a bad path parameter as a parameter problem, whatever the body", async () => {
    const gateway = makeGateway();
    const response = await gateway.request("/v1/rosters/bad name", json("PUT", { kolIds: kols(1) }));
    expect(((await response.json()) as Problem).detail).toMatch(/^1 parameter problem: name must /);
    const both = await gateway.request("/v1/rosters/bad name", json("PUT", { kolIds: ["12x"] }));
    expect(((await both.json()) as Problem).detail).toMatch(/^2 request problems: /);
  });

  it("refuses a 501st creator with 409 roster-limit, and lists over 500 with 400", async () => {
    const gateway = makeGateway();
    expect((await gateway.request("/v1/rosters/big", json("PUT", { kolIds: kols(500) }))).status).toBe(201);
    const more = await gateway.request("/v1/rosters/big/kols", json("POST", { kolIds: kols(1) }));
    expect(more.status).toBe(409);
    expect(((await more.json()) as Problem).type).toBe("/problems/roster-limit");
    const tooMany = await gateway.request("/v1/rosters/bigger", json("PUT", { kolIds: kols(501) }));
    expect(((await tooMany.json()) as Problem).errors).toEqual([expect.objectContaining({ field: "kolIds", rule: "max_items" })]);
  });

  it("needs a key: under public access an anonymous caller owns no rosters", async () => {
    const gateway = makeGateway({ env: { PUBLIC_ACCESS: "true" } });
    expect((await gateway.request("/v1/rosters", { as: null })).status).toBe(401);
  });
});

describe("a roster's trends", () => {
  // 350 lookups (150 of them misses through their coordinators): seconds, not the default 5.
  it("answers 200 creators in one request, calling the upstream only for the missing ones", async () => {
    const gateway = makeGateway();
    const members = kols(200);
    for (const kolId of members.slice(0, 50)) await gateway.request(trendPath(kolId, RANGE.startDate, RANGE.endDate));
    const before = gateway.upstreamFetches;
    await gateway.request("/v1/rosters/campaign", json("PUT", { kolIds: members }));

    const first = await gateway.request(`/v1/rosters/campaign/daily-fans${range()}`);
    expect(first.status).toBe(200);
    expect(gateway.upstreamFetches - before).toBe(150);
    expect(first.headers.get("Xingtu-Upstream-Calls")).toBe("150");
    const trends = (await first.json()) as RosterTrends;
    expect(trends).toMatchObject({ roster: "campaign", complete: true, answered: 200, failed: 0 });
    expect(trends.members.map((member) => member.kolId)).toEqual(members);

    const again = await gateway.request(`/v1/rosters/campaign/daily-fans${range()}`);
    expect(again.headers.get("Xingtu-Upstream-Calls")).toBe("0");
    expect(gateway.upstreamFetches - before).toBe(150);
  }, 60_000);

  it("answers a warm roster again without touching a Durable Object, and sees its own isolate's edits at once", async () => {
    const gateway = makeGateway();
    const members = kols(3);
    await gateway.request("/v1/rosters/warm", json("PUT", { kolIds: members }));
    await gateway.request(`/v1/rosters/warm/daily-fans${range()}`);
    const touched: string[] = [];
    for (const binding of ["KOL_COORDINATOR", "ACCOUNT_LEDGER", "KEY_LEDGER", "ROSTER_BOOK"] as const) {
      const namespace = gateway.env[binding] as DurableObjectNamespace;
      gateway.env[binding] = wrapNamespace(namespace, { get: (id) => (touched.push(binding), namespace.get(id)) }) as never;
    }
    const again = (await (await gateway.request(`/v1/rosters/warm/daily-fans${range()}`)).json()) as RosterTrends;
    expect(again.answered).toBe(3);
    expect(touched).toEqual([]);
    await gateway.request(`/v1/rosters/warm/kols/${members[0]}`, { method: "DELETE" });
    const edited = (await (await gateway.request(`/v1/rosters/warm/daily-fans${range()}`)).json()) as RosterTrends;
    expect(edited.members.map((member) => member.kolId)).toEqual(members.slice(1));
  });

  it("lists a creator it cannot answer with its problem, beside the answered ones", async () => {
    const gateway = makeGateway();
    const [a, b] = kols(2) as [string, string];
    await gateway.request("/v1/rosters/mixed", json("PUT", { kolIds: [a, NO_DATA_KOL, b, UNAVAILABLE_KOL] }));
    const response = await gateway.request(`/v1/rosters/mixed/daily-fans${range()}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Xingtu-Roster-Failed")).toBe("2");
    const trends = (await response.json()) as RosterTrends;
    expect(trends).toMatchObject({ complete: false, answered: 2, failed: 2 });
    const byId = new Map(trends.members.map((member) => [member.kolId, member]));
    expect(byId.get(a)).toMatchObject({ ok: true, summary: { days: 5 } });
    expect(byId.get(NO_DATA_KOL)).toMatchObject({ ok: false, problem: { type: "/problems/upstream-no-data", status: 404 } });
    expect(byId.get(UNAVAILABLE_KOL)).toMatchObject({ ok: false, problem: { type: "/problems/upstream-unavailable", status: 503 } });
  });

  it("ranks the answered creators by their follower change, largest first", async () => {
    const gateway = makeGateway();
    await gateway.request("/v1/rosters/ranked", json("PUT", { kolIds: kols(6) }));
    const trends = (await (await gateway.request(`/v1/rosters/ranked/daily-fans${range()}`)).json()) as RosterTrends;
    const change = new Map(trends.members.map((member) => [member.kolId, member.ok ? member.summary.change : null]));
    const changes = trends.rankings.byChange.map((kolId) => change.get(kolId)!);
    expect(changes).toEqual([...changes].sort((x, y) => y - x));
    expect(trends.rankings.byChange).toHaveLength(6);
  });

  it("answers long CSV, kolId,date,fans,delta,label, with rows for answered creators only", async () => {
    const gateway = makeGateway();
    const [a, b] = kols(2);
    await gateway.request("/v1/rosters/sheet", json("PUT", { kolIds: [a, NO_DATA_KOL, b] }));
    const response = await gateway.request(`/v1/rosters/sheet/daily-fans${range("&format=csv")}`);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/csv/);
    expect(response.headers.get("Content-Disposition")).toContain(`roster-sheet-daily-fans-${RANGE.startDate}-to-${RANGE.endDate}.csv`);
    const rows = (await response.text()).trimEnd().split("\r\n");
    expect(rows[0]).toBe("kolId,date,fans,delta,label");
    expect(rows).toHaveLength(1 + 2 * 5);
    expect(rows[1]).toMatch(new RegExp(`^${a},${RANGE.startDate},\\d+,-?\\d*,$`));
    expect(rows.some((row) => row.startsWith(NO_DATA_KOL))).toBe(false);
  });

  it("holds a roster's range to the same rules as a single trend", async () => {
    const gateway = makeGateway();
    await gateway.request("/v1/rosters/dated", json("PUT", { kolIds: kols(1) }));
    const response = await gateway.request("/v1/rosters/dated/daily-fans?startDate=2026-03-05&endDate=2026-03-01&extra=1");
    expect(response.status).toBe(400);
    const rules = ((await response.json()) as Problem).errors!.map((error) => `${error.field}:${error.rule}`);
    expect(rules).toEqual(expect.arrayContaining(["startDate:date_order", "extra:unknown_parameter"]));
  });
});

describe("many creators without a roster (POST /v1/kols/daily-fans)", () => {
  it("answers the creators it is sent, in their order", async () => {
    const gateway = makeGateway();
    const members = kols(3);
    const response = await gateway.request("/v1/kols/daily-fans", json("POST", { kolIds: members, ...RANGE }));
    expect(response.status).toBe(200);
    const trends = (await response.json()) as RosterTrends;
    expect(trends).toMatchObject({ roster: null, complete: true, answered: 3 });
    expect(trends.members.map((member) => member.kolId)).toEqual(members);
  });

  it("refuses more than 200 creators, naming the field", async () => {
    const gateway = makeGateway();
    const response = await gateway.request("/v1/kols/daily-fans", json("POST", { kolIds: kols(201), ...RANGE }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as Problem).errors).toEqual([expect.objectContaining({ field: "kolIds", rule: "max_items" })]);
  });

  it("answers GET with 405 and Allow: POST", async () => {
    const response = await makeGateway().request("/v1/kols/daily-fans");
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toContain("POST");
  });
});

describe("a roster's comparison chart (GET /v1/rosters/{name}/daily-fans.svg)", () => {
  const chart = (name: string, extra = "") => `/v1/rosters/${name}/daily-fans.svg${range(extra)}`;

  it("draws every creator as its own line, with a legend and a text alternative giving each change", async () => {
    const gateway = makeGateway();
    const members = kols(3);
    await gateway.request("/v1/rosters/trio", json("PUT", { kolIds: members }));
    const response = await gateway.request(chart("trio"));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("image/svg+xml; charset=utf-8");
    expect(response.headers.get("Content-Security-Policy")).toBe("default-src 'none'; style-src 'unsafe-inline'");
    const svg = await response.text();
    expect(svg).toMatch(/role="img" aria-labelledby="title desc"/);
    expect(svg).toContain(`<title id="title">Douyin followers of roster trio, ${RANGE.startDate} to ${RANGE.endDate}</title>`);
    for (const [i, kolId] of members.entries()) {
      expect(svg).toMatch(new RegExp(`<path d="M[\\d.]+,[\\d.]+(L[\\d.]+,[\\d.]+){4}" class="s${i}"/>`));
      expect(svg).toContain(`class="label">${kolId}</text>`);
      expect(svg).toMatch(new RegExp(`<desc id="desc">[^<]*${kolId}: [+-][\\d,]+ \\([+-][\\d.]+%\\)`));
    }
  });

  it("draws at most 10 lines, and says how many more there were", async () => {
    const gateway = makeGateway();
    await gateway.request("/v1/rosters/dozen", json("PUT", { kolIds: kols(12) }));
    const svg = await (await gateway.request(chart("dozen"))).text();
    expect(svg.match(/<path d="M/g)).toHaveLength(10);
    expect(svg).toContain("2 more not drawn (at most 10 lines).");
  });

  it("indexes each creator to 100 on its first day", async () => {
    const gateway = makeGateway();
    await gateway.request("/v1/rosters/indexed", json("PUT", { kolIds: kols(2) }));
    const svg = await (await gateway.request(chart("indexed", "&mode=indexed"))).text();
    expect(svg).toContain("Followers (first day = 100)");
    expect(svg).toMatch(/class="label">100(\.\d+)?<\/text>/);
  });

  it("takes the key from the URL for <img>, and answers If-None-Match with 304", async () => {
    const gateway = makeGateway();
    const owner = await createTestKey(env.KEYS);
    await gateway.request("/v1/rosters/embed", { ...json("PUT", { kolIds: kols(2) }), as: owner.key });
    const first = await gateway.request(chart("embed", `&key=${owner.key}`), { as: null });
    expect(first.status).toBe(200);
    const etag = first.headers.get("ETag")!;
    expect(etag).toBeTruthy();
    const again = await gateway.request(chart("embed", `&key=${owner.key}`), { as: null, headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
  });

  it("refuses an unknown mode, naming the parameter", async () => {
    const gateway = makeGateway();
    await gateway.request("/v1/rosters/modes", json("PUT", { kolIds: kols(1) }));
    // A chart's error is an image unless JSON is asked for (test/integration/chart-errors.test.ts).
    const response = await gateway.request(chart("modes", "&mode=log"), { headers: { Accept: "application/json" } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Problem).errors).toEqual([expect.objectContaining({ field: "mode", in: "query" })]);
  });
});
