/**
 * Every doc is covered: each page with request examples has its test file here (one a page, so each
 * starts from empty storage), the examples are written as the runner reads them, and no request to
 * the gateway hides in a block the suite does not run.
 */
import { describe, expect, it } from "vitest";
import { DOC_FILES, examplesIn } from "../../support/doc-runner.ts";
import { fencedBlocks, notRun } from "../../support/doc-examples.ts";

declare global {
  interface ImportMeta {
    glob<T>(patterns: string[], options: { query: "?raw"; import: "default"; eager: true }): Record<string, T>;
  }
}

/** The page each test file of this folder runs, from its `docPage("...")` line. */
const tested = new Set(
  Object.values(import.meta.glob<string>(["./*.test.ts"], { query: "?raw", import: "default", eager: true })).flatMap((source) =>
    [...source.matchAll(/^docPage\("([^"]+)"\);$/gm)].map((match) => match[1]!),
  ),
);

describe("the docs", () => {
  it("are the README and a page a topic", () => {
    expect([...DOC_FILES.keys()].sort()).toEqual(
      expect.arrayContaining(["README.md", "docs/api.md", "docs/configuration.md", "docs/operations.md", "docs/testing.md"]),
    );
    expect([...DOC_FILES.keys()].filter((file) => file.startsWith("docs/")).length).toBeGreaterThanOrEqual(10);
  });

  it("have their examples run: every page with one has its test file here", () => {
    const withExamples = [...DOC_FILES.keys()].filter((file) => examplesIn(file).length > 0);
    expect(withExamples.filter((file) => !tested.has(file))).toEqual([]);
    expect([...tested].filter((file) => !withExamples.includes(file))).toEqual([]);
  });

  it("never keep a request to the gateway out of the run", () => {
    const hidden = [...DOC_FILES].flatMap(([file, text]) =>
      fencedBlocks(text)
        .filter(notRun)
        .flatMap((block) =>
          block.body
            .split("\n")
            .filter((line) => /\bcurl\b/.test(line) && /(127\.0\.0\.1|localhost):(8787|8788)/.test(line))
            .map((line) => `${file}:${block.line}: ${line}`),
        ),
    );
    expect(hidden).toEqual([]);
  });

  it("link both ways: the README to every page, every page back to the README", () => {
    const readme = DOC_FILES.get("README.md")!;
    const pages = [...DOC_FILES.keys()].filter((file) => file.startsWith("docs/"));
    expect(pages.filter((page) => !readme.includes(`](${page})`))).toEqual([]);
    expect(pages.filter((page) => !DOC_FILES.get(page)!.includes("](../README.md)"))).toEqual([]);
  });
});
