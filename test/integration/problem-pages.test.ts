/**
 * Problems explain themselves: every problem `type` URI the gateway sends opens a short page, HTML
 * for browsers (with a line of Simplified Chinese) and JSON otherwise, listed in the OpenAPI document.
 * The pages' words are static assets (src/docs/problem-texts.ts, read through the ASSETS binding).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PROBLEMS, problemTextsAsset, type ProblemType } from "../../src/problem.ts";
import { PROBLEM_TEXTS } from "../../src/docs/problem-texts.ts";
import { openApiDocument } from "../../src/docs/openapi.ts";
import { makeGateway } from "../support/gateway.ts";
import type { Problem, ProblemPage } from "../../src/schemas/problem.ts";

const types = Object.keys(PROBLEMS) as ProblemType[];

describe("problem type pages", () => {
  it("answer every type's URI with what it means and what to do, as JSON for API clients", async () => {
    const gateway = makeGateway();
    for (const type of types) {
      const response = await gateway.request(`/problems/${type}`, { as: null, headers: { Accept: "*/*" } });
      expect({ type, status: response.status }).toEqual({ type, status: 200 });
      expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
      const page = (await response.json()) as ProblemPage;
      expect(page).toEqual({
        type: `/problems/${type}`,
        title: PROBLEMS[type].title,
        status: PROBLEMS[type].status,
        ...PROBLEM_TEXTS[type],
      });
      // Each says something of its own: no page is another's, nor its title again.
      expect(page.meaning.length).toBeGreaterThan(20);
      expect(page.action.length).toBeGreaterThan(5);
      expect(page.meaning).not.toBe(page.title);
      expect(page.zh).toMatch(/[\u4e00-\u9fff]/);
    }
    const meanings = types.map((type) => PROBLEM_TEXTS[type].meaning);
    expect(new Set(meanings).size).toBe(meanings.length);
  });

  it("answer a browser with a page in English and a line in Simplified Chinese, escaped", async () => {
    const gateway = makeGateway();
    const response = await gateway.request("/problems/unauthorized", {
      as: null,
      headers: { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain(`<h1>${PROBLEMS.unauthorized.title}</h1>`);
    expect(html).toContain(`<p lang="zh-CN">${PROBLEM_TEXTS.unauthorized.zh}</p>`);
    // The action's `Authorization: Bearer <key>` is code, not markup.
    expect(html).toContain("<code>Authorization: Bearer &lt;key&gt;</code>");
  });

  it("are what a real problem's type opens, with no key", async () => {
    const gateway = makeGateway();
    const refused = await gateway.request("/v1/kols/42/daily-fans?startDate=2026-03-01&endDate=2026-03-02", { as: "xte_not-a-key" });
    const { type } = (await refused.json()) as Problem;
    const page = await gateway.request(type, { as: null });
    expect(page.status).toBe(200);
    expect(((await page.json()) as ProblemPage).type).toBe(type);
  });

  it("refuse an unknown type with the not-found problem", async () => {
    const response = await makeGateway().request("/problems/no-such-thing", { as: null });
    expect(response.status).toBe(404);
    expect(((await response.json()) as Problem).type).toBe("/problems/not-found");
  });

  it("have words for every type, in the static assets as written in the code: a type without a page fails here", async () => {
    expect(Object.keys(PROBLEM_TEXTS).sort()).toEqual([...types].sort());
    for (const type of types) {
      const asset = await env.ASSETS.fetch(new URL(problemTextsAsset(type), "https://assets.test"));
      expect({ type, status: asset.status }).toEqual({ type, status: 200 });
      expect(await asset.json()).toEqual(PROBLEM_TEXTS[type]);
    }
  });

  it("give the words' files no address of their own: a file's name is no type", async () => {
    const response = await makeGateway().request(problemTextsAsset("unauthorized"), { as: null });
    expect(response.status).toBe(404);
    expect(((await response.json()) as Problem).type).toBe("/problems/not-found");
  });

  it("answer the 503 gateway-misconfigured problem, saying why, when the words cannot be read", async () => {
    const broken: [string, unknown][] = [
      ["the ASSETS binding is missing", undefined],
      ["HTTP 404", { fetch: async () => new Response("Not Found", { status: 404 }) }],
      ["not JSON", { fetch: async () => new Response("<html>", { status: 200 }) }],
      ["not the page's words", { fetch: async () => Response.json({ meaning: "only this" }) }],
      [
        "unreachable",
        {
          fetch: async () => {
            throw new Error("assets down");
          },
        },
      ],
    ];
    for (const [why, ASSETS] of broken) {
      const response = await makeGateway({ env: { ASSETS } }).request("/problems/unauthorized", {
        as: null,
        headers: { Accept: "text/html" },
      });
      expect({ why, status: response.status }).toEqual({ why, status: 503 });
      expect(response.headers.get("Content-Type")).toBe("application/problem+json");
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      const problem = (await response.json()) as Problem;
      expect(problem.type).toBe("/problems/gateway-misconfigured");
      expect(problem.detail).toContain(`/problems/unauthorized.json: ${why}`);
      expect(problem.detail).not.toContain("    at ");
    }
  });

  it("are listed in the OpenAPI document, every type by name", () => {
    const document = openApiDocument("0.0.0-test") as { paths: Record<string, { get?: { parameters: { schema: { enum: string[] } }[] } }> };
    expect(document.paths["/problems/{type}"]?.get?.parameters[0]?.schema.enum).toEqual(types);
  });
});

describe("a problem's line in Chinese", () => {
  const BAD = "/v1/kols/042/daily-fans?startDate=2026-03-01&endDate=2026-03-05";
  const INVALID_ZH = PROBLEM_TEXTS["invalid-request"].zh;
  const zhOf = async (path: string, headers: Record<string, string> = {}) =>
    ((await (await makeGateway().request(path, { headers })).json()) as Problem).zh;

  it.each([
    ["lang=zh-CN", `${BAD}&lang=zh-CN`, {}],
    ["lang=zh", `${BAD}&lang=zh`, {}],
    ["Accept-Language", BAD, { "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8" }],
  ])("is in problem+json when the request asks for Chinese (%s)", async (_, path, headers) => {
    expect(await zhOf(path, headers)).toBe(INVALID_ZH);
  });

  it.each([
    ["nothing", BAD, {}],
    ["English", `${BAD}&lang=en`, { "Accept-Language": "zh-CN" }],
  ])("is not there when the request asks for %s", async (_, path, headers) => {
    expect(await zhOf(path, headers)).toBeUndefined();
  });

  it("every type's line says what happened before its first '：', so a share link's viewer can be told only that", () => {
    for (const texts of Object.values(PROBLEM_TEXTS)) {
      const [what] = texts.zh.split("：");
      expect(what).not.toMatch(/运营方|npm run|wrangler/);
    }
  });
});
