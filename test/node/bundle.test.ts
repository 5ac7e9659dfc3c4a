import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PROBLEM_TEXTS } from "../../src/docs/problem-texts.ts";

let bundle = "";

beforeAll(() => {
  const outdir = mkdtempSync(join(tmpdir(), "xingtu-bundle-"));
  execFileSync(process.execPath, ["node_modules/wrangler/bin/wrangler.js", "deploy", "--dry-run", "--outdir", outdir], {
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    stdio: "pipe",
  });
  const entry = readdirSync(outdir).find((name) => name.endsWith(".js"));
  bundle = readFileSync(join(outdir, entry!), "utf8");
});

describe("the deployable bundle (wrangler deploy --dry-run)", () => {
  it("builds and holds the gateway", () => {
    expect(bundle).toContain("/api/douyin-xingtu/get-kol-daily-fans/v1");
    expect(bundle).toContain("gateway-misconfigured");
  });

  it("holds no emulator code", () => {
    for (const marker of ["__emulator", "Collection Failed. Please Retry.", "wrong-shape"]) expect(bundle).not.toContain(marker);
  });

  it("holds no test code", () => {
    for (const marker of ["vitest", "cloudflare:test", "upstream-secret-"]) expect(bundle).not.toContain(marker);
  });

  it("holds zod/mini with the API's own messages, not zod's classic API (which cannot tree-shake) or its English locale", () => {
    expect(bundle).toContain('"ZodMiniObject"');
    expect(bundle).toContain("matches none of the accepted forms");
    expect(bundle).not.toContain("Invalid input: expected");
    for (const marker of ['"ZodObject"', '"ZodNumber"']) expect(bundle).not.toContain(marker);
  });

  it("holds no MCP SDK: the MCP server is its own Worker, off the data path", () => {
    for (const marker of ["McpServer", "StreamableHTTPServerTransport", "notifications/initialized"]) expect(bundle).not.toContain(marker);
  });

  it("holds no problem page's words: they are static assets (src/docs/problem-texts.ts), read by the page's route", () => {
    expect(bundle).toContain("The gateway is not configured");
    // Every Chinese line, and every English text but the few short ones that code may also say ("Retry later.").
    const words = Object.values(PROBLEM_TEXTS).flatMap(({ meaning, action, zh }) => [
      zh,
      ...[meaning, action].filter((text) => text.length > 40),
    ]);
    for (const text of words) expect(bundle).not.toContain(text);
  });
});

describe("the MCP Worker's bundle (wrangler deploy --dry-run -c src/mcp/wrangler.toml)", () => {
  it("builds and holds the MCP server and its tools", () => {
    const outdir = mkdtempSync(join(tmpdir(), "xingtu-mcp-bundle-"));
    execFileSync(
      process.execPath,
      ["node_modules/wrangler/bin/wrangler.js", "deploy", "--dry-run", "-c", "src/mcp/wrangler.toml", "--outdir", outdir],
      {
        env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
        stdio: "pipe",
      },
    );
    const mcp = readFileSync(
      join(
        outdir,
        readdirSync(outdir).find((name) => name.endsWith(".js"))!,
      ),
      "utf8",
    );
    expect(mcp).toContain("get_kol_daily_fans");
    expect(mcp).toContain("StreamableHTTPServerTransport");
  });
});
