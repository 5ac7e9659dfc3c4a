/**
 * @module The MCP server's tools (Model Context Protocol, stateless Streamable HTTP): a KOL's
 * daily followers over a range, as the normalized trend with its summary, or as CSV; the caller's
 * rosters compared; a roster saved; a roster's watch (the alerts of its daily digest); and the
 * price of any of those requests before it is made.
 *
 * Every tool call is a request to the gateway's own HTTP routes with the caller's key, so the MCP
 * server shares their validation, cache, rate limits, spend guard, ledgers and logs; it adds no
 * rule of its own. Inputs are checked with the very zod schemas the routes use; the rules that tie
 * the dates together are the routes' (a violation comes back as a tool error with the problem's
 * detail). Each result says where the answer came from (`Cache-Status`) and what it cost
 * (upstream calls, billed calls), as the routes' headers do, and each tool declares its result's
 * schema: the routes' own answer schemas.
 */
import * as z from "zod/mini";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { dateSchema, kolIdSchema } from "../schemas/request.ts";
import { MAX_ADHOC_KOLS, MAX_ROSTER_SIZE, rosterNameSchema } from "../schemas/rosters.ts";
import { MAX_RULES, MAX_TARGETS, watchSchemas, watchTestAnswerSchema } from "../schemas/watches.ts";
import { VERSION } from "../version.ts";
import { trendSchema } from "../schemas/trend.ts";
import { rosterListSchema, rosterSchema, rosterTrendsSchema, watchViewSchema } from "../schemas/roster-answers.ts";
import { quoteSchema } from "../schemas/quote.ts";
import { shareLinkListSchema, shareLinkSchema } from "../schemas/share-links.ts";

/** A request to one of the gateway's routes, with the caller's key: a GET unless `method` says
 * otherwise, with `body` sent as JSON. */
export type GatewayCall = (path: string, init?: { method?: "POST" | "PUT" | "DELETE"; body?: unknown }) => Promise<Response>;

const rangeInput = {
  kolId: kolIdSchema.check(z.describe("The creator's Xingtu id: 1 to 32 digits (the number in the creator's Xingtu page address).")),
  startDate: dateSchema.check(z.describe("The first day, yyyy-MM-dd (Asia/Shanghai).")),
  endDate: dateSchema.check(
    z.describe(
      "The last day, yyyy-MM-dd, included: not before startDate, not after today in Asia/Shanghai, at most 365 days after startDate.",
    ),
  ),
};

interface Range {
  kolId: string;
  startDate: string;
  endDate: string;
}

const trendPath = ({ kolId, startDate, endDate }: Range, format?: "csv") =>
  `/v1/kols/${encodeURIComponent(kolId)}/daily-fans?${new URLSearchParams({ startDate, endDate, ...(format ? { format } : {}) })}`;

/** What a result adds to the route's answer: where it came from and what it cost. */
const provenanceShape = {
  cacheStatus: z.nullable(z.string()).check(z.describe("RFC 9211 Cache-Status: a hit, or a miss that called the upstream.")),
  upstreamCalls: z.int().check(z.describe("Upstream calls this answer made (0 when cached).")),
  upstreamBilled: z.int().check(z.describe("Of those, the calls the upstream's maker bills.")),
};

/** What the answer cost and where it came from, from the route's headers. */
function provenance(response: Response) {
  return {
    cacheStatus: response.headers.get("Cache-Status"),
    upstreamCalls: Number(response.headers.get("Xingtu-Upstream-Calls") ?? 0),
    upstreamBilled: Number(response.headers.get("Xingtu-Upstream-Billed") ?? 0),
  };
}

/** A problem answer as a tool error: its detail, which names every broken rule, said once, and its type. */
async function toolError(response: Response): Promise<CallToolResult> {
  const problem = (await response.json().catch(() => ({}))) as { type?: string; detail?: string };
  const text = `${problem.detail ?? `The gateway answered HTTP ${response.status}.`} (${problem.type ?? `HTTP ${response.status}`})`;
  // No structured content: a tool's declared output schema describes its results, not its errors.
  return { isError: true, content: [{ type: "text", text }] };
}

/** A JSON answer as a tool result (and its cost, from the route's headers, when `cost`); a problem as a tool error. */
async function jsonResult(response: Response, cost: boolean): Promise<CallToolResult> {
  if (!response.ok) return toolError(response);
  const body = (await response.json()) as Record<string, unknown>;
  const result = cost ? { ...body, ...provenance(response) } : body;
  return { content: [{ type: "text", text: JSON.stringify(result) }], structuredContent: result };
}

export function createMcpServer(get: GatewayCall): McpServer {
  const server = new McpServer({ name: "xingtu-edge", version: VERSION });

  server.registerTool(
    "get_kol_daily_fans",
    {
      title: "A Douyin creator's daily followers",
      description:
        "A Douyin Xingtu creator's (KOL's) follower count for each day of a range, with each day's change and a summary (first, last, change, growth rate, best and worst day). Cached answers cost nothing; the result says what this one cost.",
      inputSchema: rangeInput,
      outputSchema: { ...trendSchema.shape, ...provenanceShape },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    async (range): Promise<CallToolResult> => jsonResult(await get(trendPath(range)), true),
  );

  server.registerTool(
    "get_kol_daily_fans_csv",
    {
      title: "A Douyin creator's daily followers, as CSV",
      description:
        "The same series as get_kol_daily_fans as CSV (date,fans,delta), for spreadsheets; with lang zh-CN its header row is Chinese (日期,粉丝数,日增).",
      inputSchema: {
        ...rangeInput,
        lang: z.optional(z.enum(["zh-CN", "en"]).check(z.describe("The header row's language (English unless asked)."))),
      },
      outputSchema: { csv: z.string().check(z.describe("date,fans,delta rows after a header row (RFC 4180).")), ...provenanceShape },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    async ({ lang, ...range }): Promise<CallToolResult> => {
      const response = await get(`${trendPath(range, "csv")}${lang ? `&lang=${lang}` : ""}`);
      if (!response.ok) return toolError(response);
      const csv = await response.text();
      return { content: [{ type: "text", text: csv }], structuredContent: { csv, ...provenance(response) } };
    },
  );

  const rosterName = rosterNameSchema.check(
    z.describe("The roster's name: 1 to 64 letters of any script (春季投放), digits, . _ or - (list_rosters lists the caller's)."),
  );
  const rosterPath = (name: string, rest = "") => `/v1/rosters/${encodeURIComponent(name)}${rest}`;

  server.registerTool(
    "list_rosters",
    {
      title: "The rosters this key keeps",
      description: "The names and sizes of the caller's rosters (named lists of creators), and how many it may keep.",
      inputSchema: {},
      outputSchema: rosterListSchema.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (): Promise<CallToolResult> => jsonResult(await get("/v1/rosters"), false),
  );

  const manyDescription =
    "Each creator's daily followers, summary and anomalous days (spikes and drops against its own normal), with rankings by change and by anomaly. A creator that cannot be answered is listed with its problem; `complete` says whether all were answered. Only creators missing from the cache cost upstream calls; the result says how many.";

  server.registerTool(
    "get_roster_daily_fans",
    {
      title: "A roster's creators, compared",
      description: `Every creator of one of the caller's rosters over a range. ${manyDescription}`,
      inputSchema: {
        name: rosterName,
        startDate: rangeInput.startDate,
        endDate: rangeInput.endDate,
      },
      outputSchema: { ...rosterTrendsSchema.shape, ...provenanceShape },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    async ({ name, startDate, endDate }): Promise<CallToolResult> =>
      jsonResult(await get(rosterPath(name, `/daily-fans?${new URLSearchParams({ startDate, endDate })}`)), true),
  );

  server.registerTool(
    "compare_kols_daily_fans",
    {
      title: "Several creators, compared",
      description: `Up to ${MAX_ADHOC_KOLS} creators over a range, without saving a roster. ${manyDescription}`,
      inputSchema: {
        kolIds: z.array(kolIdSchema).check(z.describe(`The creators' Xingtu ids, at most ${MAX_ADHOC_KOLS}, no repeats.`)),
        startDate: rangeInput.startDate,
        endDate: rangeInput.endDate,
      },
      outputSchema: { ...rosterTrendsSchema.shape, ...provenanceShape },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    async (input): Promise<CallToolResult> => jsonResult(await get("/v1/kols/daily-fans", { method: "POST", body: input }), true),
  );

  server.registerTool(
    "quote_daily_fans",
    {
      title: "What a request would cost, before it is made",
      description:
        "Spends nothing. Says how many paid upstream calls get_kol_daily_fans (give kolId), get_roster_daily_fans (give roster) or compare_kols_daily_fans (give kolIds) would make now for this range, the days they would bring, the amount at the operator's price (null if none is set), and whether the key's limit and the gateway's budget would admit them (`admitted`, `refusedBy`). Ask it before any request for many creators: cached creators cost nothing, each other creator one call.",
      inputSchema: {
        kolId: z.optional(rangeInput.kolId),
        kolIds: z.optional(z.array(kolIdSchema).check(z.describe(`Several creators' Xingtu ids, at most ${MAX_ADHOC_KOLS}, no repeats.`))),
        roster: z.optional(rosterName),
        startDate: rangeInput.startDate,
        endDate: rangeInput.endDate,
      },
      outputSchema: quoteSchema.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ kolId, kolIds, roster, startDate, endDate }): Promise<CallToolResult> => {
      const range = new URLSearchParams({ startDate, endDate });
      const given = [kolId, kolIds, roster].filter((value) => value !== undefined).length;
      if (given !== 1) {
        return {
          isError: true,
          content: [{ type: "text", text: "Give exactly one of kolId, kolIds or roster: what the request would ask for." }],
        };
      }
      if (kolId !== undefined) return jsonResult(await get(`/v1/kols/${encodeURIComponent(kolId)}/daily-fans/quote?${range}`), false);
      if (roster !== undefined) return jsonResult(await get(rosterPath(roster, `/daily-fans/quote?${range}`)), false);
      return jsonResult(await get("/v1/kols/daily-fans/quote", { method: "POST", body: { kolIds, startDate, endDate } }), false);
    },
  );

  server.registerTool(
    "save_roster",
    {
      title: "Save a roster",
      description: `Creates the caller's roster of this name, or replaces its creators: at most ${MAX_ROSTER_SIZE} Xingtu ids, no repeats, each with an optional label (the creator's name, shown in charts, CSVs and digests). Saving costs no upstream call.`,
      inputSchema: {
        name: rosterName,
        kolIds: z.array(kolIdSchema).check(z.describe(`The creators' Xingtu ids, at most ${MAX_ROSTER_SIZE}, no repeats.`)),
        labels: z.optional(z.record(kolIdSchema, z.string()).check(z.describe("Labels by creator id (any script, 1 to 40 characters)."))),
      },
      outputSchema: rosterSchema.shape,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ name, kolIds, labels }): Promise<CallToolResult> =>
      jsonResult(await get(rosterPath(name), { method: "PUT", body: { kolIds, labels } }), false),
  );

  server.registerTool(
    "create_share_link",
    {
      title: "Share a creator's or roster's trends as a link",
      description:
        "Makes a read-only link (no key needed to open it) to one creator's trend (kolId) or one of the caller's rosters (roster), over startDate..endDate or the `days` days ending yesterday (a rolling range). Its `urls` serve JSON, CSV (for Google Sheets' IMPORTDATA or Excel's Power Query; `excelCsv` for Excel), a roster's wide CSV and the SVG chart; `embed` is an `<img>` to paste. Opening it spends only within the caller's limits and never forces a refresh.",
      inputSchema: {
        kolId: z.optional(rangeInput.kolId),
        name: z.optional(z.string().check(z.describe("The creator's name, for the chart's title and the embed's text (with kolId only)."))),
        roster: z.optional(rosterName),
        startDate: z.optional(rangeInput.startDate),
        endDate: z.optional(rangeInput.endDate),
        days: z.optional(z.int().check(z.describe("A rolling range: the N days that end yesterday, instead of the two dates."))),
        lang: z.optional(
          z.enum(["zh-CN", "en"]).check(z.describe("The chart's and CSV headers' language; the viewer's browser chooses without it.")),
        ),
        expiresAt: z.optional(z.string().check(z.describe("RFC 3339; without it the link works until revoked."))),
        note: z.optional(z.string().check(z.describe("Where the link is used, for the caller's list."))),
      },
      outputSchema: shareLinkSchema().shape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (link): Promise<CallToolResult> => jsonResult(await get("/v1/share-links", { method: "POST", body: link }), false),
  );

  server.registerTool(
    "list_share_links",
    {
      title: "The caller's share links",
      description: "Every share link the caller made (working, revoked or expired), with its URLs and what it shows.",
      inputSchema: {},
      outputSchema: shareLinkListSchema().shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (): Promise<CallToolResult> => jsonResult(await get("/v1/share-links"), false),
  );

  server.registerTool(
    "revoke_share_link",
    {
      title: "Revoke a share link",
      description: "Stops one of the caller's share links from working (it then answers 410 Gone).",
      inputSchema: { id: z.string().check(z.describe("The link's id (list_share_links lists them).")) },
      outputSchema: { id: z.string(), revoked: z.literal(true) },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ id }): Promise<CallToolResult> => {
      const response = await get(`/v1/share-links/${encodeURIComponent(id)}`, { method: "DELETE" });
      if (!response.ok) return toolError(response);
      return { content: [{ type: "text", text: `The share link ${id} is revoked.` }], structuredContent: { id, revoked: true } };
    },
  );

  const { rules, targets, lang } = watchSchemas().body.shape;

  server.registerTool(
    "get_roster_watch",
    {
      title: "A roster's watch",
      description:
        "The rules that raise an alert on one of the caller's rosters and where its daily digest goes (secrets show as `set`, every target address as its origin only), and the last day a digest went out.",
      inputSchema: { name: rosterName },
      annotations: { readOnlyHint: true, openWorldHint: false },
      outputSchema: watchViewSchema.shape,
    },
    async ({ name }): Promise<CallToolResult> => jsonResult(await get(rosterPath(name, "/watch")), false),
  );

  server.registerTool(
    "set_roster_watch",
    {
      title: "Watch a roster",
      description:
        "Sets (or replaces) a roster's watch. Every day, once yesterday has settled, the gateway checks each creator of the roster " +
        "against the rules and sends one digest of the alerts to each target; a quiet day sends nothing. Rules: " +
        '`{"kind":"anomaly"}` (a day far from the creator\'s own normal change), `{"kind":"change","days":D,"above":N}` or ' +
        '`"abovePercent":P` (moved by more than N followers or P % over the last D days), `{"kind":"below","fans":N}`. ' +
        "Targets: `webhook` (a Standard Webhooks-signed POST to a host the operator allows), `feishu`, `dingtalk` (each with an " +
        "optional signing `secret`), `wecom`, `slack`: the bot's webhook address on its own service.",
      inputSchema: {
        name: rosterName,
        rules: rules.check(z.describe(`One to ${MAX_RULES} rules.`)),
        targets: targets.check(z.describe(`One to ${MAX_TARGETS} targets.`)),
        lang,
      },
      outputSchema: watchViewSchema.shape,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    },
    async ({ name, ...watch }): Promise<CallToolResult> =>
      jsonResult(await get(rosterPath(name, "/watch"), { method: "PUT", body: watch }), false),
  );

  server.registerTool(
    "test_roster_watch",
    {
      title: "Send a test digest",
      description:
        "Sends a sample digest, clearly marked as a test, to each target of a roster's watch now, and answers each target's result (its HTTP status and, for chat services, their own error code): check a new watch without waiting for tomorrow. Spends nothing.",
      inputSchema: { name: rosterName },
      outputSchema: watchTestAnswerSchema().shape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async ({ name }): Promise<CallToolResult> => jsonResult(await get(rosterPath(name, "/watch/test"), { method: "POST" }), false),
  );

  server.registerTool(
    "delete_roster_watch",
    {
      title: "Stop watching a roster",
      description: "Removes a roster's watch: no more digests. The roster itself stays.",
      inputSchema: { name: rosterName },
      outputSchema: { name: z.string(), watching: z.literal(false) },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    async ({ name }): Promise<CallToolResult> => {
      const response = await get(rosterPath(name, "/watch"), { method: "DELETE" });
      if (!response.ok) return toolError(response);
      return { content: [{ type: "text", text: `The watch on "${name}" is removed.` }], structuredContent: { name, watching: false } };
    },
  );

  return server;
}
