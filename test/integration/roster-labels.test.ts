/**
 * Creators by their names: a roster's creators may carry labels (any script), shown wherever people
 * read the roster (its answer, CSV, chart), and roster names may be Chinese.
 */
import { describe, expect, it } from "vitest";
import { makeGateway, uniqueKol } from "../support/gateway.ts";
import type { RosterBody, RosterTrends } from "../../src/schemas/roster-answers.ts";
import type { Problem } from "../../src/problem.ts";

const RANGE = "startDate=2026-03-01&endDate=2026-03-05";
const json = (method: string, body: unknown) => ({ method, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
const NAME = "春季投放";
const path = (name: string, rest = "") => `/v1/rosters/${encodeURIComponent(name)}${rest}`;

describe("roster names in any script", () => {
  it("creates a roster named in Chinese, answers its Location percent-encoded, and finds it by that name", async () => {
    const gateway = makeGateway();
    const created = await gateway.request(path(NAME), json("PUT", { kolIds: [uniqueKol()] }));
    expect(created.status).toBe(201);
    expect(created.headers.get("Location")).toBe(`/v1/rosters/${encodeURIComponent(NAME)}`);
    expect(((await (await gateway.request(path(NAME))).json()) as RosterBody).name).toBe(NAME);
  });

  it("takes a name sent decomposed (NFD) as the same roster as its composed form", async () => {
    const gateway = makeGateway();
    const composed = "café";
    await gateway.request(path(composed), json("PUT", { kolIds: [uniqueKol()] }));
    const decomposed = composed.normalize("NFD");
    expect(decomposed).not.toBe(composed);
    const read = await gateway.request(path(decomposed));
    expect(read.status).toBe(200);
    expect(((await read.json()) as RosterBody).name).toBe(composed);
  });

  it("refuses a name with a space, a slash's lookalike or over 64 characters, naming the rule", async () => {
    const gateway = makeGateway();
    for (const name of ["春季 投放", "a\u2215b", "名".repeat(65)]) {
      const response = await gateway.request(path(name), json("PUT", { kolIds: [uniqueKol()] }));
      expect(response.status, name).toBe(400);
      expect(((await response.json()) as Problem).errors).toEqual([
        expect.objectContaining({ field: "name", in: "path", rule: "roster_name" }),
      ]);
    }
    expect((await gateway.request(path("名".repeat(64)), json("PUT", { kolIds: [uniqueKol()] }))).status).toBe(201);
  });

  it("names a Chinese roster's CSV download with RFC 6266's filename* and an ASCII stand-in", async () => {
    const gateway = makeGateway();
    await gateway.request(path(NAME), json("PUT", { kolIds: [uniqueKol()] }));
    const response = await gateway.request(path(NAME, `/daily-fans?${RANGE}&format=csv`));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Disposition")).toBe(
      `attachment; filename="roster-____-daily-fans-2026-03-01-to-2026-03-05.csv"; filename*=UTF-8''${encodeURIComponent(`roster-${NAME}-daily-fans-2026-03-01-to-2026-03-05.csv`)}`,
    );
  });
});

describe("creators' labels", () => {
  it("keeps labels with the roster, trimmed and normalised, and answers them", async () => {
    const gateway = makeGateway();
    const [a, b] = [uniqueKol(), uniqueKol()];
    const response = await gateway.request(path(NAME), json("PUT", { kolIds: [a, b], labels: { [a]: "  李佳琦 " } }));
    expect(((await response.json()) as RosterBody).labels).toEqual({ [a]: "李佳琦" });
    expect(((await (await gateway.request(path(NAME))).json()) as RosterBody).labels).toEqual({ [a]: "李佳琦" });
  });

  it("relabels a creator already in the roster through POST, and moves updatedAt only then", async () => {
    const gateway = makeGateway();
    const [a, b] = [uniqueKol(), uniqueKol()];
    const created = (await (
      await gateway.request(path("team"), json("PUT", { kolIds: [a], labels: { [a]: "旧名" } }))
    ).json()) as RosterBody;
    gateway.clock.now += 60_000;
    const same = (await (
      await gateway.request(path("team", "/kols"), json("POST", { kolIds: [a], labels: { [a]: "旧名" } }))
    ).json()) as RosterBody;
    expect(same.updatedAt).toBe(created.updatedAt);
    const relabelled = (await (
      await gateway.request(path("team", "/kols"), json("POST", { kolIds: [a, b], labels: { [a]: "新名", [b]: "Bo" } }))
    ).json()) as RosterBody;
    expect(relabelled.labels).toEqual({ [a]: "新名", [b]: "Bo" });
    expect(relabelled.kolIds).toEqual([a, b]);
    expect(relabelled.updatedAt).toBe(new Date(gateway.clock.now).toISOString());
  });

  it("refuses a label for an unlisted creator, an empty one, one with a control character and one over 40 characters, each by field", async () => {
    const gateway = makeGateway();
    const [a, b, c, d] = [uniqueKol(), uniqueKol(), uniqueKol(), uniqueKol()];
    const labels = { [a]: "   ", [b]: "tab\there", [c]: "长".repeat(41), [d]: "not listed" };
    const response = await gateway.request(path("team"), json("PUT", { kolIds: [a, b, c], labels }));
    expect(response.status).toBe(400);
    const { errors } = (await response.json()) as Problem;
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: `labels.${a}`, in: "body", rule: "label" }),
        expect.objectContaining({ field: `labels.${b}`, in: "body", rule: "label" }),
        expect.objectContaining({ field: `labels.${c}`, in: "body", rule: "label" }),
      ]),
    );
    // A label for a creator the list does not hold is its own rule, once the labels themselves are valid.
    const unlisted = await gateway.request(path("team"), json("PUT", { kolIds: [a], labels: { [d]: "Bo" } }));
    expect(((await unlisted.json()) as Problem).errors).toEqual([
      expect.objectContaining({ field: `labels.${d}`, in: "body", rule: "listed" }),
    ]);
    expect((await gateway.request(path("team", "/kols"), json("POST", { kolIds: [a], labels: { [a]: "长".repeat(40) } }))).status).toBe(
      404,
    );
  });

  it("shows each creator's label in the roster's answer, its long CSV and its chart's legend", async () => {
    const gateway = makeGateway();
    const [a, b] = [uniqueKol(), uniqueKol()];
    await gateway.request(path(NAME), json("PUT", { kolIds: [a, b], labels: { [a]: "李佳琦" } }));

    const trends = (await (await gateway.request(path(NAME, `/daily-fans?${RANGE}`))).json()) as RosterTrends;
    expect(trends.members.map((member) => member.label)).toEqual(["李佳琦", undefined]);

    const rows = (await (await gateway.request(path(NAME, `/daily-fans?${RANGE}&format=csv`))).text()).trimEnd().split("\r\n");
    expect(rows.filter((row) => row.startsWith(a)).every((row) => row.endsWith(",李佳琦"))).toBe(true);
    expect(rows.filter((row) => row.startsWith(b)).every((row) => row.endsWith(","))).toBe(true);

    const svg = await (await gateway.request(path(NAME, `/daily-fans.svg?${RANGE}`))).text();
    expect(svg).toContain('class="label">李佳琦</text>');
    expect(svg).toContain(`class="label">${b}</text>`);
  });

  it("cuts a long label in the chart's legend with an ellipsis, never a creator's id", async () => {
    const gateway = makeGateway();
    const [a] = [uniqueKol()];
    await gateway.request(path("long"), json("PUT", { kolIds: [a], labels: { [a]: "一二三四五六七八九十" } }));
    const svg = await (await gateway.request(path("long", `/daily-fans.svg?${RANGE}`))).text();
    expect(svg).toContain('class="label">一二三四五六七八…</text>');
  });
});
