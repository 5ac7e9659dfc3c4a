/**
 * The remote MCP server, driven by the official MCP client: through the gateway's /mcp (handed to
 * the MCP Worker's `serve`, as the service binding's RPC does in production), which calls the
 * gateway's own routes back with the caller's key through the gateway's callback.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { serveMcp } from "../../src/mcp/worker.ts";
import { makeGateway, trendPath, uniqueKol } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import { TEST_UPSTREAM_TOKEN } from "../support/constants.ts";

const RANGE = { startDate: "2026-03-01", endDate: "2026-03-05" };

function mcpGateway() {
  // The gateway's MCP binding runs the MCP Worker's own `serve`.
  const gateway = makeGateway({ env: { MCP: { serve: serveMcp } } });

  async function connect(key: string | null): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(new URL("https://gateway.test/mcp"), {
      fetch: (url, init) => gateway.request(new URL(url).pathname, { ...init, as: null }),
      requestInit: { headers: key === null ? {} : { Authorization: `Bearer ${key}` } },
    });
    const client = new Client({ name: "xingtu-edge-test", version: "1.0.0" });
    await client.connect(transport);
    return client;
  }
  return { gateway, connect };
}

type TrendResult = {
  series: unknown[];
  summary: Record<string, unknown>;
  cacheStatus: string;
  upstreamCalls: number;
  upstreamBilled: number;
};

describe("the remote MCP server", () => {
  it("lists its tools to a client with a key", async () => {
    const { connect } = mcpGateway();
    const client = await connect((await createTestKey(env.KEYS)).key);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      "compare_kols_daily_fans",
      "create_share_link",
      "delete_roster_watch",
      "get_kol_daily_fans",
      "get_kol_daily_fans_csv",
      "get_roster_daily_fans",
      "get_roster_watch",
      "list_rosters",
      "list_share_links",
      "quote_daily_fans",
      "revoke_share_link",
      "save_roster",
      "set_roster_watch",
      "test_roster_watch",
    ]);
    expect(tools.find((tool) => tool.name === "get_kol_daily_fans")!.inputSchema.required).toEqual(["kolId", "startDate", "endDate"]);
    // Every tool declares what its result holds (and the official client checks each result against it).
    expect(tools.filter((tool) => tool.outputSchema?.type !== "object").map((tool) => tool.name)).toEqual([]);
    const trend = tools.find((tool) => tool.name === "get_kol_daily_fans")!.outputSchema!;
    expect(Object.keys(trend.properties ?? {})).toEqual(expect.arrayContaining(["series", "summary", "cacheStatus", "upstreamCalls"]));
  });

  it("answers the trend with its summary, cache status and cost, through the routes' cache", async () => {
    const { gateway, connect } = mcpGateway();
    const client = await connect((await createTestKey(env.KEYS)).key);
    const kolId = uniqueKol();
    const first = await client.callTool({ name: "get_kol_daily_fans", arguments: { kolId, ...RANGE } });
    const trend = first.structuredContent as TrendResult;
    expect(trend.series).toHaveLength(5);
    expect(trend.summary).toHaveProperty("change");
    expect(trend).toMatchObject({ upstreamCalls: 1, upstreamBilled: 1 });
    expect(trend.cacheStatus).toMatch(/fwd=miss/);
    const again = (await client.callTool({ name: "get_kol_daily_fans", arguments: { kolId, ...RANGE } })).structuredContent as TrendResult;
    expect(again).toMatchObject({ upstreamCalls: 0 });
    expect(again.cacheStatus).toMatch(/; hit;/);
    expect((await gateway.request(trendPath(kolId, RANGE.startDate, RANGE.endDate))).headers.get("Cache-Status")).toMatch(/; hit;/);
    expect(gateway.upstreamFetches).toBe(1);
    expect(JSON.stringify([first, again])).not.toContain(TEST_UPSTREAM_TOKEN);
  });

  it("answers CSV for spreadsheets", async () => {
    const { connect } = mcpGateway();
    const client = await connect((await createTestKey(env.KEYS)).key);
    const result = await client.callTool({ name: "get_kol_daily_fans_csv", arguments: { kolId: uniqueKol(), ...RANGE } });
    const { csv } = result.structuredContent as { csv: string };
    expect(csv.split("\r\n")[0]).toBe("date,fans,delta");
    expect(csv.trim().split("\r\n")).toHaveLength(6);
    const chinese = await client.callTool({ name: "get_kol_daily_fans_csv", arguments: { kolId: uniqueKol(), ...RANGE, lang: "zh-CN" } });
    expect((chinese.structuredContent as { csv: string }).csv.split("\r\n")[0]).toBe("日期,粉丝数,日增");
  });

  it("refuses an input the routes' schema refuses, as a tool error, without calling the upstream", async () => {
    const { gateway, connect } = mcpGateway();
    const client = await connect((await createTestKey(env.KEYS)).key);
    const result = await client.callTool({ name: "get_kol_daily_fans", arguments: { kolId: "not-digits", ...RANGE } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content).split("must be 1 to 32 ASCII digits")).toHaveLength(2);
    expect(gateway.upstreamFetches).toBe(0);
  });

  it("reports a broken range rule with the problem's detail, naming the field", async () => {
    const { gateway, connect } = mcpGateway();
    const client = await connect((await createTestKey(env.KEYS)).key);
    const result = await client.callTool({
      name: "get_kol_daily_fans",
      arguments: { kolId: uniqueKol(), startDate: "2026-03-05", endDate: "2026-03-01" },
    });
    expect(result.isError).toBe(true);
    // The rule, said once (the problem's detail names every broken rule already), and the problem's type.
    expect(JSON.stringify(result.content).split("startDate must not be after endDate")).toHaveLength(2);
    expect(JSON.stringify(result.content)).toContain("(/problems/invalid-request)");
    expect(gateway.upstreamFetches).toBe(0);
  });

  it("answers a bad key with the gateway's own 401 problem, as this route's", async () => {
    const { gateway } = mcpGateway();
    const response = await gateway.request("/mcp", {
      method: "POST",
      as: "xte_not-a-key",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect(await response.json()).toMatchObject({ type: "/problems/unauthorized", instance: "/mcp" });
  });

  it("refuses a client without a valid key with the gateway's 401", async () => {
    const { connect } = mcpGateway();
    let failure: unknown;
    try {
      await connect("xte_not-a-key");
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).toMatch(/401/);
  });

  it("lists the key's rosters and compares a roster's creators, with what it cost", async () => {
    const { gateway, connect } = mcpGateway();
    const { key } = await createTestKey(env.KEYS);
    const kolIds = [uniqueKol(), uniqueKol()];
    const put = { method: "PUT", body: JSON.stringify({ kolIds }), headers: { "Content-Type": "application/json" }, as: key };
    expect((await gateway.request("/v1/rosters/agents", put)).status).toBe(201);
    const client = await connect(key);
    const listed = (await client.callTool({ name: "list_rosters", arguments: {} })).structuredContent as { rosters: { name: string }[] };
    expect(listed.rosters.map((roster) => roster.name)).toEqual(["agents"]);
    const compared = (await client.callTool({ name: "get_roster_daily_fans", arguments: { name: "agents", ...RANGE } }))
      .structuredContent as { complete: boolean; members: { kolId: string }[]; upstreamCalls: number };
    expect(compared).toMatchObject({ complete: true, upstreamCalls: 2 });
    expect(compared.members.map((member) => member.kolId)).toEqual(kolIds);
  });

  it("compares creators without a roster, and turns a refusal into a tool error naming the rule", async () => {
    const { connect } = mcpGateway();
    const client = await connect((await createTestKey(env.KEYS)).key);
    const kolId = uniqueKol();
    const compared = (await client.callTool({ name: "compare_kols_daily_fans", arguments: { kolIds: [kolId], ...RANGE } }))
      .structuredContent as { answered: number };
    expect(compared.answered).toBe(1);
    const refused = await client.callTool({ name: "compare_kols_daily_fans", arguments: { kolIds: [kolId, kolId], ...RANGE } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain("kolIds must not list a creator twice");
  });

  it("quotes a roster before it is asked, spending nothing, and the roster then costs what was quoted", async () => {
    const { gateway, connect } = mcpGateway();
    const { key } = await createTestKey(env.KEYS);
    const client = await connect(key);
    const kolIds = [uniqueKol(), uniqueKol(), uniqueKol()];
    await client.callTool({ name: "get_kol_daily_fans", arguments: { kolId: kolIds[0], ...RANGE } });
    await client.callTool({ name: "save_roster", arguments: { name: "campaign", kolIds } });
    const quote = (await client.callTool({ name: "quote_daily_fans", arguments: { roster: "campaign", ...RANGE } })).structuredContent as {
      calls: number;
      admitted: boolean;
    };
    expect(quote).toMatchObject({ calls: 2, admitted: true });
    expect(gateway.upstreamFetches).toBe(1);
    const compared = (await client.callTool({ name: "get_roster_daily_fans", arguments: { name: "campaign", ...RANGE } }))
      .structuredContent as { upstreamCalls: number };
    expect(compared.upstreamCalls).toBe(quote.calls);
    const both = await client.callTool({ name: "quote_daily_fans", arguments: { roster: "campaign", kolId: kolIds[0], ...RANGE } });
    expect(both.isError).toBe(true);
    expect(JSON.stringify(both.content)).toContain("exactly one of kolId, kolIds or roster");
  });

  it("saves a roster, then sets, reads and removes its watch, never showing a secret", async () => {
    const { connect } = mcpGateway();
    const client = await connect((await createTestKey(env.KEYS)).key);
    const kolIds = [uniqueKol(), uniqueKol()];
    const saved = await client.callTool({ name: "save_roster", arguments: { name: "watched", kolIds } });
    expect(saved.structuredContent).toMatchObject({ name: "watched", kolIds });

    const hook = "https://open.feishu.cn/open-apis/bot/v2/hook/0b1c2d3e";
    const watch = {
      name: "watched",
      rules: [{ kind: "anomaly" }, { kind: "change", days: 7, abovePercent: 5 }],
      targets: [{ type: "feishu", url: hook, secret: "feishu-signing-secret" }],
    };
    const set = await client.callTool({ name: "set_roster_watch", arguments: watch });
    const expected = {
      rules: watch.rules,
      targets: [{ type: "feishu", url: "https://open.feishu.cn", secret: "set" }],
      lastDigest: null,
      lang: "zh-CN",
    };
    expect(set.structuredContent).toEqual(expected);
    const read = await client.callTool({ name: "get_roster_watch", arguments: { name: "watched" } });
    expect(read.structuredContent).toEqual(expected);
    expect(JSON.stringify([set, read])).not.toMatch(/feishu-signing-secret|0b1c2d3e/);

    const removed = await client.callTool({ name: "delete_roster_watch", arguments: { name: "watched" } });
    expect(removed.structuredContent).toEqual({ name: "watched", watching: false });
    const gone = await client.callTool({ name: "get_roster_watch", arguments: { name: "watched" } });
    expect(gone.isError).toBe(true);
    expect(gone.structuredContent).toBeUndefined();
    expect(JSON.stringify(gone.content)).toContain("is not watched");
    expect(JSON.stringify(gone.content)).toContain("(/problems/watch-not-found)");
  });

  it("refuses a watch whose target is not its chat service's own address, naming the field", async () => {
    const { connect } = mcpGateway();
    const client = await connect((await createTestKey(env.KEYS)).key);
    await client.callTool({ name: "save_roster", arguments: { name: "elsewhere", kolIds: [uniqueKol()] } });
    const refused = await client.callTool({
      name: "set_roster_watch",
      arguments: { name: "elsewhere", rules: [{ kind: "anomaly" }], targets: [{ type: "slack", url: "https://attacker.example/hook" }] },
    });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain("must be an https URL on hooks.slack.com at targets[0].url");
  });

  it("lets an agent save a labelled roster and share its chart as a link that opens with no key", async () => {
    const { gateway, connect } = mcpGateway();
    const client = await connect((await createTestKey(env.KEYS)).key);
    const kolId = uniqueKol();
    const saved = await client.callTool({ name: "save_roster", arguments: { name: "春季", kolIds: [kolId], labels: { [kolId]: "小王" } } });
    expect(saved.structuredContent).toMatchObject({ name: "春季", labels: { [kolId]: "小王" } });
    const shared = await client.callTool({ name: "create_share_link", arguments: { roster: "春季", days: 7, lang: "zh-CN" } });
    const link = shared.structuredContent as { id: string; urls: { svg: string } };
    const chart = await gateway.request(new URL(link.urls.svg).pathname, { as: null });
    expect(chart.status).toBe(200);
    expect(await chart.text()).toContain("小王");
    const listed = await client.callTool({ name: "list_share_links", arguments: {} });
    expect((listed.structuredContent as { links: { id: string }[] }).links.map((each) => each.id)).toEqual([link.id]);
    await client.callTool({ name: "revoke_share_link", arguments: { id: link.id } });
    expect((await gateway.request(new URL(link.urls.svg).pathname, { as: null })).status).toBe(410);
  });
});
