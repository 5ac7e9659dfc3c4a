/**
 * @module A client's explicit refresh: the only way a client makes the gateway buy data it
 * already has.
 *
 * It is asked with the `Xingtu-Refresh` request header, which no browser, proxy, spreadsheet or
 * HTTP library sends on its own (a reload's `Cache-Control: max-age=0` or `no-cache` spends
 * nothing): `live` buys the range's days that Douyin may still revise (the last two) again, and
 * `settled` the whole range, settled days included (which the upstream no longer revises), as a
 * separate, deliberate option. A key needs the `refresh` permission. The KOL's coordinator buys
 * no day again on request within REFRESH_INTERVAL_SECONDS of a refresh that bought it (whichever
 * key or range asked), and the answer's `Xingtu-Refresh` header says what happened.
 */
import { ProblemError } from "../problem.ts";

export const REFRESH_HEADER = "Xingtu-Refresh";
export const REFRESH_MODES = ["live", "settled"] as const;
export type RefreshMode = (typeof REFRESH_MODES)[number];

/** A refresh a client asked for: how much, and by which key. */
export interface AskedRefresh {
  mode: RefreshMode;
  by: string;
}

/** What became of an asked refresh, decided by the KOL's coordinator. */
export type RefreshVerdict =
  | { kind: "done" }
  /** Days it would buy were bought again on request less than REFRESH_INTERVAL_SECONDS ago: answered as without it. */
  | { kind: "too-soon"; nextAt: number }
  /** `live` on a range without live days: nothing Douyin still revises, answered from stored days. */
  | { kind: "settled" };

/** The mode a request asks for (null: none); a value that is neither mode is a 400 naming the header. */
export function askedMode(value: string | undefined): RefreshMode | null {
  if (value === undefined) return null;
  const mode = value.trim().toLowerCase();
  if ((REFRESH_MODES as readonly string[]).includes(mode)) return mode as RefreshMode;
  throw new ProblemError("invalid-request", {
    detail: `The ${REFRESH_HEADER} header must be "live" or "settled".`,
    errors: [{ field: REFRESH_HEADER, in: "header", rule: "enum", message: 'must be "live" or "settled"' }],
  });
}

/** The answer's `Xingtu-Refresh` header (a structured field: the outcome, then why). `refused`: the
 * key lacks the permission; `not-here`: a route that answers many creators, or later, never refreshes. */
export function refreshHeader(verdict: RefreshVerdict | "refused" | "not-here"): string {
  if (verdict === "refused") return 'refused; reason="the key lacks the refresh permission"';
  if (verdict === "not-here") return 'refused; reason="a refresh is asked one creator at a time: GET /v1/kols/{kolId}/daily-fans"';
  switch (verdict.kind) {
    case "done":
      return "done";
    case "settled":
      return `skipped; reason="the range has no live days: settled days are not bought again unless asked with ${REFRESH_HEADER}: settled"`;
    case "too-soon":
      return `skipped; reason="these days were refreshed recently"; next="${new Date(verdict.nextAt).toISOString()}"`;
  }
}
