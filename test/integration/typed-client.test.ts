import { env } from "cloudflare:workers";
import { describe, expect, expectTypeOf, it } from "vitest";
import { createGatewayClient, type Trend } from "../../src/client.ts";
import { makeGateway, uniqueKol } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";

describe("the typed client (hono/client)", () => {
  it("calls the trend route with typed parameters and reads a typed body", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(env.KEYS);
    const client = createGatewayClient("https://gateway.test", key, {
      fetch: (input: RequestInfo | URL, init?: RequestInit) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        return gateway.request(`${url.pathname}${url.search}`, { ...init, as: undefined });
      },
    });
    const kolId = uniqueKol();
    const response = await client.v1.kols[":kolId"]["daily-fans"].$get({
      param: { kolId },
      query: { startDate: "2026-03-01", endDate: "2026-03-05" },
    });
    expect(response.status).toBe(200);
    if (response.status !== 200) return;
    const trend = await response.json();
    expectTypeOf(trend).toMatchTypeOf<Trend>();
    expect(trend.kolId).toBe(kolId);
    expect(trend.series).toHaveLength(5);
  });
});
