/**
 * Problems explain themselves: every problem `type` URI the gateway sends opens a short page, HTML
 * for browsers (with a line of Simplified Chinese) and JSON otherwise, listed in the OpenAPI document.
 */
import { describe, expect, it } from "vitest";
import { PROBLEMS, type ProblemType } from "../../src/problem.ts";
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
      expect(page).toMatchObject({ type: `/problems/${type}`, title: PROBLEMS[type].title, status: PROBLEMS[type].status });
      // Each says something of its own: no page is another's, nor its title again.
      expect(page.meaning.length).toBeGreaterThan(20);
      expect(page.action.length).toBeGreaterThan(5);
      expect(page.meaning).not.toBe(page.title);
      expect(page.zh).toMatch(/[\u4e00-\u9fff]/);
    }
    const meanings = types.map((type) => PROBLEMS[type].meaning);
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
    expect(html).toContain(`<p lang="zh-CN">${PROBLEMS.unauthorized.zh}</p>`);
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

  it("are listed in the OpenAPI document, every type by name", () => {
    const document = openApiDocument("0.0.0-test") as { paths: Record<string, { get?: { parameters: { schema: { enum: string[] } }[] } }> };
    expect(document.paths["/problems/{type}"]?.get?.parameters[0]?.schema.enum).toEqual(types);
  });
});
