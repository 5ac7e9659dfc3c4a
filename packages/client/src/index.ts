/**
 * @module A typed client for a Xingtu Edge gateway, with no dependencies: Node 20+, browsers and
 * any runtime with `fetch`. The types mirror the gateway's own schemas (a test in the gateway's
 * repository holds them equal), so they cannot drift.
 */

/** One day: the follower count and the change from the day before (null when the upstream had none). */
export interface TrendPoint {
  date: string;
  fans: number | null;
  delta: number | null;
}

export interface TrendSummary {
  days: number;
  firstFans: number | null;
  lastFans: number | null;
  change: number | null;
  /** `change / firstFans` as a fraction (0.01 = 1 %), null when undefined. */
  changeRate: number | null;
  minFans: number | null;
  maxFans: number | null;
  gainDays: number;
  lossDays: number;
}

/** The upstream's own range-level fields, as numbers. */
export interface TrendUpstreamFields {
  fansGrowth: number | null;
  fansGrowthRate: number | null;
  fansGrowthV2: number | null;
  fansGrowthRateV2Bp: number | null;
  /** Null when the upstream sent none, or not as text. */
  description: string | null;
  fansAdvice: string | null;
}

export interface Trend {
  kolId: string;
  startDate: string;
  endDate: string;
  series: TrendPoint[];
  summary: TrendSummary;
  upstream: TrendUpstreamFields;
}

/** One violated rule of one input field. */
export interface FieldError {
  field: string;
  in?: "path" | "query" | "header" | "body";
  rule: string;
  message: string;
}

/** Every error the gateway answers (RFC 9457). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: FieldError[];
  code?: number;
  message?: string;
}

export interface Usage {
  key: string;
  day: string;
  requests: number;
  hits: number;
  upstreamCalls: number;
  billedCalls: number;
  /** Calls that may have been billed (timeouts, broken connections): counted as spent. */
  uncertainCalls: number;
  dailyUpstreamCalls: number | null;
  remainingUpstreamCalls: number | null;
  resetsAt: string;
  /** Whether the gateway calls the upstream now (why not, until when), and its daily budget left. */
  gateway: {
    upstreamCalls: "allowed" | "stopped";
    stoppedUntil: string | null;
    reason: string | null;
    budgetRemaining: number | null;
  };
}

export interface KeyInfo {
  key: string;
  tier: "standard" | "bulk";
  permissions: ("refresh" | "operate")[];
  dailyUpstreamCalls: number | null;
}

export type DeliveryState = "queued" | "delivered" | "failed";

export interface DeliveryAccepted {
  deliveryId: string;
  status: DeliveryState;
  statusUrl: string;
}

export interface DeliveryStatus {
  id: string;
  owner: string;
  status: DeliveryState;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  requestId: string | null;
}

/** A day whose follower change departs from the creator's own normal over the range. */
export interface Anomaly {
  date: string;
  delta: number;
  /** Modified z-score: how far from the creator's normal, and which way. */
  score: number;
  kind: "spike" | "drop";
}

/** One creator of a roster's answer: its trend, or the problem that kept it from being answered. */
export type RosterMember =
  | { kolId: string; ok: true; cacheStatus: string; series: TrendPoint[]; summary: TrendSummary; anomalies: Anomaly[] }
  | { kolId: string; ok: false; problem: { type: string; title: string; status: number; detail: string } };

/** Many creators in one answer. */
export interface RosterTrends {
  /** The roster's name; null for creators sent without one. */
  roster: string | null;
  startDate: string;
  endDate: string;
  /** Every creator answered. */
  complete: boolean;
  answered: number;
  failed: number;
  members: RosterMember[];
  rankings: { byChange: string[]; byAnomaly: string[] };
}

export interface Roster {
  name: string;
  kolIds: string[];
  createdAt: string;
  updatedAt: string;
}

export interface RosterList {
  rosters: { name: string; size: number; updatedAt: string }[];
  limits: { rosters: number; creatorsPerRoster: number };
}

/** What makes a watch alert, about yesterday (Shanghai). */
export type WatchRule =
  { kind: "anomaly" } | { kind: "change"; days: number; above?: number; abovePercent?: number } | { kind: "below"; fans: number };

/** Where a watch's daily digest goes. */
export type WatchTarget =
  | { type: "webhook"; url: string }
  | { type: "feishu"; url: string; secret?: string }
  | { type: "dingtalk"; url: string; secret?: string }
  | { type: "wecom"; url: string }
  | { type: "slack"; url: string };

export interface Watch {
  rules: WatchRule[];
  targets: WatchTarget[];
}

/** A watch as the gateway shows it: secrets as `set`, chat addresses as their origin. */
export interface WatchView {
  rules: WatchRule[];
  targets: { type: WatchTarget["type"]; url: string; secret?: "set" }[];
  lastDigest: string | null;
}

/** A range of Shanghai days, yyyy-MM-dd, both included. */
export interface Range {
  startDate: string;
  endDate: string;
  /** Forwarded to the upstream on a miss (its own cache). */
  acceptCache?: boolean;
  /** Skip every stored answer (keys with the `refresh` permission; each one costs an upstream call). */
  refresh?: boolean;
}

/** An answer, with where it came from and what it cost. */
export interface Answer<T> {
  data: T;
  /** RFC 9211 `Cache-Status`, e.g. `xingtu-edge; hit; ttl=3540`. */
  cacheStatus: string | null;
  /** Upstream calls this request made (0 on a hit), and how many of them are billed. */
  upstreamCalls: number;
  upstreamBilled: number;
  /** The gateway's request id (its log line), for support. */
  requestId: string | null;
}

/** A refused request: the gateway's problem, with its HTTP status. */
export class GatewayError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(`${problem.title}: ${problem.detail}`);
    this.name = "GatewayError";
    this.status = problem.status;
    this.problem = problem;
  }
}

export interface ClientOptions {
  /** The fetch to use (default: the global one). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

async function failure(response: Response): Promise<GatewayError> {
  const body = (await response.json().catch(() => null)) as Problem | null;
  return new GatewayError(
    body && typeof body.type === "string"
      ? body
      : {
          type: "about:blank",
          title: `HTTP ${response.status}`,
          status: response.status,
          detail: response.statusText,
          instance: "",
          requestId: "",
        },
  );
}

export function createGatewayClient(baseUrl: string, key: string, options: ClientOptions = {}) {
  const send = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  const base = baseUrl.replace(/\/+$/, "");

  async function call(path: string, init: RequestInit = {}, accept = "application/json"): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${key}`);
    headers.set("Accept", accept);
    const response = await send(`${base}${path}`, { ...init, headers });
    if (!response.ok) throw await failure(response);
    return response;
  }

  const answer = async <T>(response: Response, data: T): Promise<Answer<T>> => ({
    data,
    cacheStatus: response.headers.get("Cache-Status"),
    upstreamCalls: Number(response.headers.get("Xingtu-Upstream-Calls") ?? 0),
    upstreamBilled: Number(response.headers.get("Xingtu-Upstream-Billed") ?? 0),
    requestId: response.headers.get("X-Request-Id"),
  });

  const rangeQuery = (range: Range, format?: "csv") => {
    const query = new URLSearchParams({ startDate: range.startDate, endDate: range.endDate });
    if (range.acceptCache !== undefined) query.set("acceptCache", String(range.acceptCache));
    if (format) query.set("format", format);
    return query;
  };
  const trendPath = (kolId: string, range: Range, format?: "csv") =>
    `/v1/kols/${encodeURIComponent(kolId)}/daily-fans?${rangeQuery(range, format)}`;
  const rosterPath = (name: string) => `/v1/rosters/${encodeURIComponent(name)}`;
  const json = (method: string, body: unknown): RequestInit => ({
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const refresh = (range: Range): RequestInit => (range.refresh ? { headers: { "Cache-Control": "no-cache" } } : {});

  return {
    /** A creator's daily followers over a range, normalized and summarised. */
    async dailyFans(kolId: string, range: Range): Promise<Answer<Trend>> {
      const response = await call(trendPath(kolId, range), refresh(range));
      return answer(response, (await response.json()) as Trend);
    },
    /** The same series as CSV (`date,fans,delta`), for spreadsheets. */
    async dailyFansCsv(kolId: string, range: Range): Promise<Answer<string>> {
      const response = await call(trendPath(kolId, range, "csv"), refresh(range), "text/csv");
      return answer(response, await response.text());
    },
    /** Delivers a range's answer to `callbackUrl` later, signed by Standard Webhooks. */
    async requestDelivery(kolId: string, range: Range & { callbackUrl: string; requestId?: string }): Promise<DeliveryAccepted> {
      const { refresh: _refresh, ...body } = range;
      const response = await call("/v1/webhooks/daily-fans", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ kolId, ...body }),
      });
      return (await response.json()) as DeliveryAccepted;
    },
    /** A delivery's status. */
    async delivery(id: string): Promise<DeliveryStatus> {
      return (await (await call(`/v1/webhooks/deliveries/${encodeURIComponent(id)}`)).json()) as DeliveryStatus;
    },
    /** The key's rosters: names, sizes, and how many it may keep. */
    async rosters(): Promise<RosterList> {
      return (await (await call("/v1/rosters")).json()) as RosterList;
    },
    /** A roster's creators. */
    async roster(name: string): Promise<Roster> {
      return (await (await call(rosterPath(name))).json()) as Roster;
    },
    /** Creates a roster, or replaces its creators. */
    async putRoster(name: string, kolIds: string[]): Promise<Roster> {
      return (await (await call(rosterPath(name), json("PUT", { kolIds }))).json()) as Roster;
    },
    /** Adds creators after the roster's own. */
    async addToRoster(name: string, kolIds: string[]): Promise<Roster> {
      return (await (await call(`${rosterPath(name)}/kols`, json("POST", { kolIds }))).json()) as Roster;
    },
    /** Removes one creator from a roster. */
    async removeFromRoster(name: string, kolId: string): Promise<Roster> {
      return (await (await call(`${rosterPath(name)}/kols/${encodeURIComponent(kolId)}`, { method: "DELETE" })).json()) as Roster;
    },
    async deleteRoster(name: string): Promise<void> {
      await call(rosterPath(name), { method: "DELETE" });
    },
    /** Every creator of a roster over a range: trends, summaries, anomalous days, rankings. */
    async rosterDailyFans(name: string, range: Range): Promise<Answer<RosterTrends>> {
      const response = await call(`${rosterPath(name)}/daily-fans?${rangeQuery(range)}`);
      return answer(response, (await response.json()) as RosterTrends);
    },
    /** The same as long CSV (`kolId,date,fans,delta`), for spreadsheets. */
    async rosterDailyFansCsv(name: string, range: Range): Promise<Answer<string>> {
      const response = await call(`${rosterPath(name)}/daily-fans?${rangeQuery(range, "csv")}`, {}, "text/csv");
      return answer(response, await response.text());
    },
    /** Watches a roster: its rules, and where the day's digest goes. */
    async putWatch(name: string, watch: Watch): Promise<WatchView> {
      return (await (await call(`${rosterPath(name)}/watch`, json("PUT", watch))).json()) as WatchView;
    },
    async watch(name: string): Promise<WatchView> {
      return (await (await call(`${rosterPath(name)}/watch`)).json()) as WatchView;
    },
    async deleteWatch(name: string): Promise<void> {
      await call(`${rosterPath(name)}/watch`, { method: "DELETE" });
    },
    /** Several creators (up to 200) over a range, without a roster. */
    async compareDailyFans(kolIds: string[], range: Range): Promise<Answer<RosterTrends>> {
      const { refresh: _refresh, ...body } = range;
      const response = await call("/v1/kols/daily-fans", json("POST", { kolIds, ...body }));
      return answer(response, (await response.json()) as RosterTrends);
    },
    /** This key's day (Asia/Shanghai): requests, hits, upstream calls, billed calls, its limit. */
    async usage(): Promise<Usage> {
      return (await (await call("/v1/usage")).json()) as Usage;
    },
    /** Which key this is. */
    async key(): Promise<KeyInfo> {
      return (await (await call("/v1/key")).json()) as KeyInfo;
    },
  };
}

export type GatewayClient = ReturnType<typeof createGatewayClient>;
