/**
 * The OpenAPI document as a client generator reads it: a server whose host is a variable that
 * defaults to the local run (so a generated client calls `npm start` as generated, and a deployment
 * by configuration, never by editing), an operationId for every method, and security schemes that are
 * the ways a client really authenticates (what /docs' "Authorize" offers).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../src/docs/openapi.ts";
import { curlRequest, examplesOf, fencedBlocks, runnable } from "../support/doc-examples.ts";

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
}
interface Document {
  servers: { url: string; variables?: Record<string, { default: string; enum?: string[] }> }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; in?: string; name?: string }> };
}

const document = openApiDocument("0.0.0-test") as unknown as Document;
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
);

/** The server URL with its variables' defaults, as a generated client starts with it. */
function defaultServer(): string {
  const [server] = document.servers;
  return server!.url.replace(/\{(\w+)\}/g, (_, name: string) => server!.variables![name]!.default);
}

describe("the OpenAPI document, for client generators", () => {
  it("has one server whose scheme and host are variables, defaulting to where npm start serves the gateway", () => {
    expect(document.servers).toHaveLength(1);
    expect(document.servers[0]!.url).toBe("{scheme}://{host}");
    expect(document.servers[0]!.variables!.scheme!.enum).toEqual(["http", "https"]);
    const port = /GATEWAY_PORT \?\? (\d+)/.exec(readFileSync("tools/local/start.ts", "utf8"))?.[1];
    expect(defaultServer()).toBe(`http://127.0.0.1:${port}`);
  });

  it("resolves the README's request to the very URL its curl sends, as generated", () => {
    const readme = readFileSync("README.md", "utf8");
    const [example] = fencedBlocks(readme)
      .filter(runnable)
      .flatMap((block) => examplesOf("README.md", block));
    const sent = curlRequest(example!.argv).url;
    const query = new URL(sent).searchParams;
    const get = document.paths["/v1/kols/{kolId}/daily-fans"]!.get!;
    expect(get.operationId).toBe("getDailyFans");
    const kolId = /\/v1\/kols\/(\d+)\//.exec(sent)![1]!;
    const generated = `${defaultServer()}/v1/kols/{kolId}/daily-fans`.replace("{kolId}", kolId);
    expect(`${generated}?${query}`).toBe(sent);
  });

  it("names every operation, uniquely, as a method name", () => {
    const ids = operations.map(({ operation }) => operation.operationId ?? "");
    expect(ids.filter((id) => !/^[a-z][A-Za-z0-9]*$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("offers in Authorize only the ways a client authenticates, each used by some route", () => {
    const schemes = Object.keys(document.components.securitySchemes).sort();
    expect(schemes).toEqual(["bearerKey", "keyQuery", "tokenQuery"]);
    const used = new Set(
      [...document.security, ...operations.flatMap(({ operation }) => operation.security ?? [])].flatMap((requirement) =>
        Object.keys(requirement),
      ),
    );
    expect(schemes.filter((scheme) => !used.has(scheme))).toEqual([]);
  });

  it("describes a webhook's signed request by its headers, on its route", () => {
    const post = document.paths["/v1/webhooks/daily-fans"]!.post!;
    expect(post.parameters!.filter((parameter) => parameter.in === "header").map((parameter) => parameter.name)).toEqual([
      "webhook-id",
      "webhook-timestamp",
      "webhook-signature",
      "X-Key-Name",
    ]);
  });
});
