/**
 * @module Share links (share/links.ts):
 * - `POST /v1/share-links`, `GET /v1/share-links`, `DELETE /v1/share-links/{id}`: a key makes,
 *   lists and revokes read-only links to one of its resources;
 * - `GET /s/{token}` (JSON), `/s/{token}.csv`, `/s/{token}.wide.csv` (a roster's), `/s/{token}.svg`:
 *   the resource, for whoever holds the link, with no header to send.
 * A link's request runs the resource's own route, as its owner's key with the refresh permission
 * taken away: the same cache, limits and counting as the owner's requests, never a new way to spend.
 */
import { Hono } from "hono/tiny";
import type { Context } from "hono";
import { gatewayContext } from "../middleware/gateway-context.ts";
import { jsonObjectBody, jsonOnly } from "../middleware/json-body.ts";
import { sentQuery } from "../middleware/validate.ts";
import { clientAuth, clientOfRecord, grantedClients, markLinkView, refuseAttempt, requireKeyFor } from "../auth/client-auth.ts";
import { recordOfName, type KeysReader } from "../auth/keys.ts";
import { requireSigningSecret } from "../config/readiness.ts";
import { ProblemError } from "../problem.ts";
import { rangeLimits, validated } from "../schemas/request.ts";
import { linkQuerySchema, shareLinkRequestSchema, type ShareLink, type ShareLinkList } from "../schemas/share-links.ts";
import { MAX_LINKS, newLinkId, refusal, tokenOf, verifiedId, type ShareRecord } from "../share/links.ts";
import { LINK_EDGE_SECONDS, linkStore, ownersLinks, readLink, writeLink } from "../share/store.ts";
import { creatorsOf } from "./rosters.ts";
import type { GatewayEnv } from "./env.ts";
import type { SelfFetch } from "./index.ts";
import type { Runtime } from "../runtime.ts";
import { WORDS } from "../render/language.ts";

export const SHARE_LINKS_PATH = "/v1/share-links";
export const SHARE_LINK_PATH = "/v1/share-links/:id";
export const SHARED_PATH = "/s/:link";

type Ctx = Context<GatewayEnv>;

/** What each of a link's URLs serves: the resource's own route and the format it asks for there. */
const EXTENSIONS = { "": "json", ".json": "json", ".csv": "csv", ".wide.csv": "csv-wide", ".svg": "svg" } as const;
type Shown = (typeof EXTENSIONS)[keyof typeof EXTENSIONS];

/** The calling key's link named by the path's id; another key's, or none, is not found. */
async function ownLink(c: Ctx, runtime: Runtime): Promise<ShareRecord> {
  const client = c.get("client");
  requireKeyFor(client, "Share links");
  const record = await readLink(c.env, runtime, c.req.param("id")!);
  if (!record || record.owner !== client.name) {
    throw new ProblemError("share-link-not-found", {
      detail: "This key has no share link of that id: list them with GET /v1/share-links.",
    });
  }
  return record;
}

/** A link as its owner reads it: its URLs (the token is derived again: nothing stored holds it). */
async function viewOf(c: Ctx, record: ShareRecord, nowMs: number): Promise<ShareLink> {
  const base = `${new URL(c.req.url).origin}/s/${await tokenOf(requireSigningSecret(c.get("lookup").config), record.id)}`;
  const { owner: _owner, ...shown } = record;
  const { resource } = record;
  const roster = "roster" in resource;
  const words = WORDS[record.lang === "zh-CN" ? "zh-CN" : "en"];
  const alt = "roster" in resource ? words.rosterAlt(resource.roster) : words.creatorAlt(resource.kolId, resource.name);
  return {
    ...shown,
    status: refusal(record, nowMs) ?? "active",
    urls: {
      json: base,
      csv: `${base}.csv`,
      svg: `${base}.svg`,
      ...(roster ? { wideCsv: `${base}.wide.csv` } : {}),
      excelCsv: `${base}.csv?bom=true`,
    },
    // Stryker disable next-line ArrowFunction,StringLiteral: a second guard: roster names and creator ids hold none of & < > " (their schemas), so nothing is escaped today
    embed: `<img src="${base}.svg" alt="${alt.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`)}" width="800">`,
  };
}

/** The resource's own route, as the link's owner would ask for it. */
function resourceUrl(
  origin: string,
  record: ShareRecord,
  shown: Shown,
  query: { lang?: string; bom?: boolean; mode?: string; width?: number },
): URL {
  const path =
    "roster" in record.resource
      ? `/v1/rosters/${encodeURIComponent(record.resource.roster)}/daily-fans`
      : `/v1/kols/${encodeURIComponent(record.resource.kolId)}/daily-fans`;
  const url = new URL(`${path}${shown === "svg" ? ".svg" : ""}`, origin);
  for (const [name, value] of Object.entries(record.range)) url.searchParams.set(name, String(value));
  const lang = query.lang ?? record.lang;
  if (lang) url.searchParams.set("lang", lang);
  // The URL alone names the form (.svg, format=csv or csv-wide, else JSON): no Accept is sent.
  if (shown === "csv" || shown === "csv-wide") {
    url.searchParams.set("format", shown);
    // A byte-order mark is a CSV's own (the chart's route takes no bom, the JSON routes ignore it).
    if (query.bom) url.searchParams.set("bom", "true");
  }
  const mode = query.mode ?? record.mode;
  if (mode && shown === "svg" && "roster" in record.resource) url.searchParams.set("mode", mode);
  if (query.width && shown === "svg") url.searchParams.set("width", String(query.width));
  if ("name" in record.resource && record.resource.name !== undefined && shown === "svg")
    url.searchParams.set("name", record.resource.name);
  return url;
}

/** The request headers a link passes on: none that authenticate or ask to spend. */
const PASSED_HEADERS = ["Accept-Language", "If-None-Match", "CF-Connecting-IP"];

export function shareLinkRoutes(runtime: Runtime, self: SelfFetch) {
  const context = gatewayContext(runtime);
  const auth = clientAuth(runtime);
  const body = jsonObjectBody((raw, c: Ctx) =>
    validated(shareLinkRequestSchema(rangeLimits(c.get("lookup").config, runtime.now()), runtime.now()), raw),
  );
  const now = () => new Date(runtime.now()).toISOString();

  return (
    new Hono<GatewayEnv>()
      .use(SHARE_LINKS_PATH, context, auth)
      .use(`${SHARE_LINKS_PATH}/*`, context, auth)
      .post(SHARE_LINKS_PATH, jsonOnly, body, async (c) => {
        const client = c.get("client");
        requireKeyFor(client, "Share links");
        // Checked before anything is written: a link's URLs are derived with the secret.
        requireSigningSecret(c.get("lookup").config);
        const { kolId, name, roster, startDate, endDate, days, mode, lang, note, expiresAt } = c.req.valid("json").body;
        // A link to a roster that is not there would only ever answer its 404.
        if (roster !== undefined) await creatorsOf(c, runtime, roster);
        const active = (await ownersLinks(c.env, client.name)).filter((record) => refusal(record, runtime.now()) === null);
        if (active.length >= MAX_LINKS) {
          throw new ProblemError("share-link-limit", {
            detail: `This key already keeps ${MAX_LINKS} working share links: revoke one first.`,
          });
        }
        const id = newLinkId();
        const record: ShareRecord = {
          id,
          owner: client.name,
          resource: roster !== undefined ? { roster } : { kolId: kolId!, ...(name !== undefined ? { name } : {}) },
          range: days !== undefined ? { days } : { startDate: startDate!, endDate: endDate! },
          ...(mode ? { mode } : {}),
          ...(lang ? { lang } : {}),
          ...(note ? { note } : {}),
          createdAt: now(),
          expiresAt: expiresAt === undefined ? null : new Date(expiresAt).toISOString(),
          revokedAt: null,
        };
        await writeLink(c.env, runtime, record);
        return c.json<ShareLink>(await viewOf(c, record, runtime.now()), 201, {
          "Cache-Control": "no-store",
          Location: `${SHARE_LINKS_PATH}/${id}`,
        });
      })
      .get(SHARE_LINKS_PATH, async (c) => {
        const client = c.get("client");
        requireKeyFor(client, "Share links");
        const records = await ownersLinks(c.env, client.name);
        const links = await Promise.all(records.map((record) => viewOf(c, record, runtime.now())));
        return c.json<ShareLinkList>({ links, limits: { activeLinks: MAX_LINKS } }, 200, { "Cache-Control": "no-store" });
      })
      // One of the key's links (where a new link's Location points), as the list shows it.
      .get(SHARE_LINK_PATH, async (c) => {
        const record = await ownLink(c, runtime);
        return c.json<ShareLink>(await viewOf(c, record, runtime.now()), 200, { "Cache-Control": "no-store" });
      })
      .delete(SHARE_LINK_PATH, async (c) => {
        const record = await ownLink(c, runtime);
        if (record.revokedAt === null) await writeLink(c.env, runtime, { ...record, revokedAt: now() });
        return c.body(null, 204);
      })
      // GET, and HEAD with it (a link checker learns the link answers; the resource's route looks nothing up).
      .get(
        SHARED_PATH,
        async (c, next) => (markLinkView(c.req.raw), next()),
        context,
        async (c) => {
          const link = c.req.param("link");
          const dot = link.indexOf(".");
          // Equivalent as `dot <= 0` (docs/testing.md lists it; `dot >= 0` is killed): a link starting with a dot has an empty token either way, which no MAC matches
          const [token, extension] = dot < 0 ? [link, ""] : [link.slice(0, dot), link.slice(dot)];
          const address = c.req.header("CF-Connecting-IP");
          const unknown = new ProblemError("share-link-not-found", {
            detail: "This is not a share link the gateway made: check that it was copied whole, or ask its owner for it again.",
          });
          const master = requireSigningSecret(c.get("lookup").config);
          const id = await verifiedId(master, token);
          // Equivalent as `false` (docs/testing.md lists it; its `true` is killed): without it the read below finds no record for a token that is not one, and refuses the same
          if (id === null) return refuseAttempt(c.env, address, unknown, runtime.now());
          const record = await readLink(c.env, runtime, id);
          if (!record) return refuseAttempt(c.env, address, unknown, runtime.now());
          const shown = EXTENSIONS[extension as keyof typeof EXTENSIONS] as Shown | undefined;
          if (shown === undefined || ("kolId" in record.resource && shown === "csv-wide")) {
            // A real link asked in a form it has not: say which it has (no failed attempt: the token is good).
            throw new ProblemError("share-link-not-found", {
              detail: `A share link has no "${extension.slice(0, 20)}" form: add nothing (JSON), .csv, .svg${"roster" in record.resource ? " or .wide.csv" : ""}.`,
            });
          }
          const read: KeysReader = async (name) => {
            // Stryker disable next-line ObjectLiteral: the edge cache saves KV reads between isolates; no test has two locations
            const stored = await linkStore(c.env, runtime).get(name, { edgeCacheSeconds: LINK_EDGE_SECONDS });
            return stored.ok ? stored.value : null;
          };
          const owner = await recordOfName(read, record.owner);
          const refused = refusal(record, runtime.now()) ?? (owner && !owner.disabled ? null : "owner-revoked");
          if (refused) {
            const why = {
              revoked: "was revoked by its owner",
              expired: `expired at ${record.expiresAt}`,
              "owner-revoked": "belongs to a key that was revoked",
            }[refused];
            throw new ProblemError("share-link-gone", { detail: `This share link ${why}: ask its owner for a new one.` });
          }
          // Each parameter once (a list is refused as such, as on every route).
          const query = validated(linkQuerySchema(), { query: sentQuery(c) }).query;

          const inner = new Request(resourceUrl(new URL(c.req.url).origin, record, shown, query), {
            method: c.req.method,
            headers: [
              ...PASSED_HEADERS.flatMap((name) =>
                // Equivalent as `false` (docs/testing.md lists it; `true` and `!==` are killed): an absent header passed as the text "undefined" means nothing to the resource route (no language, no ETag, and Cloudflare always sets the address)
                c.req.header(name) === undefined ? [] : [[name, c.req.header(name)!] as [string, string]],
              ),
              ["X-Request-Id", c.get("requestId")],
            ],
          });
          // The owner's key without the refresh permission: a link reads what the owner may, never buys again on demand.
          grantedClients.set(inner, {
            // Stryker disable next-line BooleanLiteral: a second guard: the inner request carries no Xingtu-Refresh (it is not a passed header), so the permission is never asked
            client: { ...clientOfRecord(owner!, c.get("lookup").config), canRefresh: false },
            rateSubject: `link:${record.id}`,
          });
          const answer = await self(inner, c.env, c.executionCtx);
          // The answer's cost headers are the inner request's own (its log line counted them).
          c.set("relayed", true);
          const headers = new Headers(answer.headers);
          headers.set("X-Robots-Tag", "noindex");
          return new Response(answer.body, { status: answer.status, headers });
        },
      )
  );
}
