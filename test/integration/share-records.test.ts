/**
 * A share link's record as it is read back from KV (share/links.ts shareRecordSchema): what the
 * link was made with is what its owner reads back and its viewers get.
 *
 * A file of its own: the record's schema is built once per test file, by the first test that
 * reads a record, and Stryker's per-test coverage credits that test alone with the schema's
 * mutants; here that test is about the schema.
 */
import { describe, expect, it } from "vitest";
import { makeGateway, uniqueKol } from "../support/gateway.ts";
import type { ShareLink, ShareLinkList } from "../../src/schemas/share-links.ts";

const json = (method: string, body: unknown) => ({ method, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });

describe("a share link's record read back", () => {
  it("keeps a rolling range: its owner reads back the days it was made with, and its viewers get the last ones", async () => {
    const gateway = makeGateway();
    const kolId = uniqueKol();
    const created = await gateway.request("/v1/share-links", json("POST", { kolId, days: 14 }));
    expect(created.status).toBe(201);
    const link = (await created.json()) as ShareLink;

    expect((await (await gateway.request(`/v1/share-links/${link.id}`)).json<ShareLink>()).range).toEqual({ days: 14 });
    const listed = await (await gateway.request("/v1/share-links")).json<ShareLinkList>();
    expect(listed.links.find((each) => each.id === link.id)?.range).toEqual({ days: 14 });
    // The 14 days that end yesterday (2026-03-09 in Asia/Shanghai, the test clock's today being the 10th).
    const trend = await gateway.request(new URL(link.urls.json).pathname, { as: null });
    expect([trend.status, await trend.json()]).toEqual([
      200,
      expect.objectContaining({ kolId, startDate: "2026-02-24", endDate: "2026-03-09" }),
    ]);
  });
});
