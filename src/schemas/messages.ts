/**
 * @module The API's own words for zod's rules, so every field problem reads "<field> must ...",
 * whether the rule is ours ("must be 1 to 32 ASCII digits") or zod's ("must be a list", "must be
 * one of anomaly, change, below"), rather than zod's English ("Invalid input: expected array,
 * received string"). zod/mini loads no locale by itself (a client would read only "Invalid
 * input"); this is one, set through zod's own `config`. Imported for its effect by the modules
 * that validate input (requests, configuration).
 */
import { config } from "zod/mini";
import type * as z from "zod/mini";

const KINDS: Record<string, string> = {
  array: "a list",
  object: "an object",
  string: "text",
  number: "a number",
  int: "a whole number",
  bigint: "a whole number",
  boolean: "true or false",
  date: "a date",
  null: "null",
};

/** What a size counts, by the kind of value that has one. */
const UNITS: Record<string, [one: string, many: string]> = {
  string: ["character", "characters"],
  array: ["item", "items"],
  set: ["item", "items"],
  map: ["entry", "entries"],
  file: ["byte", "bytes"],
};

const listed = (values: readonly unknown[]) =>
  values.map((value) => (typeof value === "string" ? value : JSON.stringify(value))).join(", ");

type Bound = { origin: string; inclusive?: boolean; exact?: boolean };

function bound(issue: Bound, limit: number | bigint, side: "least" | "most"): string {
  const unit = UNITS[issue.origin];
  if (unit) {
    const counted = `${limit} ${Number(limit) === 1 ? unit[0] : unit[1]}`;
    const verb = issue.origin === "string" || issue.origin === "file" ? "be" : "list";
    if (issue.exact) return `must ${verb} exactly ${counted}`;
    return `must ${verb} at ${side} ${counted}`;
  }
  if (issue.exact) return `must be exactly ${limit}`;
  if (issue.inclusive) return `must be at ${side} ${limit}`;
  return `must be ${side === "least" ? "more" : "less"} than ${limit}`;
}

const apiMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return `must be ${KINDS[issue.expected] ?? issue.expected}`;
    case "invalid_value":
      return issue.values.length === 1 ? `must be ${JSON.stringify(issue.values[0])}` : `must be one of ${listed(issue.values)}`;
    case "too_small":
      return bound(issue, issue.minimum, "least");
    case "too_big":
      return bound(issue, issue.maximum, "most");
    case "invalid_format":
      return issue.format === "regex" ? `must match ${issue.pattern}` : `must be a valid ${issue.format === "url" ? "URL" : issue.format}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    case "unrecognized_keys":
      return `has fields that are not accepted: ${listed(issue.keys)}`;
    case "invalid_union":
      return "options" in issue && Array.isArray(issue.options) && issue.options.length > 0
        ? `must be one of ${listed(issue.options)}`
        : "matches none of the accepted forms";
    case "invalid_key":
      return "has a key that is not accepted";
    case "invalid_element":
      return "has a value that is not accepted";
    default:
      return "is not valid";
  }
};

config({ localeError: apiMessage });
