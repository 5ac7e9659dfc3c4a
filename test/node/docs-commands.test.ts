/**
 * The docs' `npm` commands, which the suite cannot run as written (they deploy, or act on an
 * account or on local storage), held to what exists: every `npm run X` names a script of
 * package.json, and every `npm run key` and `npm run guard` command a subcommand and options that
 * tool takes. (Their behaviour is tested by key-command.test.ts, deploy.test.ts and the browser test.)
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fencedBlocks } from "../support/doc-examples.ts";

const docs = [
  "README.md",
  "packages/client/README.md",
  ...readdirSync("docs")
    .filter((file) => file.endsWith(".md"))
    .map((file) => `docs/${file}`),
].map((file) => [file, readFileSync(file, "utf8")] as const);
const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;

/** Every `npm ...` command written in the docs: in code blocks (a line each) and in inline code. */
const commands = docs.flatMap(([file, text]) => {
  const inBlocks = fencedBlocks(text).flatMap((block) => block.body.split("\n"));
  const inline = [...text.matchAll(/`([^`\n]*\bnpm (?:run|test|start|install)\b[^`\n]*)`/g)].map((match) => match[1]!);
  return [...inBlocks, ...inline]
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .flatMap((line) => [...line.matchAll(/\bnpm (run [\w:-]+(?: -- [^&|;)`"]*)?|test|start|install)/g)].map((match) => match[1]!.trim()))
    .map((command) => ({ file, command }));
});

/** The options a tool's parseArgs takes (`name: { type: ... }`). */
function optionsOf(source: string): Set<string> {
  const block = /options:\s*\{([\s\S]*?)\n\s*\},?\n/.exec(source)?.[1] ?? "";
  return new Set([...block.matchAll(/^\s*"?([\w-]+)"?:\s*\{/gm)].map((match) => match[1]!));
}

const TOOLS: Record<string, { source: string; subcommands: string[] }> = {
  key: { source: "tools/cli/key.ts", subcommands: ["create", "limit", "list", "revoke", "secret", "rotate-secret"] },
  guard: { source: "tools/cli/guard.ts", subcommands: ["status", "clear"] },
};

describe("the docs' npm commands", () => {
  it("are found, in the README and the pages", () => {
    expect(commands.length).toBeGreaterThan(20);
    expect(commands.map(({ command }) => command)).toEqual(
      expect.arrayContaining(["start", "test", "run key -- list", "run guard -- clear"]),
    );
  });

  it("name scripts that package.json has", () => {
    const unknown = commands.filter(({ command }) => command.startsWith("run ") && !(command.split(" ")[1]! in scripts));
    expect(unknown).toEqual([]);
  });

  it("give npm run key and npm run guard the subcommands and options they take", () => {
    const wrong = commands.flatMap(({ file, command }) => {
      const [, script, dashes, ...args] = command.split(/\s+/);
      const tool = TOOLS[script!];
      if (!tool || dashes !== "--") return [];
      const source = readFileSync(tool.source, "utf8");
      const options = optionsOf(source);
      const problems: string[] = [];
      const subcommand = args.find((arg) => !arg.startsWith("-"));
      if (subcommand === undefined || !tool.subcommands.includes(subcommand)) problems.push(`no subcommand ${subcommand}`);
      // Each tool reads its subcommand where its usage names it.
      if (subcommand !== undefined && !source.includes(subcommand)) problems.push(`${tool.source} does not know ${subcommand}`);
      for (const flag of args.filter((arg) => arg.startsWith("--"))) {
        if (!options.has(flag.slice(2).split("=")[0]!)) problems.push(`no option ${flag}`);
      }
      return problems.map((problem) => `${file}: npm ${command}: ${problem}`);
    });
    expect(wrong).toEqual([]);
  });
});
