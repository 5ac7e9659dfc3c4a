/**
 * The deployed log (src/log.ts): one JSON line per event on the console stream that Workers Logs
 * ranks by its level, and errors as fields that say what failed without leaking the token.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { consoleSink, errorFields } from "../../src/log.ts";
import { ProblemError } from "../../src/problem.ts";

const SECRET = "upstream-secret-Q7m2";

afterEach(() => vi.restoreAllMocks());

/** What each console method printed while `write` ran. */
function printed(write: () => void) {
  const streams = { log: vi.spyOn(console, "log"), warn: vi.spyOn(console, "warn"), error: vi.spyOn(console, "error") };
  for (const spy of Object.values(streams)) spy.mockImplementation(() => undefined);
  write();
  return Object.fromEntries(Object.entries(streams).map(([name, spy]) => [name, spy.mock.calls.map((call) => String(call[0]))]));
}

describe("the console log", () => {
  it("prints an error line on the error stream, as one JSON object with the time", () => {
    const out = printed(() => consoleSink({ level: "error", msg: "boom", kolId: "42" }));
    expect(out.log).toEqual([]);
    expect(out.warn).toEqual([]);
    expect(out.error).toHaveLength(1);
    const line = JSON.parse(out.error![0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: "error", msg: "boom", kolId: "42" });
    expect(Date.parse(String(line.time))).not.toBeNaN();
  });

  it("prints a warning on the warning stream", () => {
    const out = printed(() => consoleSink({ level: "warn", msg: "odd" }));
    expect([out.log, out.error]).toEqual([[], []]);
    expect(out.warn!.map((line) => JSON.parse(line) as unknown)).toEqual([expect.objectContaining({ level: "warn", msg: "odd" })]);
  });

  it("prints anything else on the ordinary stream", () => {
    const out = printed(() => consoleSink({ level: "info", msg: "request" }));
    expect([out.warn, out.error]).toEqual([[], []]);
    expect(out.log!.map((line) => JSON.parse(line) as unknown)).toEqual([expect.objectContaining({ level: "info", msg: "request" })]);
  });
});

describe("an error as log fields", () => {
  it("gives a problem's type and detail, the token masked", () => {
    const error = new ProblemError("upstream-timeout", { detail: `no answer for ${SECRET}` });
    expect(errorFields(error, SECRET)).toEqual({ problem: "upstream-timeout", detail: "no answer for ***" });
  });

  it("gives a problem's detail as it is when there is no token to mask", () => {
    const error = new ProblemError("upstream-timeout", { detail: "no answer" });
    expect(errorFields(error)).toEqual({ problem: "upstream-timeout", detail: "no answer" });
  });

  it("gives another error's name and message, masked and cut to 300 characters", () => {
    const error = new RangeError(`${SECRET} ${"m".repeat(400)}`);
    const fields = errorFields(error, SECRET);
    expect(fields).toEqual({ error: "RangeError", message: `*** ${"m".repeat(296)}` });
  });

  it("gives only the kind of a thrown value that is not an error", () => {
    expect(errorFields(`thrown ${SECRET}`, SECRET)).toEqual({ error: "string" });
  });
});
