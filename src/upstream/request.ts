/**
 * @module The upstream request: its two paths, its parameters (encoded, never concatenated), and
 * the one place the token is put into a URL. Nothing derived from that URL is ever logged.
 *
 * The maker deprecated the seed's path (`kol-daily-fans`, parameter `kolId`) on 2026-04-16; its
 * successor (`author-daily-fans`, parameter `oAuthorId`) takes the same creator id and answers the
 * same `data`. Only the seed's path ever documented `acceptCache`.
 */

export const UPSTREAM_ENDPOINTS = {
  "author-daily-fans": { path: "/api/douyin-xingtu/gw/api/data_sp/get_author_daily_fans/v1", idParam: "oAuthorId", acceptCache: false },
  "kol-daily-fans": { path: "/api/douyin-xingtu/get-kol-daily-fans/v1", idParam: "kolId", acceptCache: true },
} as const;

export type UpstreamEndpoint = keyof typeof UPSTREAM_ENDPOINTS;
export const ENDPOINT_NAMES = Object.keys(UPSTREAM_ENDPOINTS) as [UpstreamEndpoint, ...UpstreamEndpoint[]];

/** The seed's (deprecated) path and its successor: the gateway serves a drop-in twin of each. */
export const SEED_PATH = UPSTREAM_ENDPOINTS["kol-daily-fans"].path;
export const SUCCESSOR_PATH = UPSTREAM_ENDPOINTS["author-daily-fans"].path;
/** When the maker marked the seed's path deprecated. */
export const SEED_DEPRECATED_AT = "2026-04-16T00:00:00Z";

/** The other path, for fail-over. */
export const otherEndpoint = (endpoint: UpstreamEndpoint): UpstreamEndpoint =>
  endpoint === "author-daily-fans" ? "kol-daily-fans" : "author-daily-fans";

/** One KOL and an inclusive range of Shanghai days: what every cache key, stored day and upstream call is about. */
export interface KolRange {
  kolId: string;
  startDate: string;
  endDate: string;
}

export interface UpstreamQuery extends KolRange {
  acceptCache?: boolean;
}

export function buildUpstreamRequest(
  baseUrl: string,
  token: string,
  endpoint: UpstreamEndpoint,
  query: UpstreamQuery,
  signal?: AbortSignal,
): Request {
  const { path, idParam, acceptCache } = UPSTREAM_ENDPOINTS[endpoint];
  const url = new URL(path, baseUrl);
  const params = new URLSearchParams({ token, [idParam]: query.kolId, startDate: query.startDate, endDate: query.endDate });
  if (acceptCache && query.acceptCache !== undefined) params.set("acceptCache", query.acceptCache ? "true" : "false");
  url.search = params.toString();
  return new Request(url, { method: "GET", headers: { Accept: "application/json" }, signal });
}

export function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join("***") : text;
}
