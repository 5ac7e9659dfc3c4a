/**
 * zod's own rules speak the API's voice (src/schemas/messages.ts): "<field> must ...", like the
 * rules the gateway words itself, never zod's English ("Invalid input: expected ...").
 */
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import "../../src/schemas/messages.ts";

const messageOf = (schema: z.ZodMiniType, value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error("the value was accepted");
  return result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`.trim());
};

describe("zod's rules in the API's words", () => {
  it("names the kind of value a field must be", () => {
    expect(messageOf(z.array(z.string()), "x")).toEqual(["must be a list"]);
    expect(messageOf(z.string(), 1)).toEqual(["must be text"]);
    expect(messageOf(z.int(), 1.5)).toEqual(["must be a whole number"]);
    expect(messageOf(z.boolean(), "yes")).toEqual(["must be true or false"]);
    expect(messageOf(z.object({}), [])).toEqual(["must be an object"]);
  });

  it("lists the values a field may take, and a discriminated union's kinds", () => {
    expect(messageOf(z.enum(["json", "csv"]), "xml")).toEqual(["must be one of json, csv"]);
    expect(messageOf(z.literal("set"), "yes")).toEqual(['must be "set"']);
    const kinds = z.discriminatedUnion("kind", [z.object({ kind: z.literal("anomaly") }), z.object({ kind: z.literal("below") })]);
    expect(messageOf(kinds, { kind: "spike" })).toEqual(["kind must be one of anomaly, below"]);
  });

  it("counts a size in what the value holds", () => {
    expect(messageOf(z.string().check(z.minLength(1)), "")).toEqual(["must be at least 1 character"]);
    expect(messageOf(z.string().check(z.maxLength(3)), "abcd")).toEqual(["must be at most 3 characters"]);
    expect(messageOf(z.array(z.int()).check(z.minLength(2)), [1])).toEqual(["must list at least 2 items"]);
  });

  it("tells an inclusive bound from a strict one", () => {
    expect(messageOf(z.number().check(z.minimum(1)), 0)).toEqual(["must be at least 1"]);
    expect(messageOf(z.number().check(z.gt(0)), 0)).toEqual(["must be more than 0"]);
    expect(messageOf(z.number().check(z.lt(10)), 10)).toEqual(["must be less than 10"]);
  });

  it("words formats and unions without a discriminator", () => {
    expect(messageOf(z.url(), "nope")).toEqual(["must be a valid URL"]);
    expect(messageOf(z.union([z.number(), z.string()]), true)).toEqual(["matches none of the accepted forms"]);
  });
});
