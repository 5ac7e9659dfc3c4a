import { describe, expect, inject, it } from "vitest";
import fc from "fast-check";
import {
  addDays,
  dateOfDayNumber,
  datesOf,
  dayNumber,
  daysInRange,
  isCalendarDate,
  secondsUntilShanghaiHour,
  shanghaiHour,
  shanghaiToday,
} from "../../src/calendar.ts";

describe("calendar dates", () => {
  it("accepts a leap day in a leap year", () => {
    expect(isCalendarDate("2024-02-29")).toBe(true);
  });

  it("rejects days that do not exist", () => {
    for (const date of ["2026-02-29", "2026-02-30", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00"]) {
      expect(isCalendarDate(date), date).toBe(false);
    }
  });

  it("rejects other spellings of a date", () => {
    for (const date of ["2026-3-08", "20260308", "2026/03/08", " 2026-03-08", "2026-03-08T00:00:00Z", "２０２６-03-08"]) {
      expect(isCalendarDate(date), date).toBe(false);
    }
  });

  it("numbers every date as the platform's own Date does, and refuses what Date would roll over", () => {
    // The oracle: Date.UTC, with a round trip that exposes rolled-over days (2026-02-30).
    const oracle = (date: string) => {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
      if (!match) return null;
      const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
      const back = new Date(Date.UTC(year, month - 1, day));
      const same = back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day;
      return same ? back.getTime() / 86_400_000 : null;
    };
    const digits = (length: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: length, maxLength: length });
    const shaped = fc.tuple(digits(4), digits(2), digits(2)).map(([y, m, d]) => `${y}-${m}-${d}`);
    const real = fc.date({ min: new Date("0100-01-01T00:00:00Z"), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true });
    const numRuns = inject("fuzzRuns") * 10;
    fc.assert(
      fc.property(shaped, (date) => dayNumber(date) === oracle(date)),
      { numRuns },
    );
    fc.assert(
      fc.property(
        real.map((at) => at.toISOString().slice(0, 10)),
        (date) => dayNumber(date) === oracle(date),
      ),
      { numRuns },
    );
  });

  it("dates every day number as the platform's own Date does", () => {
    const days = fc.integer({ min: dayNumber("0100-01-01")!, max: dayNumber("9999-12-31")! });
    fc.assert(
      fc.property(days, (day) => dateOfDayNumber(day) === new Date(day * 86_400_000).toISOString().slice(0, 10)),
      { numRuns: inject("fuzzRuns") * 10 },
    );
  });

  it("adds days across month and year ends", () => {
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2025-12-31", 1)).toBe("2026-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });

  it("lists every date of a range, both ends included, across a month end", () => {
    expect(datesOf("2026-02-27", "2026-03-02")).toEqual(["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]);
    expect(datesOf("2026-03-02", "2026-03-01")).toEqual([]);
  });

  it("counts a range inclusively", () => {
    expect(daysInRange("2026-02-07", "2026-03-08")).toBe(30);
    expect(daysInRange("2026-03-08", "2026-03-08")).toBe(1);
  });
});

describe("Asia/Shanghai calendar", () => {
  it("is already tomorrow at 16:00 UTC", () => {
    expect(shanghaiToday(Date.parse("2026-03-09T15:59:59Z"))).toBe("2026-03-09");
    expect(shanghaiToday(Date.parse("2026-03-09T16:00:00Z"))).toBe("2026-03-10");
  });

  it("counts the seconds to the next Shanghai midnight", () => {
    expect(secondsUntilShanghaiHour(Date.parse("2026-03-09T15:00:00Z"))).toBe(3600);
    expect(secondsUntilShanghaiHour(Date.parse("2026-03-09T16:00:00Z"))).toBe(86_400);
  });

  it("counts the seconds to another Shanghai hour, today or tomorrow", () => {
    // 23:00 in Shanghai: 06:00 is 7 hours away; 22:00 is 23 hours away.
    expect(secondsUntilShanghaiHour(Date.parse("2026-03-09T15:00:00Z"), 6)).toBe(7 * 3600);
    expect(secondsUntilShanghaiHour(Date.parse("2026-03-09T15:00:00Z"), 22)).toBe(23 * 3600);
  });

  it("reads the Shanghai hour", () => {
    expect(shanghaiHour(Date.parse("2026-03-09T15:30:00Z"))).toBe(23);
    expect(shanghaiHour(Date.parse("2026-03-09T16:30:00Z"))).toBe(0);
  });
});
