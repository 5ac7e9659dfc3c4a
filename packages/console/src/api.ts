/**
 * The console's only way to the gateway: its public routes, with the signed-in key as a bearer
 * token. The key lives in this tab's sessionStorage: never in a URL, a cookie or another tab, and
 * gone when the tab closes.
 */
const KEY_ITEM = "xingtu-edge.key";

export const savedKey = () => sessionStorage.getItem(KEY_ITEM);
export const saveKey = (key: string) => sessionStorage.setItem(KEY_ITEM, key);
export const forgetKey = () => (sessionStorage.removeItem(KEY_ITEM), sessionStorage.removeItem(LINK_ITEM));
/** Signed in with a share link instead: its token, kept like a key (this tab only). */
const LINK_ITEM = "xingtu-edge.link";
export const savedLink = () => sessionStorage.getItem(LINK_ITEM);
export const saveLink = (token: string) => sessionStorage.setItem(LINK_ITEM, token);

/** A problem answer (RFC 9457) as the console shows it: its detail, never raw JSON or a stack, and
 * its type's line of Simplified Chinese (from the type's own page, `GET /problems/{type}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly type: string,
    readonly zh: string | null,
  ) {
    super(detail);
  }
}

/** The Chinese line of a problem type's page; null when there is none to read. */
async function chineseOf(type: string): Promise<string | null> {
  if (!type.startsWith("/problems/")) return null;
  const page = await fetch(type, { headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? (response.json() as Promise<{ zh?: string }>) : null))
    .catch(() => null);
  return page?.zh ?? null;
}

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const key = savedKey();
  const headers = new Headers(init.headers);
  if (key) headers.set("Authorization", `Bearer ${key}`);
  if (init.body !== undefined) headers.set("Content-Type", "application/json");
  const response = await fetch(path, { ...init, headers });
  if (response.ok) return response;
  const problem = (await response.json().catch(() => null)) as { detail?: string; type?: string } | null;
  const type = problem?.type ?? "";
  throw new ApiError(response.status, problem?.detail ?? `HTTP ${response.status}`, type, await chineseOf(type));
}

export const getJson = async <T>(path: string): Promise<T> => (await call(path)).json() as Promise<T>;
export const sendJson = async <T>(method: "PUT" | "POST" | "PATCH", path: string, body: unknown): Promise<T> =>
  (await call(path, { method, body: JSON.stringify(body) })).json() as Promise<T>;
export const remove = async (path: string): Promise<void> => void (await call(path, { method: "DELETE" }));
/** A body as a local object URL (a chart to show, a CSV to download), read with the key. */
export const blobUrl = async (path: string): Promise<string> => URL.createObjectURL(await (await call(path)).blob());

export interface KeyInfo {
  key: string;
  tier: string;
  permissions: string[];
  dailyUpstreamCalls: number | null;
}

export interface Usage {
  requests: number;
  hits: number;
  upstreamCalls: number;
  billedCalls: number;
  dailyUpstreamCalls: number | null;
  remainingUpstreamCalls: number | null;
  gateway: { upstreamCalls: "allowed" | "stopped"; stoppedUntil: string | null; reason: string | null; budgetRemaining: number | null };
  cost: { currency: string; today: number; last30Days: number } | null;
  history: { day: string; upstreamCalls: number; billedCalls: number }[];
}

/** A roster as PUT, POST and PATCH answer it. */
export interface Roster {
  name: string;
  kolIds: string[];
  labels: Record<string, string>;
}
export interface RosterList {
  rosters: { name: string; size: number; updatedAt: string }[];
}

export interface Member {
  kolId: string;
  label?: string;
  ok: boolean;
  series?: { date: string; fans: number | null }[];
  summary?: { lastFans: number | null; change: number | null; changeRate: number | null };
  anomalies?: { date: string; kind: string }[];
  problem?: { detail: string };
}

export interface RosterTrends {
  startDate: string;
  endDate: string;
  answered: number;
  failed: number;
  members: Member[];
}

export interface ShareLink {
  id: string;
  urls: { json: string; csv: string; svg: string; wideCsv?: string; excelCsv: string };
  embed: string;
}

export const rosterPath = (name: string) => `/v1/rosters/${encodeURIComponent(name)}`;
