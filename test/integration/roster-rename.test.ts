/**
 * Renaming a roster (`PATCH /v1/rosters/{name}` with `{ "name": ... }`): everything the roster has
 * goes with it (creators, labels, watch) and its share links keep working; a name the key uses, a
 * missing roster and a bad name are refused, naming why.
 */
import { describe, expect, it } from "vitest";
import { makeGateway, uniqueKol } from "../support/gateway.ts";
import { RECEIVER_HOST } from "../support/constants.ts";
import type { RosterBody, RosterList, RosterTrends, WatchView } from "../../src/schemas/roster-answers.ts";
import type { ShareLink } from "../../src/schemas/share-links.ts";
import type { Problem } from "../../src/problem.ts";

const json = (method: string, body: unknown) => ({ method, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
const rename = (from: string, to: unknown) => json("PATCH", { name: to });
const RANGE = { startDate: "2026-03-01", endDate: "2026-03-05" };
const QUERY = new URLSearchParams(RANGE).toString();

type Gateway = ReturnType<typeof makeGateway>;

async function rosterOf(gateway: Gateway, name: string, labels: Record<string, string> = {}) {
  const kolIds = [uniqueKol(), uniqueKol()];
  const labelled = Object.fromEntries(Object.values(labels).map((label, i) => [kolIds[i]!, label]));
  expect((await gateway.request(`/v1/rosters/${encodeURIComponent(name)}`, json("PUT", { kolIds, labels: labelled }))).status).toBe(201);
  return kolIds;
}

describe("renaming a roster", () => {
  it("moves its creators and labels to the new name, and the old name is gone", async () => {
    const gateway = makeGateway();
    const kolIds = await rosterOf(gateway, "spring", { first: "美妆小王" });
    // Read once, so this isolate remembers the roster's creators under its old name.
    expect((await gateway.request(`/v1/rosters/spring/daily-fans?${QUERY}`)).status).toBe(200);
    const renamed = await gateway.request("/v1/rosters/spring", rename("spring", "春季投放"));
    expect(renamed.status).toBe(200);
    expect(renamed.headers.get("Content-Location")).toBe(`/v1/rosters/${encodeURIComponent("春季投放")}`);
    expect(await renamed.json<RosterBody>()).toMatchObject({ name: "春季投放", kolIds, labels: { [kolIds[0]!]: "美妆小王" } });

    const listed = await (await gateway.request("/v1/rosters")).json<RosterList>();
    expect(listed.rosters.map((roster) => roster.name)).toEqual(["春季投放"]);
    expect((await gateway.request("/v1/rosters/spring")).status).toBe(404);
    expect((await gateway.request(`/v1/rosters/spring/daily-fans?${QUERY}`)).status).toBe(404);
    const trends = await (await gateway.request(`/v1/rosters/${encodeURIComponent("春季投放")}/daily-fans?${QUERY}`)).json<RosterTrends>();
    expect(trends.members.map((member) => member.kolId)).toEqual(kolIds);
  });

  it("keeps its watch under the new name", async () => {
    const gateway = makeGateway();
    await rosterOf(gateway, "spring");
    const watch = { rules: [{ kind: "anomaly" }], targets: [{ type: "webhook", url: `https://${RECEIVER_HOST}/digest` }] };
    expect((await gateway.request("/v1/rosters/spring/watch", json("PUT", watch))).status).toBe(201);
    await gateway.request("/v1/rosters/spring", rename("spring", "summer"));
    const moved = await gateway.request("/v1/rosters/summer/watch");
    expect(moved.status).toBe(200);
    expect((await moved.json<WatchView>()).rules).toEqual([{ kind: "anomaly" }]);
    expect((await gateway.request("/v1/rosters/spring/watch")).status).toBe(404);
  });

  it("keeps its share links working, and leaves links to the key's other rosters alone", async () => {
    const gateway = makeGateway();
    await rosterOf(gateway, "spring");
    await rosterOf(gateway, "autumn");
    const made = async (roster: string) => (await gateway.request("/v1/share-links", json("POST", { roster, ...RANGE }))).json<ShareLink>();
    const [spring, autumn] = [await made("spring"), await made("autumn")];
    await gateway.request("/v1/rosters/spring", rename("spring", "summer"));

    const opened = await gateway.request(new URL(spring.urls.json).pathname, { as: null });
    expect(opened.status).toBe(200);
    expect((await opened.json<RosterTrends>()).roster).toBe("summer");
    expect((await (await gateway.request(`/v1/share-links/${spring.id}`)).json<ShareLink>()).resource).toEqual({ roster: "summer" });
    expect((await (await gateway.request(`/v1/share-links/${autumn.id}`)).json<ShareLink>()).resource).toEqual({ roster: "autumn" });
  });

  it("leaves a revoked link to the roster as it was: only working links follow a rename", async () => {
    const gateway = makeGateway();
    await rosterOf(gateway, "spring");
    const link = await (await gateway.request("/v1/share-links", json("POST", { roster: "spring", ...RANGE }))).json<ShareLink>();
    await gateway.request(`/v1/share-links/${link.id}`, { method: "DELETE" });
    await gateway.request("/v1/rosters/spring", rename("spring", "summer"));
    expect((await (await gateway.request(`/v1/share-links/${link.id}`)).json<ShareLink>()).resource).toEqual({ roster: "spring" });
  });

  it("never shows through an old link a roster renamed to a deleted one's name: deleting a roster ends its links", async () => {
    const gateway = makeGateway();
    await rosterOf(gateway, "spring");
    const link = await (await gateway.request("/v1/share-links", json("POST", { roster: "spring", ...RANGE }))).json<ShareLink>();
    expect((await gateway.request("/v1/rosters/spring", { method: "DELETE" })).status).toBe(204);
    await rosterOf(gateway, "private", { first: "不公开" });
    await gateway.request("/v1/rosters/private", rename("private", "spring"));
    const opened = await gateway.request(new URL(link.urls.csv).pathname, { as: null });
    expect(opened.status).toBe(410);
    expect(await opened.text()).not.toContain("不公开");
    expect((await (await gateway.request(`/v1/share-links/${link.id}`)).json<ShareLink>()).status).toBe("revoked");
  });

  it("refuses a name the key already uses with 409 roster-name-taken, changing neither roster", async () => {
    const gateway = makeGateway();
    const spring = await rosterOf(gateway, "spring");
    const summer = await rosterOf(gateway, "summer");
    const refused = await gateway.request("/v1/rosters/spring", rename("spring", "summer"));
    expect(refused.status).toBe(409);
    expect(await refused.json<Problem>()).toMatchObject({
      type: "/problems/roster-name-taken",
      detail: expect.stringContaining('"summer"'),
    });
    expect((await (await gateway.request("/v1/rosters/spring")).json<RosterBody>()).kolIds).toEqual(spring);
    expect((await (await gateway.request("/v1/rosters/summer")).json<RosterBody>()).kolIds).toEqual(summer);
  });

  it("answers 404 roster-not-found for a roster the key does not have", async () => {
    const gateway = makeGateway();
    const missing = await gateway.request("/v1/rosters/nope", rename("nope", "other"));
    expect(missing.status).toBe(404);
    expect((await missing.json<Problem>()).type).toBe("/problems/roster-not-found");
  });

  it("changes nothing when the new name is the roster's own", async () => {
    const gateway = makeGateway();
    const kolIds = await rosterOf(gateway, "spring");
    const before = await (await gateway.request("/v1/rosters/spring")).json<RosterBody>();
    gateway.clock.now += 60_000;
    const same = await gateway.request("/v1/rosters/spring", rename("spring", "spring"));
    expect(same.status).toBe(200);
    expect(await same.json<RosterBody>()).toEqual({ ...before, kolIds });
  });

  it("names the body's broken rule: a bad new name, a missing one, or a field it does not take", async () => {
    const gateway = makeGateway();
    await rosterOf(gateway, "spring");
    const errorsOf = async (body: unknown) =>
      (await (await gateway.request("/v1/rosters/spring", json("PATCH", body))).json<Problem>()).errors?.map(({ field, rule }) => ({
        field,
        rule,
      }));
    expect(await errorsOf({ name: "bad name" })).toEqual([{ field: "name", rule: "roster_name" }]);
    // A character that shows nothing would make a second roster look like the first.
    expect(await errorsOf({ name: "spring\u034f" })).toEqual([{ field: "name", rule: "roster_name" }]);
    expect((await errorsOf({}))?.[0]?.field).toBe("name");
    expect((await errorsOf({ name: "ok", kolIds: [] }))?.map((error) => error.field)).toContain("kolIds");
    expect((await (await gateway.request("/v1/rosters/spring")).json<RosterBody>()).name).toBe("spring");
  });
});
