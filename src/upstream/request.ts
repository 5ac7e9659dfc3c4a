/**
 * @module The upstream request: its path, its parameters (encoded, never concatenated), and the
 * one place the token is put into a URL. Nothing derived from that URL is ever logged.
 */

export const UPSTREAM_PATH = "/api/douyin-xingtu/get-kol-daily-fans/v1";

/** One KOL and an inclusive range of Shanghai days: what every cache key, stored day and upstream call is about. */
export interface KolRange {
  kolId: string;
  startDate: string;
  endDate: string;
}

export interface UpstreamQuery extends KolRange {
  acceptCache?: boolean;
}

export function buildUpstreamRequest(baseUrl: string, token: string, query: UpstreamQuery, signal?: AbortSignal): Request {
  const url = new URL(UPSTREAM_PATH, baseUrl);
  const params = new URLSearchParams({ token, kolId: query.kolId, startDate: query.startDate, endDate: query.endDate });
  if (query.acceptCache !== undefined) params.set("acceptCache", query.acceptCache ? "true" : "false");
  url.search = params.toString();
  return new Request(url, { method: "GET", headers: { Accept: "application/json" }, signal });
}

export function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join("***") : text;
}
