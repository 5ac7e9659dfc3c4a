import { describe, expect, it } from "vitest";
import { dropInRequestSchema, perLimits, toFieldErrors, trendRequestSchema } from "../../src/schemas/request.ts";

const limits = { maxRangeDays: 365, today: "2026-03-10", minDate: "2018-01-01" };

function errorsFor(query: Record<string, unknown>, kolId: unknown = "123") {
  const raw = { path: { kolId }, query };
  const result = trendRequestSchema(limits).safeParse(raw);
  return result.success ? [] : toFieldErrors(result.error.issues, raw);
}

const valid = { startDate: "2026-02-07", endDate: "2026-03-08" };

describe("the trend request", () => {
  it("parses a valid request and reads acceptCache words as booleans", () => {
    for (const [word, value] of [
      ["true", true],
      ["1", true],
      ["false", false],
      ["0", false],
    ] as const) {
      const parsed = trendRequestSchema(limits).parse({ path: { kolId: "42" }, query: { ...valid, acceptCache: word } });
      expect(parsed).toEqual({ kolId: "42", ...valid, acceptCache: value });
    }
  });

  it("leaves acceptCache out when it is not sent", () => {
    const parsed = trendRequestSchema(limits).parse({ path: { kolId: "42" }, query: valid });
    expect(parsed.acceptCache).toBeUndefined();
  });

  it("rejects a kolId that is not 1 to 32 ASCII digits, or starts with 0 (a second purchase of the same creator)", () => {
    for (const kolId of ["", "12a", "1".repeat(33), "１２３", "-5", "1 2", "1&token=x", "0", "042", "0".repeat(31) + "1"]) {
      expect(errorsFor(valid, kolId), kolId).toEqual([expect.objectContaining({ field: "kolId", in: "path", rule: "kol_id_format" })]);
    }
  });

  it("accepts a 32-digit kolId", () => {
    expect(errorsFor(valid, "9".repeat(32))).toEqual([]);
  });

  it("rejects an impossible date by the calendar_date rule", () => {
    expect(errorsFor({ startDate: "2026-02-30", endDate: "2026-03-08" })).toEqual([
      expect.objectContaining({ field: "startDate", in: "query", rule: "calendar_date" }),
    ]);
  });

  it("names missing parameters as required", () => {
    expect(errorsFor({}).map((e) => [e.field, e.rule])).toEqual([
      ["startDate", "required"],
      ["endDate", "required"],
    ]);
  });

  it("rejects a parameter sent twice", () => {
    expect(errorsFor({ ...valid, endDate: ["2026-03-08", "2026-03-09"] })).toEqual([
      expect.objectContaining({ field: "endDate", rule: "single_value" }),
    ]);
  });

  it("rejects a start after the end", () => {
    expect(errorsFor({ startDate: "2026-03-08", endDate: "2026-03-07" })).toEqual([
      expect.objectContaining({ field: "startDate", rule: "date_order" }),
    ]);
  });

  it("rejects a range longer than the maximum and accepts exactly the maximum", () => {
    const short = { ...limits, maxRangeDays: 30 };
    const parse = (endDate: string) =>
      trendRequestSchema(short).safeParse({ path: { kolId: "1" }, query: { startDate: "2026-02-07", endDate } });
    expect(parse("2026-03-08").success).toBe(true);
    const tooLong = parse("2026-03-09");
    expect(tooLong.success).toBe(false);
    expect(toFieldErrors(tooLong.error!.issues, { query: {} })).toEqual([expect.objectContaining({ field: "endDate", rule: "max_range" })]);
  });

  it("rejects an end date after today in Shanghai and accepts today", () => {
    expect(errorsFor({ startDate: "2026-03-01", endDate: "2026-03-10" })).toEqual([]);
    expect(errorsFor({ startDate: "2026-03-01", endDate: "2026-03-11" })).toEqual([
      expect.objectContaining({ field: "endDate", rule: "not_in_future" }),
    ]);
  });

  it("reports a range too long and an end in the future together", () => {
    expect(errorsFor({ startDate: "2024-01-01", endDate: "2099-01-01" }).map((e) => e.rule)).toEqual(["max_range", "not_in_future"]);
  });

  it("refuses a start before MIN_DATE and accepts MIN_DATE itself", () => {
    expect(errorsFor({ startDate: "1970-01-01", endDate: "1970-01-02" })).toEqual([
      expect.objectContaining({ field: "startDate", rule: "min_date", message: "must not be before 2018-01-01, the earliest date served" }),
    ]);
    expect(errorsFor({ startDate: "2018-01-01", endDate: "2018-01-02" })).toEqual([]);
  });

  it("rejects acceptCache words other than true, false, 1, 0", () => {
    expect(errorsFor({ ...valid, acceptCache: "yes" })).toEqual([expect.objectContaining({ field: "acceptCache", rule: "boolean" })]);
  });

  it("rejects unknown parameters by name", () => {
    expect(errorsFor({ ...valid, start_date: "2026-01-01", token: "x" })).toEqual([
      expect.objectContaining({ field: "start_date", rule: "unknown_parameter" }),
      expect.objectContaining({ field: "token", rule: "unknown_parameter" }),
    ]);
  });

  it("reports every violation at once", () => {
    const rules = errorsFor({ startDate: "2026-02-30", endDate: "soon", acceptCache: "maybe", extra: "1" }, "abc").map(
      (e) => `${e.field}:${e.rule}`,
    );
    expect(rules.sort()).toEqual([
      "acceptCache:boolean",
      "endDate:calendar_date",
      "extra:unknown_parameter",
      "kolId:kol_id_format",
      "startDate:calendar_date",
    ]);
  });

  it("checks date order even when another field is invalid", () => {
    const rules = errorsFor({ startDate: "2026-03-08", endDate: "2026-03-01" }, "x").map((e) => e.rule);
    expect(rules.sort()).toEqual(["date_order", "kol_id_format"]);
  });
});

describe("the drop-in request", () => {
  it("accepts and drops the upstream-style token parameter", () => {
    const parsed = dropInRequestSchema(limits).parse({ query: { kolId: "7", ...valid, token: "client-secret" } });
    expect(parsed).toEqual({ kolId: "7", ...valid });
    expect(JSON.stringify(parsed)).not.toContain("client-secret");
  });

  it("requires kolId in the query", () => {
    const raw = { query: valid };
    const result = dropInRequestSchema(limits).safeParse(raw);
    expect(toFieldErrors(result.error!.issues, raw)).toEqual([expect.objectContaining({ field: "kolId", in: "query", rule: "required" })]);
  });
});

describe("schemas per limits", () => {
  it("are built once per distinct limits and rebuilt when the day changes", () => {
    const schemaFor = perLimits(trendRequestSchema);
    const today = schemaFor(limits);
    expect(schemaFor({ ...limits })).toBe(today);
    const tomorrow = schemaFor({ ...limits, today: "2026-03-11" });
    expect(tomorrow).not.toBe(today);
    expect(tomorrow.safeParse({ path: { kolId: "1" }, query: { startDate: "2026-03-11", endDate: "2026-03-11" } }).success).toBe(true);
    expect(today.safeParse({ path: { kolId: "1" }, query: { startDate: "2026-03-11", endDate: "2026-03-11" } }).success).toBe(false);
  });
});
