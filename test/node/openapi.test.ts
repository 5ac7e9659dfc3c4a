import { describe, expect, it } from "vitest";
import { Validator } from "@seriousme/openapi-schema-validator";
import { openApiDocument } from "../../src/docs/openapi.ts";
import { createApp } from "../../src/app.ts";
import { platformRuntime } from "../../src/runtime.ts";

const document = openApiDocument("0.0.0-test") as { paths: Record<string, Record<string, unknown>>; openapi: string };

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe("3.1.0");
  });

  it("describes every route the app serves", () => {
    const app = createApp(platformRuntime());
    const served = new Set(
      app.routes
        .filter((route) => route.method !== "ALL")
        .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`),
    );
    // /openapi.json itself is a static asset (tools/build/openapi.ts), served before the app runs.
    const documented = new Set(
      Object.entries(document.paths)
        .filter(([path]) => path !== "/openapi.json")
        .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`)),
    );
    expect([...served].sort()).toEqual([...documented].sort());
  });

  it("takes its parameter rules from the validating schemas", () => {
    const get = document.paths["/v1/kols/{kolId}/daily-fans"]!.get as {
      parameters: { name: string; schema: { pattern?: string; format?: string } }[];
    };
    expect(get.parameters.find((p) => p.name === "kolId")!.schema.pattern).toBe("^[1-9][0-9]{0,31}$");
    expect(get.parameters.find((p) => p.name === "startDate")!.schema.format).toBe("date");
  });

  it("gives every required parameter of the trend routes an example, which /docs' Try it out fills in", () => {
    for (const path of ["/v1/kols/{kolId}/daily-fans", "/v1/kols/{kolId}/daily-fans.svg"]) {
      const get = document.paths[path]!.get as { parameters: { name: string; required?: boolean; example?: unknown }[] };
      const bare = get.parameters.filter((p) => p.required && p.example === undefined).map((p) => p.name);
      expect({ path, bare }).toEqual({ path, bare: [] });
    }
  });

  it("gives every operation a summary and a description", () => {
    const bare = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations as Record<string, { summary?: string; description?: string }>)
        .filter(([, operation]) => !operation.summary || !operation.description)
        .map(([method]) => `${method} ${path}`),
    );
    expect(bare).toEqual([]);
  });
});
