/**
 * Many creators in one answer (src/rosters/roster-trends.ts), over a stand-in lookup: one
 * creator's failure, of any kind, is listed beside the others and never fails the whole answer.
 */
import { describe, expect, it } from "vitest";
import { rosterTrends, type MemberLookup } from "../../src/rosters/roster-trends.ts";
import { parseUpstreamData, type UpstreamSuccess } from "../../src/upstream/schema.ts";
import { ProblemError } from "../../src/problem.ts";
import { successBody } from "../../tools/emulator/series.ts";

const RANGE = { startDate: "2026-03-01", endDate: "2026-03-10" };

/** Answers each creator from the emulator's series, except those `fail` names. */
function lookupOf(fail: Record<string, unknown>): MemberLookup {
  return async (kolId) => {
    if (kolId in fail) throw fail[kolId];
    const raw = successBody(kolId, RANGE.startDate, RANGE.endDate) as unknown as UpstreamSuccess["raw"];
    const data = parseUpstreamData(raw.data);
    if (!data.success) throw new Error("the emulator's series no longer parses");
    return {
      result: {
        answer: { kind: "data", success: { raw, data: data.data } },
        outcome: "hit",
        ageSeconds: 0,
        ttlSeconds: 60,
        refresh: false,
        fromDays: false,
      },
      cacheStatus: "xingtu-edge; hit",
    };
  };
}

describe("a roster's answer", () => {
  it("lists a creator whose lookup failed unexpectedly as an internal error, answers the rest, and warns once", async () => {
    const warnings: string[] = [];
    const trends = await rosterTrends(
      "team",
      ["101", "102", "103"],
      RANGE,
      lookupOf({ "102": new Error("Too many subrequests."), "103": new ProblemError("upstream-timeout", { detail: "slow" }) }),
      { threshold: 3.5, warn: (message) => warnings.push(message) },
    );
    expect(trends).toMatchObject({ complete: false, answered: 1, failed: 2 });
    expect(trends.members[1]).toMatchObject({ kolId: "102", ok: false, problem: { type: "/problems/internal-error", status: 500 } });
    expect(trends.members[2]).toMatchObject({ kolId: "103", ok: false, problem: { type: "/problems/upstream-timeout", detail: "slow" } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain("subrequests");
  });

  it("keeps the creators' order whatever order their lookups finish in", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => String(200 + i));
    const slowFirst: MemberLookup = async (kolId) => {
      await new Promise((resolve) => setTimeout(resolve, 20 - (Number(kolId) - 200)));
      return lookupOf({})(kolId);
    };
    const trends = await rosterTrends(null, ids, RANGE, slowFirst, { threshold: 3.5, warn: () => undefined });
    expect(trends.members.map((member) => member.kolId)).toEqual(ids);
  });
});
