/** The configuration schema is the one source of defaults; docs/configuration.md's table must say the same. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/config.ts";

const defaults = configSchema.parse({}) as Record<string, unknown>;
const page = readFileSync(new URL("../../docs/configuration.md", import.meta.url), "utf8");
const section = page.slice(page.indexOf("## Variables"), page.indexOf("\n## ", page.indexOf("## Variables") + 1));

/** Rows `| \`A\` / \`B\` | \`1\` / \`2\` | meaning |` as [name, documented default] pairs. */
const documented = section
  .split("\n")
  .filter((line) => line.startsWith("| `"))
  .flatMap((line) => {
    const [names, values] = line
      .split("|")
      .slice(1, 3)
      .map((cell) => cell.trim());
    const nameList = [...names!.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]!);
    const valueList = values!.split(" / ").map((value) => value.replace(/`/g, "").trim());
    return nameList.map((name, i) => [name, valueList[i]!] as const);
  });

const spelled = (value: unknown) => (value === undefined || (Array.isArray(value) && value.length === 0) ? null : String(value));
const NONE = new Set(["(none)", "—"]);

describe("the configuration table (docs/configuration.md)", () => {
  it("lists every variable the schema knows, and no other", () => {
    expect(documented.map(([name]) => name).sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it("gives each variable the schema's own default", () => {
    for (const [name, value] of documented) {
      expect({ name, value: NONE.has(value) ? null : value }).toEqual({ name, value: spelled(defaults[name]) });
    }
  });
});
