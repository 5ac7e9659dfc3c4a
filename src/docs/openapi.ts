/**
 * @module The OpenAPI 3.1 document, generated from the very zod schemas that validate requests
 * and type responses (no second copy of any schema). It is built before the Worker runs
 * (tools/build/openapi.ts, on install and on every `wrangler dev` and `deploy`) and served as a
 * static asset at `/openapi.json`, so the Worker's bundle carries neither this module nor zod's
 * JSON Schema generator.
 */
import * as z from "zod";
import { PROBLEMS, type ProblemType } from "../problem.ts";
import { problemPageSchema, problemSchema } from "../schemas/problem.ts";
import {
  acceptCacheSchema,
  bomSchema,
  chartKeySchema,
  chartWidthSchema,
  chartNameSchema,
  dateSchema,
  formatSchema,
  kolIdSchema,
  webhookBodySchema,
} from "../schemas/request.ts";
import { langSchema } from "../render/language.ts";
import { trendSchema } from "../schemas/trend.ts";
import { upstreamDataSchema } from "../upstream/schema.ts";
import { deliveryAcceptedSchema, deliveryStatusSchema } from "../schemas/deliveries.ts";
import { healthSchema, keyInfoSchema, spendGuardSchema, usageSchema } from "../schemas/operations.ts";
import { quoteSchema } from "../schemas/quote.ts";
import {
  adhocBodySchema,
  compareModeSchema,
  MAX_ADHOC_KOLS,
  MAX_ROSTER_SIZE,
  MAX_ROSTERS,
  rosterKolsBodySchema,
  rosterRenameSchema,
  fieldsSchema,
  rosterFormatSchema,
  rosterNameSchema,
} from "../schemas/rosters.ts";
import { rosterListSchema, rosterSchema, rosterTrendsSchema, watchViewSchema } from "../schemas/roster-answers.ts";
import { SEED_DEPRECATED_AT, SEED_PATH, SUCCESSOR_PATH } from "../upstream/request.ts";
import { MAX_COMPARED } from "../render/compare.ts";
import { watchSchemas, watchTestAnswerSchema } from "../schemas/watches.ts";
import { shareLinkBodySchema, shareLinkListSchema, shareLinkSchema } from "../schemas/share-links.ts";
import { MAX_LINKS } from "../share/links.ts";
import { keySchemas } from "../schemas/keys.ts";

type Json = Record<string, unknown>;

/** Where `npm start` serves the gateway (tools/local/start.ts): the servers' default. */
export const LOCAL_ORIGIN = { scheme: "http", host: "127.0.0.1:8787" } as const;

const schema = (zod: z.core.$ZodType, io: "input" | "output" = "output"): Json => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(zod, { io, unrepresentable: "any" }) as Json;
  return rest;
};

/** A body schema that also takes `days` (a rolling range) in place of its dates (schemas/request.ts `rollingDays`). */
function withRollingDays(body: Json): Json {
  const required = (body.required as string[]).filter((field) => field !== "startDate" && field !== "endDate");
  const days = {
    type: "integer",
    minimum: 1,
    description: "A rolling range instead of startDate and endDate: the N days that end yesterday (Asia/Shanghai), the last settled day.",
  };
  return { ...body, required, properties: { ...(body.properties as Json), days } };
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const header = (name: string) => ({ $ref: `#/components/headers/${name}` });

function parameter(name: string, where: "path" | "query", zod: z.core.$ZodType, required: boolean, description?: string): Json {
  const parameterSchema = schema(zod, "input");
  const examples = parameterSchema.examples;
  return {
    name,
    in: where,
    required,
    schema: parameterSchema,
    description: description ?? (z.globalRegistry.get(zod)?.description as string | undefined) ?? undefined,
    // The parameter's own example is what /docs' "Try it out" fills in (it does not read the schema's).
    ...(Array.isArray(examples) && examples.length > 0 ? { example: examples[0] } : {}),
  };
}

/** The rules that tie the two dates together, which JSON Schema cannot state: every request is held to them (400 otherwise). */
const RANGE_RULES =
  "Range rules (Asia/Shanghai days, checked together, each a 400 `invalid-request` naming the field and the rule): " +
  "startDate <= endDate (`date_order`); endDate not after today in Asia/Shanghai (`not_in_future`); " +
  "at most MAX_RANGE_DAYS days from startDate to endDate inclusive (`max_range`; 365 unless the operator set another); " +
  "startDate not before MIN_DATE (`min_date`; 2018-01-01 unless the operator set another).";

function problems(...types: ProblemType[]): Json {
  const byStatus = new Map<number, ProblemType[]>();
  for (const type of types) byStatus.set(PROBLEMS[type].status, [...(byStatus.get(PROBLEMS[type].status) ?? []), type]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list.map((type) => `\`/problems/${type}\`: ${PROBLEMS[type].title}`).join("; "),
        headers: {
          "X-Request-Id": header("X-Request-Id"),
          ...(status === 401 ? { "WWW-Authenticate": header("WWW-Authenticate") } : {}),
          ...(status === 405 ? { Allow: header("Allow") } : {}),
          ...(status === 429 || status === 503 ? { "Retry-After": header("Retry-After") } : {}),
        },
        content: { "application/problem+json": { schema: ref("Problem") } },
      },
    ]),
  );
}

const AUTH_PROBLEMS: ProblemType[] = ["unauthorized", "rate-limited", "gateway-misconfigured", "method-not-allowed", "uri-too-long"];
const UPSTREAM_PROBLEMS: ProblemType[] = [
  "upstream-invalid-parameters",
  "upstream-token-invalid",
  "upstream-permission-denied",
  "upstream-insufficient-balance",
  "upstream-spending-cap-reached",
  "upstream-api-invalid",
  "upstream-item-not-supported",
  "upstream-not-found",
  "upstream-unavailable",
  "upstream-no-data",
  "key-spend-limit",
  "ledger-unavailable",
  "upstream-collection-failed",
  "upstream-rate-limited",
  "upstream-quota-exceeded",
  "spend-guard-open",
  "upstream-internal-error",
  "upstream-unknown-code",
  "upstream-invalid-response",
  "upstream-http-error",
  "upstream-unreachable",
  "upstream-timeout",
];

const cachedHeaders = {
  "Cache-Status": header("Cache-Status"),
  Age: header("Age"),
  ETag: header("ETag"),
  "Cache-Control": header("Cache-Control"),
  "X-Request-Id": header("X-Request-Id"),
  "Xingtu-Upstream-Calls": header("Xingtu-Upstream-Calls"),
  "Xingtu-Upstream-Billed": header("Xingtu-Upstream-Billed"),
  "Xingtu-Upstream-Request-Id": header("Xingtu-Upstream-Request-Id"),
  "Xingtu-Upstream-Cost": header("Xingtu-Upstream-Cost"),
  "RateLimit-Policy": header("RateLimit-Policy"),
  RateLimit: header("RateLimit"),
};

const rosterName = parameter("name", "path", rosterNameSchema, true);

const QUOTE_DESCRIPTION =
  "Spends nothing and counts as no data request. Each creator is quoted as its request would go: a stored answer for the range or the KOL's stored days cost nothing; else one upstream call, widened over the KOL's unstored days up to today (UPSTREAM_FETCH_DAYS, no wider than the account's known range limit). A stale stored answer (within the stale-while-revalidate grace) is quoted free, as it costs the request nothing; the gateway refreshes it in the background on its own account. `Xingtu-Refresh` is priced as the trend would grant it. " +
  "The request then spends what was quoted, unless the creators' stored days change meanwhile (another request, a day rolling over). `price` is null unless the operator set UPSTREAM_PRICE_PER_CALL. " +
  "`admitted: false` says what would stop the calls now: the spend guard, the account's daily budget, or the key's daily limit (each upstream call also weighs one request against the key's rate limit).";

/** A `/quote` twin of a route that may spend. */
function quoteOperation(operation: {
  operationId: string;
  summary: string;
  parameters?: Json[];
  requestBody?: Json;
  problems?: ProblemType[];
}): Json {
  const { problems: own = [], ...rest } = operation;
  return {
    tags: ["cost"],
    description: QUOTE_DESCRIPTION,
    ...rest,
    responses: {
      "200": { description: "The quote.", content: { "application/json": { schema: ref("Quote") } } },
      ...problems("invalid-request", ...own, ...AUTH_PROBLEMS, "ledger-unavailable"),
    },
  };
}

const WATCH_DESCRIPTION =
  "Once a Shanghai day, at WATCH_HOUR (10:00 unless the operator set another, once yesterday has settled), the roster's creators are read as a roster request would (same cache, spend guard and key limits) and the rules applied to yesterday: `anomaly` (a spike or drop, as the roster answer flags), `change` (at least `above` followers or `abovePercent` % over `days` days), `below` (fewer than `fans`). " +
  "When any is met, one digest goes to each target, once per day: `webhook` (Standard Webhooks, signed with the key's secret; the host must be in CALLBACK_HOSTS), `feishu`, `dingtalk` (each with its optional signing secret), `wecom`, `slack` (their own bot message formats, to their own hosts only), spaced to each service's rate limit and retried through the queue. " +
  "`lang` chooses the digest's language: `zh-CN` (the default) or `en`; a labelled creator reads `label (kolId)`.";

const ROSTER_TRENDS =
  "Each creator is answered as its own trend request would be (same cache, stored days, coordinator, spend guard and key limits; only missing creators cost upstream calls). " +
  "A creator that cannot be answered is listed with its problem beside the rest (`complete: false`, `Xingtu-Roster-Failed`). " +
  "Each answered series carries its anomalous days (modified z-score of the daily change against the creator's own median and MAD, at or past ANOMALY_THRESHOLD: `spike` or `drop`); `rankings` orders creators by change and by anomaly. " +
  "`format=csv` (or `Accept: text/csv`): long CSV, `kolId,date,fans,delta,label`; `format=csv-wide`: a row per date, a column per creator headed by its label.";

interface RosterOperation {
  operationId: string;
  summary: string;
  description: string;
  /** Path parameters after the roster's name. */
  parameters?: Json[];
  /** The request body's component, for PUT and POST. */
  body?: string;
  answers: Json;
  /** The route's own problems, besides those every roster route may give. */
  problems: ProblemType[];
}

/** An operation on one roster: its name in the path, the key and the roster book's problems. */
function rosterOperation(operation: RosterOperation): Json {
  const { body, answers, problems: own, parameters = [], ...named } = operation;
  const bodyProblems: ProblemType[] = body ? ["payload-too-large", "unsupported-media-type"] : [];
  return {
    tags: ["rosters"],
    ...named,
    parameters: [rosterName, ...parameters],
    ...(body ? { requestBody: { required: true, content: { "application/json": { schema: ref(body) } } } } : {}),
    responses: { ...answers, ...problems("invalid-request", ...own, ...bodyProblems, ...AUTH_PROBLEMS, "ledger-unavailable") },
  };
}

function rosterTrendsResponses(...more: ProblemType[]): Json {
  return {
    "200": {
      description: "Every creator's answer or problem.",
      headers: {
        "Xingtu-Roster-Failed": header("Xingtu-Roster-Failed"),
        "Xingtu-Upstream-Calls": header("Xingtu-Upstream-Calls"),
        "Xingtu-Upstream-Billed": header("Xingtu-Upstream-Billed"),
      },
      content: {
        "application/json": { schema: ref("RosterTrends") },
        "text/csv": {
          schema: {
            type: "string",
            description:
              "Long (`format=csv`): kolId,date,fans,delta,label; wide (`format=csv-wide`): date, then a column per creator headed by its label. Headers in the answer's language.",
          },
        },
      },
    },
    ...problems("invalid-request", ...more, ...AUTH_PROBLEMS, "ledger-unavailable"),
  };
}

const rangeQuery = [
  parameter("startDate", "query", dateSchema, true, `The first day, yyyy-MM-dd. ${RANGE_RULES}`),
  parameter("endDate", "query", dateSchema, true, `The last day, yyyy-MM-dd, included. ${RANGE_RULES}`),
  parameter("acceptCache", "query", acceptCacheSchema.def.innerType, false),
];

/** The gateway's own routes take a rolling `days=N` instead of the two dates (schemas/request.ts `rollingDays`). */
const rollingRangeQuery = [
  parameter("startDate", "query", dateSchema, false, `The first day, yyyy-MM-dd; required unless \`days\` is sent. ${RANGE_RULES}`),
  parameter("endDate", "query", dateSchema, false, `The last day, yyyy-MM-dd, included; required unless \`days\` is sent. ${RANGE_RULES}`),
  {
    name: "days",
    in: "query",
    required: false,
    schema: { type: "integer", minimum: 1 },
    description:
      "A rolling range instead of startDate and endDate, e.g. 30: the N days that end yesterday (Asia/Shanghai: the last settled day), so an embedded chart or a spreadsheet's link keeps showing the last N days. At most MAX_RANGE_DAYS (365 by default) (`days`); refused beside startDate or endDate (`days_or_dates`).",
    // No example: /docs' "Try it out" would send it beside the dates' own.
  },
  parameter("acceptCache", "query", acceptCacheSchema.def.innerType, false),
];

/** The words' language (charts, CSV headers): `lang`, else Accept-Language, else English. */
const langParameter = parameter("lang", "query", langSchema.def.innerType, false);
const bomParameter = parameter("bom", "query", bomSchema.def.innerType, false);
const widthParameter = parameter("width", "query", chartWidthSchema.def.innerType, false);

/** The only way a client asks the gateway to buy data it already has (lookup/refresh.ts). */
const refreshParameter: Json = {
  name: "Xingtu-Refresh",
  in: "header",
  required: false,
  description:
    "Asks for an explicit, paid refresh (keys with the `refresh` permission): `live` buys again the range's days Douyin may still revise (the last two), `settled` the whole range, settled days included. No day is bought again on request within `REFRESH_INTERVAL_SECONDS` (600 s) of the refresh that bought it, whichever key or range asks. No browser, proxy or spreadsheet sends this header on its own: `Cache-Control: no-cache` or `max-age=0` (a reload) never spends anything. The answer's own `Xingtu-Refresh` says what happened.",
  schema: { type: "string", enum: ["live", "settled"] },
};

/** A signed request's headers (Standard Webhooks), the alternative to a key on the webhook route. */
const STANDARD_WEBHOOKS_HEADERS: Json[] = [
  ["webhook-id", "The message's id, new for each request; each is accepted once."],
  ["webhook-timestamp", "Unix seconds, within 5 minutes of the gateway's clock either way."],
  [
    "webhook-signature",
    '`v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<raw body>">` with the key\'s `whsec_` secret (`npm run key -- secret NAME`).',
  ],
  ["X-Key-Name", "The name of the key whose webhook secret signed the request."],
].map(([name, description]) => ({
  name,
  in: "header",
  required: false,
  description: `Standard Webhooks, instead of a key: ${description}`,
  schema: { type: "string" },
}));

/** A drop-in twin of one of the upstream's paths: its parameters and its own body shape. */
function dropIn(operation: { operationId: string; summary: string; description: string; idParameter: "kolId" | "oAuthorId" }): Json {
  const { idParameter, ...rest } = operation;
  return {
    tags: ["trends"],
    ...rest,
    security: [{ bearerKey: [] }, { tokenQuery: [] }],
    parameters: [parameter(idParameter, "query", kolIdSchema, true), ...rangeQuery, refreshParameter],
    responses: {
      "200": {
        description: "The upstream's body, strings as the upstream sends them (code 0), or its own 'no data' body (code 201).",
        headers: cachedHeaders,
        content: { "application/json": { schema: ref("UpstreamBody") } },
      },
      "304": { description: "Not modified.", headers: cachedHeaders },
      ...problems("invalid-request", ...AUTH_PROBLEMS, ...UPSTREAM_PROBLEMS),
    },
  };
}

/** The document for the gateway at `version` (package.json's). */
export function openApiDocument(version: string): Json {
  return {
    openapi: "3.1.0",
    info: {
      title: "Xingtu Edge",
      version,
      description:
        "Douyin Xingtu KOL daily follower trends (Just One API's KOL Follower Trend V1), validated, cached and normalized at the edge. Every error is application/problem+json (RFC 9457).",
      // Whoever deploys the gateway answers for it; the document names the project and its terms.
      contact: { name: "Xingtu Edge (the operator of this deployment)" },
      license: { name: "Proprietary (package.json: UNLICENSED)", identifier: "LicenseRef-Proprietary" },
    },
    // One server with the deployment's address as variables, defaulting to the local run, so a
    // generated client works as generated (its configuration sets `host` for a deployment); the
    // /docs page puts its own origin in them (src/docs/init.js).
    servers: [
      {
        url: "{scheme}://{host}",
        description: "A Xingtu Edge gateway: the local run (`npm start`) unless `host` names a deployment.",
        variables: {
          scheme: { enum: ["http", "https"], default: LOCAL_ORIGIN.scheme, description: "`https` for a deployment." },
          host: {
            default: LOCAL_ORIGIN.host,
            description: "The gateway's host (and port), e.g. `api.example.com` or `xingtu-edge.<subdomain>.workers.dev`.",
          },
        },
      },
    ],
    security: [{ bearerKey: [] }],
    tags: [
      {
        name: "trends",
        description:
          "A KOL's daily follower counts over a range: normalized JSON, CSV, an SVG chart, and drop-in twins of the upstream's paths.",
      },
      {
        name: "webhooks",
        description: "The same answers for automation tools: at once, or delivered to a callback signed by Standard Webhooks.",
      },
      {
        name: "rosters",
        description: `A key's named rosters of creators (up to ${MAX_ROSTERS}, ${MAX_ROSTER_SIZE} creators each), and many creators' trends in one answer, with their anomalous days.`,
      },
      {
        name: "sharing",
        description:
          "Read-only links to one creator's or roster's trends, for spreadsheets (IMPORTDATA, Power Query), `<img>` embeds and chat apps, which cannot send a header: they spend only within their owner key's limits and count there.",
      },
      { name: "mcp", description: "A remote MCP server for AI agents (Claude, Cursor, VS Code, any MCP client)." },
      {
        name: "cost",
        description:
          "The price first: what a request would spend now (upstream calls, the days they ask for, the amount at the operator's price), asked before it is made and spending nothing.",
      },
      { name: "operations", description: "Health, the calling key and its usage, the spend guard and this document." },
    ],
    paths: {
      "/v1/kols/{kolId}/daily-fans": {
        get: {
          tags: ["trends"],
          operationId: "getDailyFans",
          summary: "A KOL's daily followers over a range, normalized and summarised",
          description: "Send `Xingtu-Refresh: live` (or `settled`) for an explicit, paid refresh (keys with the `refresh` permission).",
          parameters: [
            parameter("kolId", "path", kolIdSchema, true),
            ...rollingRangeQuery,
            parameter("format", "query", formatSchema.def.innerType, false),
            langParameter,
            bomParameter,
            refreshParameter,
          ],
          responses: {
            "200": {
              description:
                "The trend, as JSON or as CSV (`date,fans,delta`, or in Chinese `日期,粉丝数,日增`; RFC 4180, with a download filename).",
              headers: { ...cachedHeaders, "Xingtu-Refresh": header("Xingtu-Refresh") },
              content: { "application/json": { schema: ref("Trend") }, "text/csv": { schema: { type: "string" } } },
            },
            "304": { description: "Not modified (If-None-Match matched the ETag).", headers: cachedHeaders },
            ...problems("invalid-request", ...AUTH_PROBLEMS, ...UPSTREAM_PROBLEMS),
          },
        },
      },
      "/v1/kols/{kolId}/daily-fans.svg": {
        get: {
          tags: ["trends"],
          operationId: "getDailyFansChart",
          summary: "A line chart of the followers over the range, for `<img>` embeds",
          description:
            "An accessible SVG line chart (with a title and a text description) of the same trend, through the same cache. The key may travel as `key=` for `<img>` embeds that cannot send headers.",
          security: [{ bearerKey: [] }, { keyQuery: [] }],
          parameters: [
            parameter("kolId", "path", kolIdSchema, true),
            ...rollingRangeQuery,
            parameter("key", "query", chartKeySchema.def.innerType, false),
            langParameter,
            widthParameter,
            parameter("name", "query", chartNameSchema.def.innerType, false),
            refreshParameter,
          ],
          responses: {
            "200": {
              description: "An accessible SVG chart.",
              headers: cachedHeaders,
              content: { "image/svg+xml": { schema: { type: "string" } } },
            },
            "304": { description: "Not modified.", headers: cachedHeaders },
            ...problems("invalid-request", ...AUTH_PROBLEMS, ...UPSTREAM_PROBLEMS),
          },
        },
      },
      [SUCCESSOR_PATH]: {
        get: dropIn({
          operationId: "getAuthorDailyFansUpstreamStyle",
          summary: "The upstream's current path and body shape (drop-in for get_author_daily_fans)",
          description:
            "The maker's successor path, taking the creator id as `oAuthorId`. Errors also carry the upstream-style `code` and `message`.",
          idParameter: "oAuthorId",
        }),
      },
      [SEED_PATH]: {
        get: {
          ...dropIn({
            operationId: "getDailyFansUpstreamStyle",
            summary: "The upstream's deprecated seed path and body shape (drop-in for get-kol-daily-fans)",
            description: `Deprecated upstream since ${SEED_DEPRECATED_AT.slice(0, 10)}: answers carry \`Deprecation\` and a \`Link\` to ${SUCCESSOR_PATH}; prefer that path. Errors also carry the upstream-style \`code\` and \`message\`.`,
            idParameter: "kolId",
          }),
          deprecated: true,
        },
      },
      "/v1/webhooks/daily-fans": {
        post: {
          tags: ["webhooks"],
          operationId: "postDailyFansWebhook",
          summary: "The trend for a webhook: answered at once, or delivered to a callback",
          description:
            "Without `callbackUrl`, the trend route's answer through the same cache. With it, 202 at once and a queued delivery to the callback, signed by Standard Webhooks (`webhook-id` is the delivery id), retried with back-off. `requestId` makes it idempotent for 24 h. Signed requests (Standard Webhooks) are accepted instead of a key; each `webhook-id` once.",
          // A client key, or instead a Standard Webhooks signature in the headers below (which an
          // "Authorize" dialog cannot compute, so they are parameters, not security schemes).
          security: [{ bearerKey: [] }, {}],
          parameters: STANDARD_WEBHOOKS_HEADERS,
          requestBody: { required: true, content: { "application/json": { schema: ref("WebhookRequest") } } },
          responses: {
            "200": {
              description: "Without callbackUrl: the trend.",
              headers: cachedHeaders,
              content: { "application/json": { schema: ref("Trend") } },
            },
            "202": {
              description: "With callbackUrl: queued for delivery.",
              headers: { Location: header("Location") },
              content: { "application/json": { schema: ref("DeliveryAccepted") } },
            },
            ...problems(
              "invalid-request",
              "request-id-conflict",
              "webhook-replayed",
              "payload-too-large",
              "unsupported-media-type",
              ...AUTH_PROBLEMS,
              ...UPSTREAM_PROBLEMS,
            ),
          },
        },
      },
      "/v1/webhooks/deliveries/{id}": {
        get: {
          tags: ["webhooks"],
          operationId: "getDelivery",
          summary: "A delivery's status, for the key that created it",
          description:
            "queued, delivered or failed, with attempts and the last error. Needs the key itself (never a signature); another key's delivery is a 404.",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": { description: "The delivery.", content: { "application/json": { schema: ref("DeliveryStatus") } } },
            ...problems("not-found", ...AUTH_PROBLEMS),
          },
        },
      },
      "/v1/rosters": {
        get: {
          tags: ["rosters"],
          operationId: "listRosters",
          summary: "The calling key's rosters, with their sizes and the limits",
          description: "Rosters belong to the key that made them; another key sees its own.",
          responses: {
            "200": { description: "The rosters.", content: { "application/json": { schema: ref("RosterList") } } },
            ...problems(...AUTH_PROBLEMS, "ledger-unavailable"),
          },
        },
      },
      "/v1/rosters/{name}": {
        put: rosterOperation({
          operationId: "putRoster",
          summary: "Creates a roster, or replaces its creators",
          description: `Kept durably for the key. At most ${MAX_ROSTER_SIZE} creators, no repeats; at most ${MAX_ROSTERS} rosters per key.`,
          body: "RosterKols",
          answers: {
            "200": { description: "Replaced.", content: { "application/json": { schema: ref("Roster") } } },
            "201": {
              description: "Created.",
              headers: { Location: header("Location") },
              content: { "application/json": { schema: ref("Roster") } },
            },
          },
          problems: ["roster-limit"],
        }),
        get: rosterOperation({
          operationId: "getRoster",
          summary: "A roster's creators, in their order",
          description: "The creator ids as they were put or added.",
          answers: { "200": { description: "The roster.", content: { "application/json": { schema: ref("Roster") } } } },
          problems: ["roster-not-found"],
        }),
        patch: rosterOperation({
          operationId: "renameRoster",
          summary: "Renames a roster",
          description:
            "Its creators, labels and watch keep going under the new name, and the key's share links to it follow it (a link's URL does not change). Renaming a roster to its own name changes nothing.",
          body: "RosterRename",
          answers: {
            "200": {
              description: "Renamed: the roster under its new name.",
              headers: { "Content-Location": header("Content-Location") },
              content: { "application/json": { schema: ref("Roster") } },
            },
          },
          problems: ["roster-not-found", "roster-name-taken"],
        }),
        delete: rosterOperation({
          operationId: "deleteRoster",
          summary: "Deletes a roster",
          description: "Its creators' cached trends stay cached; its watch goes with it.",
          answers: { "204": { description: "Deleted." } },
          problems: ["roster-not-found"],
        }),
      },
      "/v1/rosters/{name}/kols": {
        post: rosterOperation({
          operationId: "addRosterKols",
          summary: "Adds creators to a roster",
          description: "After those it has; creators already in it stay where they are.",
          body: "RosterKols",
          answers: { "200": { description: "The roster now.", content: { "application/json": { schema: ref("Roster") } } } },
          problems: ["roster-not-found", "roster-limit"],
        }),
      },
      "/v1/rosters/{name}/kols/{kolId}": {
        delete: rosterOperation({
          operationId: "removeRosterKol",
          summary: "Removes one creator from a roster",
          description: "Removing a creator the roster does not hold changes nothing.",
          parameters: [parameter("kolId", "path", kolIdSchema, true)],
          answers: { "200": { description: "The roster now.", content: { "application/json": { schema: ref("Roster") } } } },
          problems: ["roster-not-found"],
        }),
      },
      "/v1/rosters/{name}/daily-fans": {
        get: {
          tags: ["rosters"],
          operationId: "getRosterDailyFans",
          summary: "Every creator of a roster: trend, summary and anomalous days, in one answer",
          description: ROSTER_TRENDS,
          parameters: [
            rosterName,
            ...rollingRangeQuery,
            parameter("format", "query", rosterFormatSchema.def.innerType, false),
            langParameter,
            bomParameter,
            parameter("fields", "query", fieldsSchema.def.innerType, false),
          ],
          responses: rosterTrendsResponses("roster-not-found"),
        },
      },
      "/v1/rosters/{name}/daily-fans.svg": {
        get: {
          tags: ["rosters"],
          operationId: "getRosterChart",
          summary: "A roster's creators on one SVG chart, absolute or indexed to 100",
          description: `Up to ${MAX_COMPARED} lines (the roster's first answered creators), each with its own colour, dash and legend entry; the y axis on round values; a text alternative giving each creator's change. For \`<img>\` embeds the key may come as \`key\`. ETag and If-None-Match as the single chart.`,
          security: [{ bearerKey: [] }, { keyQuery: [] }],
          parameters: [
            rosterName,
            ...rollingRangeQuery,
            parameter("mode", "query", compareModeSchema.def.innerType, false),
            parameter("key", "query", chartKeySchema.def.innerType, false),
            langParameter,
            widthParameter,
          ],
          responses: {
            "200": {
              description: "The chart.",
              headers: {
                ETag: header("ETag"),
                "Cache-Control": header("Cache-Control"),
                "Xingtu-Roster-Failed": header("Xingtu-Roster-Failed"),
              },
              content: { "image/svg+xml": { schema: { type: "string" } } },
            },
            "304": { description: "Not modified (If-None-Match)." },
            ...problems("invalid-request", "roster-not-found", ...AUTH_PROBLEMS, "ledger-unavailable"),
          },
        },
      },
      "/v1/rosters/{name}/watch": {
        put: rosterOperation({
          operationId: "putRosterWatch",
          summary: "Watches a roster: rules, and where the day's digest goes",
          description: WATCH_DESCRIPTION,
          body: "Watch",
          answers: {
            "200": { description: "Replaced, as GET shows it.", content: { "application/json": { schema: ref("WatchView") } } },
            "201": { description: "Created, as GET shows it.", content: { "application/json": { schema: ref("WatchView") } } },
          },
          problems: ["roster-not-found"],
        }),
        get: rosterOperation({
          operationId: "getRosterWatch",
          summary: "A roster's watch, without its secrets",
          description: "Secrets show as `set`; every target address shows its origin only (a path or query may hold a credential).",
          answers: { "200": { description: "The watch.", content: { "application/json": { schema: ref("WatchView") } } } },
          problems: ["roster-not-found", "watch-not-found"],
        }),
        delete: rosterOperation({
          operationId: "deleteRosterWatch",
          summary: "Stops watching a roster",
          description: "The roster stays.",
          answers: { "204": { description: "Stopped." } },
          problems: ["roster-not-found", "watch-not-found"],
        }),
      },
      "/v1/rosters/{name}/watch/test": {
        post: rosterOperation({
          operationId: "testRosterWatch",
          summary: "Sends a sample digest to each of the watch's targets now",
          description:
            "A digest marked as a test (【测试】/[TEST] in its title; to a webhook, type `roster.digest.test` under a `webhook-id` of its own), its alerts made up from the roster's creators and the watch's rules, formatted and signed as a real one, sent directly (not queued), at most 5 s a target. Looks nothing up, spends nothing, leaves `lastDigest` alone. Each target: its origin, `ok`, `status` (null when unreachable), `code` (Feishu `code`, DingTalk/WeCom `errcode`; null for webhook and Slack), `message`.",
          answers: { "200": { description: "Each target's result.", content: { "application/json": { schema: ref("WatchTest") } } } },
          problems: ["roster-not-found", "watch-not-found"],
        }),
      },
      "/v1/kols/daily-fans": {
        post: {
          tags: ["rosters"],
          operationId: "postKolsDailyFans",
          summary: `Up to ${MAX_ADHOC_KOLS} creators at once, without saving a roster`,
          description: ROSTER_TRENDS,
          requestBody: { required: true, content: { "application/json": { schema: ref("KolsTrendsRequest") } } },
          responses: rosterTrendsResponses("payload-too-large", "unsupported-media-type"),
        },
      },
      "/v1/kols/{kolId}/daily-fans/quote": {
        get: quoteOperation({
          operationId: "quoteDailyFans",
          summary: "What a creator's trend for a range would spend now (also its CSV, chart, drop-in path or webhook)",
          parameters: [parameter("kolId", "path", kolIdSchema, true), ...rollingRangeQuery],
        }),
      },
      "/v1/rosters/{name}/daily-fans/quote": {
        get: quoteOperation({
          operationId: "quoteRosterDailyFans",
          summary: "What a roster's trends (or chart) for a range would spend now",
          parameters: [rosterName, ...rollingRangeQuery],
          problems: ["roster-not-found"],
        }),
      },
      "/v1/kols/daily-fans/quote": {
        post: quoteOperation({
          operationId: "quoteKolsDailyFans",
          summary: `What up to ${MAX_ADHOC_KOLS} creators' trends for a range would spend now`,
          requestBody: { required: true, content: { "application/json": { schema: ref("KolsTrendsRequest") } } },
          problems: ["payload-too-large", "unsupported-media-type"],
        }),
      },
      "/v1/usage": {
        get: {
          tags: ["operations"],
          operationId: "getUsage",
          summary: "The calling key's day: requests, hits, upstream calls, billed calls and its daily limit",
          description: "One Shanghai day of the key's ledger, including this isolate's not yet sent counts.",
          responses: {
            "200": { description: "Today's usage (Asia/Shanghai).", content: { "application/json": { schema: ref("Usage") } } },
            ...problems(...AUTH_PROBLEMS, "ledger-unavailable"),
          },
        },
      },
      "/v1/share-links": {
        post: {
          tags: ["sharing"],
          operationId: "createShareLink",
          summary: "Makes a read-only link to one creator's or roster's trends, over a fixed or rolling range",
          description: `Give \`kolId\` or \`roster\` (one of the key's), and \`startDate\` and \`endDate\` or \`days\` (the N days that end yesterday). The answer's \`urls\` serve JSON, CSV (\`excelCsv\`: with a byte-order mark, for Excel), a roster's wide CSV and the SVG chart, with no key; \`embed\` is an \`<img>\` of the chart. A link never forces a refresh, spends only within this key's limits and counts in its usage. At most ${MAX_LINKS} working links per key.`,
          requestBody: { required: true, content: { "application/json": { schema: ref("ShareLinkRequest") } } },
          responses: {
            "201": {
              description: "The link (its URLs can be listed again later).",
              headers: { Location: header("Location") },
              content: { "application/json": { schema: ref("ShareLink") } },
            },
            ...problems(
              "invalid-request",
              "roster-not-found",
              "share-link-limit",
              ...AUTH_PROBLEMS,
              "ledger-unavailable",
              "unsupported-media-type",
            ),
          },
        },
        get: {
          tags: ["sharing"],
          operationId: "listShareLinks",
          summary: "The key's share links, working, revoked and expired, with their URLs",
          description: "Revoked and expired links stay listed (and refused as such) for 30 days.",
          responses: {
            "200": { description: "The links.", content: { "application/json": { schema: ref("ShareLinkList") } } },
            ...problems(...AUTH_PROBLEMS),
          },
        },
      },
      "/v1/share-links/{id}": {
        get: {
          tags: ["sharing"],
          operationId: "getShareLink",
          summary: "One of the key's share links, with its URLs",
          description: "Where a new link's `Location` points; another key's link is not found.",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" }, description: "The link's `id`." }],
          responses: {
            "200": { description: "The link.", content: { "application/json": { schema: ref("ShareLink") } } },
            ...problems("share-link-not-found", ...AUTH_PROBLEMS),
          },
        },
        delete: {
          tags: ["sharing"],
          operationId: "revokeShareLink",
          summary: "Revokes a share link",
          description:
            "It is refused with 410 at once through this isolate, everywhere within about a minute and a half (as a revoked key).",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" }, description: "The link's `id`." }],
          responses: { "204": { description: "Revoked." }, ...problems("share-link-not-found", ...AUTH_PROBLEMS, "ledger-unavailable") },
        },
      },
      "/s/{link}": {
        get: {
          tags: ["sharing"],
          operationId: "getSharedResource",
          summary: "What a share link shows, for whoever holds it: no key, no header",
          description:
            "`{link}` is the link's token, then `.json` (or nothing), `.csv`, `.wide.csv` (a roster's: a column per creator) or `.svg`. The viewer may add `lang`, `bom` (CSV) and `mode` (a roster's chart), nothing else. Errors on `.svg` are chart-sized SVG images with the problem's status.",
          security: [],
          parameters: [
            { name: "link", in: "path", required: true, schema: { type: "string" }, description: "The token, with its extension." },
            langParameter,
            bomParameter,
            parameter("mode", "query", compareModeSchema.def.innerType, false),
            widthParameter,
          ],
          responses: {
            "200": {
              description: "The resource, as its own route answers it.",
              headers: cachedHeaders,
              content: {
                "application/json": { schema: { oneOf: [ref("Trend"), ref("RosterTrends")] } },
                "text/csv": { schema: { type: "string" } },
                "image/svg+xml": { schema: { type: "string" } },
              },
            },
            "304": { description: "Not modified (If-None-Match).", headers: cachedHeaders },
            ...problems("invalid-request", "share-link-not-found", "share-link-gone", "rate-limited", ...UPSTREAM_PROBLEMS),
          },
        },
      },
      "/v1/keys": {
        get: {
          tags: ["operations"],
          operationId: "listKeys",
          summary: "Every client key: name, tier, permissions, daily limit, created, revoked (operator keys)",
          description: "Never a key or its hash: only its record's metadata.",
          responses: {
            "200": { description: "The keys.", content: { "application/json": { schema: ref("KeyList") } } },
            ...problems("forbidden", ...AUTH_PROBLEMS),
          },
        },
        post: {
          tags: ["operations"],
          operationId: "createKey",
          summary: "Makes a client key for a teammate, shown once (operator keys)",
          description:
            "The same record `npm run key -- create` writes: only the key's SHA-256 is kept, so the answer's `key` cannot be shown again. It works at once.",
          requestBody: { required: true, content: { "application/json": { schema: ref("KeyCreate") } } },
          responses: {
            "201": { description: "The key, this once.", content: { "application/json": { schema: ref("KeyCreated") } } },
            ...problems("invalid-request", "key-exists", "forbidden", ...AUTH_PROBLEMS, "unsupported-media-type", "ledger-unavailable"),
          },
        },
      },
      "/v1/keys/{name}": {
        patch: {
          tags: ["operations"],
          operationId: "changeKey",
          summary: "Changes a client key's tier, permissions or daily upstream calls (operator keys)",
          description:
            "What the body names changes, the rest stays (as `npm run key -- limit` changes the daily limit). At once through this isolate, everywhere within about a minute and a half. A key may not take its own `operate` away.",
          parameters: [parameter("name", "path", keySchemas().name, true)],
          requestBody: { required: true, content: { "application/json": { schema: ref("KeyChange") } } },
          responses: {
            "200": { description: "The key now.", content: { "application/json": { schema: ref("KeyView") } } },
            ...problems(
              "invalid-request",
              "key-not-found",
              "key-revoked",
              "forbidden",
              ...AUTH_PROBLEMS,
              "unsupported-media-type",
              "ledger-unavailable",
            ),
          },
        },
        delete: {
          tags: ["operations"],
          operationId: "revokeKey",
          summary: "Revokes a client key (operator keys; never the calling key itself)",
          description:
            "Refused at once through this isolate, everywhere within about a minute and a half. Its share links stop working too.",
          parameters: [parameter("name", "path", keySchemas().name, true)],
          responses: {
            "204": { description: "Revoked." },
            ...problems("invalid-request", "key-not-found", "key-revoked", "forbidden", ...AUTH_PROBLEMS),
          },
        },
      },
      "/v1/keys/{name}/webhook-secret": {
        post: {
          tags: ["operations"],
          operationId: "rotateKeyWebhookSecret",
          summary: "Rotates a key's webhook signing secret: both valid until `finish` (operator keys)",
          description:
            '`{}` starts a rotation (callbacks carry both signatures), `{"finish": true}` ends it, as `npm run key -- rotate-secret` does.',
          parameters: [parameter("name", "path", keySchemas().name, true)],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { type: "object", properties: { finish: { type: "boolean" } } } } },
          },
          responses: {
            "200": {
              description: "The key, and whether a rotation is under way.",
              content: { "application/json": { schema: { type: "object" } } },
            },
            ...problems("invalid-request", "key-not-found", "key-revoked", "forbidden", ...AUTH_PROBLEMS),
          },
        },
      },
      "/v1/key": {
        get: {
          tags: ["operations"],
          operationId: "getKey",
          summary: "Which key this is: its name, tier, permissions and daily limit (never the key itself)",
          description: "Checks a key without spending anything (the MCP server asks it on every request).",
          responses: {
            "200": { description: "The calling key.", content: { "application/json": { schema: ref("KeyInfo") } } },
            ...problems(...AUTH_PROBLEMS),
          },
        },
      },
      "/mcp": {
        post: {
          tags: ["mcp"],
          operationId: "postMcp",
          summary: "The remote MCP server (Model Context Protocol, stateless Streamable HTTP, JSON answers)",
          description:
            "JSON-RPC messages of the Model Context Protocol. Tools, each with an input and an output schema: `get_kol_daily_fans` (the normalized trend with its summary, `cacheStatus`, `upstreamCalls` and `upstreamBilled`), `get_kol_daily_fans_csv`, `list_rosters`, `get_roster_daily_fans`, `compare_kols_daily_fans`, `save_roster`, `get_roster_watch`, `set_roster_watch`, `delete_roster_watch`, `quote_daily_fans`, `test_roster_watch`, `create_share_link`, `list_share_links` and `revoke_share_link`. Tool calls go through the routes with the caller's key: same validation, cache, limits, spend guard and logs; a refused input is a tool error carrying the problem's detail. Stateless: GET and DELETE are 405.",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { type: "object", description: "A JSON-RPC 2.0 message (MCP)." } } },
          },
          responses: {
            "200": {
              description: "The JSON-RPC answer.",
              content: { "application/json": { schema: { type: "object", description: "A JSON-RPC 2.0 answer (MCP)." } } },
            },
            "202": { description: "A notification, accepted." },
            ...problems(...AUTH_PROBLEMS),
          },
        },
      },
      "/v1/spend-guard": {
        get: {
          tags: ["operations"],
          operationId: "getSpendGuard",
          summary: "The upstream account's breaker and today's calls (a key with the operate permission)",
          description:
            "From the account's ledger: whether upstream calls are allowed, why not and until when, today's calls, billed calls and calls in flight, and the daily budget.",
          responses: {
            "200": { description: "The spend guard.", content: { "application/json": { schema: ref("SpendGuard") } } },
            ...problems(...AUTH_PROBLEMS, "forbidden", "ledger-unavailable"),
          },
        },
        delete: {
          tags: ["operations"],
          operationId: "clearSpendGuard",
          summary: "Close the breaker, so misses call the upstream again (a key with the operate permission)",
          description: "For after a top-up or a raised quota (`npm run guard -- clear`); `cleared` says whether one was open.",
          responses: {
            "200": { description: "The spend guard after clearing.", content: { "application/json": { schema: ref("SpendGuard") } } },
            ...problems(...AUTH_PROBLEMS, "forbidden", "ledger-unavailable"),
          },
        },
      },
      "/problems/{type}": {
        get: {
          tags: ["operations"],
          operationId: "getProblemType",
          summary: "What a problem type means and what to do (every problem's `type` URI)",
          description:
            "A short page for each problem `type`: HTML (English, with a line of Simplified Chinese) when the client asks for `text/html`, as browsers do; JSON otherwise. No key needed. The pages' words are static assets deployed with the gateway: a deployment without them answers 503 `gateway-misconfigured`.",
          security: [],
          parameters: [
            {
              name: "type",
              in: "path",
              required: true,
              description: "The problem type: the last segment of its `type` URI.",
              schema: { type: "string", enum: Object.keys(PROBLEMS) },
            },
          ],
          responses: {
            "200": {
              description: "The problem type's page.",
              content: { "application/json": { schema: ref("ProblemPage") }, "text/html": { schema: { type: "string" } } },
            },
            ...problems("not-found", "method-not-allowed", "gateway-misconfigured"),
          },
        },
      },
      "/healthz": {
        get: {
          tags: ["operations"],
          operationId: "getHealth",
          summary: "Is the gateway configured? (no upstream call, no key needed)",
          description:
            "Which pieces are present (never their values), operator messages for what is missing, the upstream path in use and the spend guard. 200 `ok` or `degraded` (the account's ledger unreachable), 503 `misconfigured`.",
          security: [],
          responses: {
            "200": { description: "Configured.", content: { "application/json": { schema: ref("Health") } } },
            "503": { description: "Not configured: see checks and problems.", content: { "application/json": { schema: ref("Health") } } },
            ...problems("method-not-allowed"),
          },
        },
      },
      "/openapi.json": {
        get: {
          tags: ["operations"],
          operationId: "getOpenApi",
          summary: "This document",
          description: "OpenAPI 3.1, generated from the schemas that validate requests and type answers; rendered at /docs.",
          security: [],
          responses: {
            "200": { description: "OpenAPI 3.1", content: { "application/json": { schema: { type: "object" } } } },
            ...problems("method-not-allowed"),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerKey: { type: "http", scheme: "bearer", description: "A client key: `npm run key -- create`." },
        tokenQuery: { type: "apiKey", in: "query", name: "token", description: "A client key, upstream-style (drop-in route only)." },
        keyQuery: {
          type: "apiKey",
          in: "query",
          name: "key",
          description:
            "A client key in the URL (chart route only, for `<img>`); it shows in browser histories, so prefer a key made for embedding.",
        },
      },
      headers: {
        "X-Request-Id": { description: "Identifies the request in the logs; also in every problem body.", schema: { type: "string" } },
        "Cache-Status": {
          description: "RFC 9211, e.g. `xingtu-edge; hit; ttl=3540` or `xingtu-edge; fwd=miss; stored; ttl=3600`.",
          schema: { type: "string" },
        },
        Age: { description: "Seconds since the answer was fetched from the upstream.", schema: { type: "integer" } },
        ETag: { description: "Strong validator; send it back as If-None-Match.", schema: { type: "string" } },
        "Cache-Control": { description: "`private, max-age=<TTL>`; `no-store` on stale answers.", schema: { type: "string" } },
        "Xingtu-Refresh": {
          description:
            'Present when the request asked for a refresh: `done`; `refused; reason="..."` (the key lacks the refresh permission); or `skipped; reason="..."` (the range has no live days, or days it would buy were refreshed less than `REFRESH_INTERVAL_SECONDS` ago, by any key; then `next="<time>"`).',
          schema: { type: "string" },
        },
        "Retry-After": {
          description: "Seconds to wait: the rate-limit window (429), or until the upstream or its quota is available (503).",
          schema: { type: "integer" },
        },
        "WWW-Authenticate": { description: "The Bearer challenge.", schema: { type: "string" } },
        "Xingtu-Upstream-Calls": { description: "Upstream calls this request made (0 on a hit).", schema: { type: "integer" } },
        "Xingtu-Upstream-Request-Id": {
          description: "On a miss: the upstream's own `requestId` for the call, which its maker's support needs to trace a charge.",
          schema: { type: "string" },
        },
        "Xingtu-Upstream-Billed": {
          description: "Of those, the calls the upstream's maker bills (answers with code 0 or 201).",
          schema: { type: "integer" },
        },
        "Xingtu-Upstream-Cost": {
          description:
            "With a configured price (UPSTREAM_PRICE_PER_CALL): what this request's billed and maybe-billed upstream calls cost, as `<amount> <currency>`, e.g. `0.05 CNY`.",
          schema: { type: "string" },
        },
        Allow: { description: "The methods the route serves.", schema: { type: "string" } },
        Location: { description: "The delivery's status URL, or the roster's.", schema: { type: "string" } },
        "Content-Location": { description: "The roster's URL under its new name.", schema: { type: "string" } },
        "Xingtu-Roster-Failed": {
          description: "Creators that could not be answered (listed with their problem).",
          schema: { type: "integer" },
        },
        "RateLimit-Policy": {
          description: 'The key\'s tier policy (IETF HTTPAPI draft): `"standard";q=120;w=60` is 120 requests a 60 s window.',
          schema: { type: "string" },
        },
        RateLimit: {
          description:
            'What is left of the policy this window and the seconds until it resets, `"standard";r=117;t=45`: the quota less what the answering isolate admitted (exact for a key served from one location, an upper bound otherwise); `r=0` on a 429.',
          schema: { type: "string" },
        },
      },
      schemas: {
        Trend: schema(trendSchema),
        Problem: schema(problemSchema),
        ProblemPage: schema(problemPageSchema),
        UpstreamBody: {
          type: "object",
          required: ["code", "data"],
          properties: { code: { oneOf: [{ type: "integer" }, { type: "string" }] }, data: schema(upstreamDataSchema, "input") },
        },
        WebhookRequest: { ...withRollingDays(schema(webhookBodySchema, "input")), description: RANGE_RULES },
        DeliveryAccepted: schema(deliveryAcceptedSchema),
        DeliveryStatus: schema(deliveryStatusSchema),
        Health: schema(healthSchema),
        Usage: schema(usageSchema),
        Quote: schema(quoteSchema),
        SpendGuard: schema(spendGuardSchema),
        KeyInfo: schema(keyInfoSchema),
        Roster: schema(rosterSchema),
        RosterList: schema(rosterListSchema),
        RosterKols: schema(rosterKolsBodySchema, "input"),
        RosterRename: schema(rosterRenameSchema.shape.body, "input"),
        RosterTrends: schema(rosterTrendsSchema),
        KolsTrendsRequest: { ...withRollingDays(schema(adhocBodySchema, "input")), description: RANGE_RULES },
        Watch: schema(watchSchemas().body, "input"),
        WatchView: schema(watchViewSchema),
        WatchTest: schema(watchTestAnswerSchema()),
        ShareLinkRequest: schema(shareLinkBodySchema(), "input"),
        KeyCreate: schema(keySchemas().create, "input"),
        KeyCreated: schema(keySchemas().created),
        KeyChange: schema(keySchemas().change, "input"),
        KeyView: schema(keySchemas().view),
        KeyList: schema(keySchemas().list),
        ShareLink: schema(shareLinkSchema()),
        ShareLinkList: schema(shareLinkListSchema()),
      },
    },
  };
}
