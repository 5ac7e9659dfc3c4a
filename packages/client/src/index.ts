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
  /** The problem in one short line of Simplified Chinese, when the request asked for Chinese. */
  zh?: string;
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
  /** Calls admitted and not yet recorded (under way now): they count against the limit too. */
  inFlightCalls: number;
  /** Calls the key's ledger leased to gateway isolates (admitted ahead): they count against the limit until used and recorded, or given back. */
  leasedCalls: number;
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
  /** The operator's price per call, and what this key's spent calls cost today and over the 30
   * days of `history`; null when the operator configured no price. */
  cost: { perCall: number; currency: string; today: number; last30Days: number } | null;
  /** The key's last 30 days (Asia/Shanghai), oldest first, today last. */
  history: { day: string; upstreamCalls: number; billedCalls: number; uncertainCalls: number; amount: number | null }[];
}

/** Where a creator's answer would come from now. */
export type QuoteSource = "stored-answer" | "stored-days" | "in-flight" | "kept-unusable" | "upstream";

/** What a request would spend now, asked before it is made (spending nothing). */
export interface Quote {
  startDate: string;
  endDate: string;
  creators: number;
  /** Upstream calls the request would make now, and the days they would ask for. */
  calls: number;
  days: number;
  /** null when the operator configured no price. */
  price: { perCall: number; currency: string; amount: number } | null;
  /** Whether every call would be admitted now; if not, what would stop them. */
  admitted: boolean;
  refusedBy: "key-limit" | "budget" | "spend-guard" | null;
  keyRemaining: number | null;
  budgetRemaining: number | null;
  members: { kolId: string; source: QuoteSource; calls: number; window: { startDate: string; endDate: string } | null }[];
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
  | { kolId: string; label?: string; ok: true; cacheStatus: string; series: TrendPoint[]; summary: TrendSummary; anomalies: Anomaly[] }
  | { kolId: string; label?: string; ok: false; problem: { type: string; title: string; status: number; detail: string } };

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

/** A roster's answer with `fields=summary`: each answered creator without its series. */
export type RosterSummaryTrends = Omit<RosterTrends, "members"> & {
  members: (Extract<RosterMember, { ok: false }> | Omit<Extract<RosterMember, { ok: true }>, "series">)[];
};

export interface Roster {
  name: string;
  kolIds: string[];
  /** Labels by creator id, for the creators that have one. */
  labels: Record<string, string>;
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
  /** The digest's language: zh-CN (the default) or en. */
  lang?: "zh-CN" | "en";
}

/** One target's answer to a sample digest (`testWatch`). */
export interface WatchTestResult {
  type: WatchTarget["type"];
  /** Its origin only. */
  url: string;
  ok: boolean;
  /** The HTTP status it answered; null when unreachable. */
  status: number | null;
  /** The chat service's own code (Feishu `code`, DingTalk and WeCom `errcode`); null for webhook and Slack. */
  code: number | null;
  message: string | null;
}

export interface WatchTest {
  targets: WatchTestResult[];
}

/** What a share link shows: one creator's trend or one of the key's rosters, over dates or the `days` ending yesterday. */
export type ShareLinkRequest = (
  | { kolId: string; roster?: never; /** The creator's name, for the chart's title and the link's text. */ name?: string }
  | { roster: string; kolId?: never; name?: never }
) &
  ({ startDate: string; endDate: string; days?: never } | { days: number; startDate?: never; endDate?: never }) & {
    /** A roster chart's: absolute counts or indexed to 100. */
    mode?: "absolute" | "indexed";
    /** The words' language (chart, CSV headers); the viewer's browser chooses without it. */
    lang?: "zh-CN" | "zh" | "en";
    /** For the owner's list. */
    note?: string;
    /** RFC 3339; without it the link works until revoked. */
    expiresAt?: string;
  };

/** A CSV's headers' language (English unless asked), and a byte-order mark for Excel. */
export interface CsvOptions {
  lang?: "zh-CN" | "en";
  bom?: boolean;
}

/** A read-only link, as its owner reads it. */
export interface ShareLink {
  id: string;
  resource: { kolId: string; name?: string } | { roster: string };
  range: { startDate: string; endDate: string } | { days: number };
  mode?: "absolute" | "indexed";
  lang?: "zh-CN" | "en";
  note?: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  status: "active" | "revoked" | "expired";
  /** What it serves with no key: JSON, CSV, the SVG chart, a roster's wide CSV, CSV for Excel. */
  urls: { json: string; csv: string; svg: string; wideCsv?: string; excelCsv: string };
  /** An `<img>` of the chart. */
  embed: string;
}

/** A client key as an operator lists it (`/v1/keys`): never the key or its hash. */
export interface KeyView {
  name: string;
  tier: "standard" | "bulk";
  permissions: ("refresh" | "operate")[];
  created: string;
  disabled: boolean;
  dailyUpstreamCalls: number;
  /** Its webhook secret is being rotated: the previous secret signs too until the rotation is finished. */
  rotating: boolean;
}

export interface ShareLinkList {
  links: ShareLink[];
  limits: { activeLinks: number };
}

/** A watch as the gateway shows it: secrets as `set`, chat addresses as their origin. */
export interface WatchView {
  rules: WatchRule[];
  targets: { type: WatchTarget["type"]; url: string; secret?: "set" }[];
  lastDigest: string | null;
  lang: "zh-CN" | "en";
}

/** Which days: from `startDate` to `endDate` (yyyy-MM-dd, Asia/Shanghai, both included), or the
 * `days` days that end yesterday (a rolling range: the same call asks for later days as days pass). */
export type Days = { startDate: string; endDate: string; days?: never } | { days: number; startDate?: never; endDate?: never };

/** A range as a quote takes it: the days, and whether the upstream may answer from its cache. */
export type QuoteRange = Days & {
  /** Forwarded to the upstream on a miss (its own cache). */
  acceptCache?: boolean;
};

export type Range = QuoteRange & {
  /**
   * Buy the range again (keys with the `refresh` permission; each costs an upstream call): `live`
   * its last two days, which Douyin may still revise, `settled` the whole range. The gateway grants
   * one key one refresh of a range per 10 minutes; `Answer.refresh` says what it did.
   */
  refresh?: "live" | "settled";
};

/** An answer, with where it came from and what it cost. */
export interface Answer<T> {
  data: T;
  /** RFC 9211 `Cache-Status`, e.g. `xingtu-edge; hit; ttl=3540`. */
  cacheStatus: string | null;
  /** Upstream calls this request made (0 on a hit), and how many of them are billed. */
  upstreamCalls: number;
  upstreamBilled: number;
  /** What a requested refresh did (`done`, `refused; reason=...`, `skipped; reason=...`), else null. */
  refresh: string | null;
  /** The gateway's request id (its log line), for support. */
  requestId: string | null;
}

/**
 * Every failure, as a problem (RFC 9457): the gateway's own when it answered, or one this client
 * writes when there was no answer (then `status` is 0 and `type` a `urn:xingtu-edge:client:` URI).
 * Catch this class for all of them, or a subclass for one kind.
 */
export class GatewayError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem, options?: { cause?: unknown }) {
    // The detail says it all (it often starts with the title): said once.
    super(problem.detail || problem.title, options);
    this.name = "GatewayError";
    this.status = problem.status;
    this.problem = problem;
  }
}

/** No answer within `timeoutMs`. Never retried: the request may have cost an upstream call. */
export class GatewayTimeoutError extends GatewayError {
  constructor(problem: Problem) {
    super(problem);
    this.name = "GatewayTimeoutError";
  }
}

/** The gateway could not be reached (a wrong address, a refused or broken connection). Never retried. */
export class GatewayUnreachableError extends GatewayError {
  constructor(problem: Problem, cause: unknown) {
    super(problem, { cause });
    this.name = "GatewayUnreachableError";
  }
}

export interface ClientOptions {
  /** The fetch to use (default: the global one). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /**
   * How long a request may take, answer read included (default 100 s: the gateway waits up to 60 s
   * for one upstream call, 90 s for all of a request's).
   */
  timeoutMs?: number;
  /** Retries of an answer that says when to retry (`Retry-After` on 429 or 503, which spent nothing); default 2. */
  retries?: number;
  /** The longest `Retry-After` to wait for (default 60 s); a longer one (a daily limit) is thrown at once. */
  maxRetryDelayMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 100_000;
const DEFAULT_RETRIES = 2;
const DEFAULT_MAX_RETRY_DELAY_MS = 60_000;

const clientProblem = (
  kind: "timeout" | "unreachable" | "http",
  status: number,
  title: string,
  detail: string,
  instance: string,
): Problem => ({
  type: `urn:xingtu-edge:client:${kind}`,
  title,
  status,
  detail,
  instance,
  requestId: "",
});

/** The gateway's problem, or one for an error answer that is not one (a proxy's page). */
function failure(response: Response, body: string, path: string): GatewayError {
  let problem: Problem | null = null;
  try {
    problem = JSON.parse(body) as Problem;
  } catch {
    // Not JSON: not the gateway's problem.
  }
  if (problem && typeof problem.type === "string" && typeof problem.detail === "string") return new GatewayError(problem);
  const title = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  return new GatewayError(clientProblem("http", response.status, title, `${title}, with no problem from the gateway.`, path));
}

/** How long the answer asks to wait before a retry, when it asks; null when it must not be retried. */
function retryDelayMs(response: Response): number | null {
  if (response.status !== 429 && response.status !== 503) return null;
  const header = response.headers.get("Retry-After");
  if (header === null || !/^\d+$/.test(header.trim())) return null;
  return Number(header) * 1000;
}

interface Received {
  response: Response;
  body: string;
}

export function createGatewayClient(baseUrl: string, key: string, options: ClientOptions = {}) {
  const send = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  const base = baseUrl.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = options.retries ?? DEFAULT_RETRIES;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS;

  /** One attempt, its answer read whole, within the timeout (whether or not `fetch` heeds the signal). */
  async function attempt(path: string, init: RequestInit): Promise<Received> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error("timed out"));
      }, timeoutMs);
    });
    try {
      return await Promise.race([
        (async () => {
          const response = await send(`${base}${path}`, { ...init, signal: controller.signal });
          return { response, body: await response.text() };
        })(),
        timedOut,
      ]);
    } catch (error) {
      if (controller.signal.aborted) {
        throw new GatewayTimeoutError(
          clientProblem(
            "timeout",
            0,
            "The gateway did not answer in time",
            `No answer from ${base} within ${timeoutMs} ms; not retried, since the request may have cost an upstream call.`,
            path,
          ),
        );
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw new GatewayUnreachableError(
        clientProblem("unreachable", 0, "The gateway could not be reached", `${base} could not be reached (${reason}).`, path),
        error,
      );
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  async function call(path: string, init: RequestInit = {}, accept = "application/json"): Promise<Received> {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${key}`);
    headers.set("Accept", accept);
    for (let retry = 0; ; retry++) {
      const received = await attempt(path, { ...init, headers });
      if (received.response.ok) return received;
      const delay = retryDelayMs(received.response);
      if (delay === null || delay > maxRetryDelayMs || retry >= retries) throw failure(received.response, received.body, path);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  const parsed = <T>({ body }: Received) => JSON.parse(body) as T;

  const answer = <T>({ response }: Received, data: T): Answer<T> => ({
    data,
    cacheStatus: response.headers.get("Cache-Status"),
    upstreamCalls: Number(response.headers.get("Xingtu-Upstream-Calls") ?? 0),
    upstreamBilled: Number(response.headers.get("Xingtu-Upstream-Billed") ?? 0),
    refresh: response.headers.get("Xingtu-Refresh"),
    requestId: response.headers.get("X-Request-Id"),
  });

  const rangeQuery = (range: Range, format?: "csv" | "csv-wide", options: CsvOptions = {}) => {
    const query = new URLSearchParams(
      range.days === undefined ? { startDate: range.startDate, endDate: range.endDate } : { days: String(range.days) },
    );
    if (range.acceptCache !== undefined) query.set("acceptCache", String(range.acceptCache));
    if (format) query.set("format", format);
    if (options.lang) query.set("lang", options.lang);
    if (options.bom) query.set("bom", "true");
    return query;
  };
  const trendPath = (kolId: string, range: Range, format?: "csv", options?: CsvOptions) =>
    `/v1/kols/${encodeURIComponent(kolId)}/daily-fans?${rangeQuery(range, format, options)}`;
  const rosterPath = (name: string) => `/v1/rosters/${encodeURIComponent(name)}`;
  const json = (method: string, body: unknown): RequestInit => ({
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const refresh = (range: Range): RequestInit => (range.refresh ? { headers: { "Xingtu-Refresh": range.refresh } } : {});

  return {
    /** A creator's daily followers over a range, normalized and summarised. */
    async dailyFans(kolId: string, range: Range): Promise<Answer<Trend>> {
      const received = await call(trendPath(kolId, range), refresh(range));
      return answer(received, parsed<Trend>(received));
    },
    /** The same series as CSV (`date,fans,delta`), for spreadsheets. */
    async dailyFansCsv(kolId: string, range: Range, options?: CsvOptions): Promise<Answer<string>> {
      const received = await call(trendPath(kolId, range, "csv", options), refresh(range), "text/csv");
      return answer(received, received.body);
    },
    /** Delivers a range's answer to `callbackUrl` later, signed by Standard Webhooks. */
    async requestDelivery(kolId: string, range: Range & { callbackUrl: string; requestId?: string }): Promise<DeliveryAccepted> {
      const { refresh: _refresh, ...body } = range;
      return parsed<DeliveryAccepted>(await call("/v1/webhooks/daily-fans", json("POST", { kolId, ...body })));
    },
    /** A delivery's status. */
    async delivery(id: string): Promise<DeliveryStatus> {
      return parsed<DeliveryStatus>(await call(`/v1/webhooks/deliveries/${encodeURIComponent(id)}`));
    },
    /** The key's rosters: names, sizes, and how many it may keep. */
    async rosters(): Promise<RosterList> {
      return parsed<RosterList>(await call("/v1/rosters"));
    },
    /** A roster's creators. */
    async roster(name: string): Promise<Roster> {
      return parsed<Roster>(await call(rosterPath(name)));
    },
    /** Creates a roster, or replaces its creators; `labels` names any of them (by creator id). */
    async putRoster(name: string, kolIds: string[], labels?: Record<string, string>): Promise<Roster> {
      return parsed<Roster>(await call(rosterPath(name), json("PUT", { kolIds, labels })));
    },
    /** Adds creators after the roster's own; `labels` names new and existing ones alike. */
    async addToRoster(name: string, kolIds: string[], labels?: Record<string, string>): Promise<Roster> {
      return parsed<Roster>(await call(`${rosterPath(name)}/kols`, json("POST", { kolIds, labels })));
    },
    /** Removes one creator from a roster. */
    async removeFromRoster(name: string, kolId: string): Promise<Roster> {
      return parsed<Roster>(await call(`${rosterPath(name)}/kols/${encodeURIComponent(kolId)}`, { method: "DELETE" }));
    },
    /** Renames a roster: its creators, labels, watch and share links go with it. */
    async renameRoster(name: string, to: string): Promise<Roster> {
      return parsed<Roster>(await call(rosterPath(name), json("PATCH", { name: to })));
    },
    /** Deletes a roster and its watch. */
    async deleteRoster(name: string): Promise<void> {
      await call(rosterPath(name), { method: "DELETE" });
    },
    /** Every creator of a roster over a range: trends, summaries, anomalous days, rankings. */
    async rosterDailyFans(name: string, range: Range): Promise<Answer<RosterTrends>> {
      const received = await call(`${rosterPath(name)}/daily-fans?${rangeQuery(range)}`);
      return answer(received, parsed<RosterTrends>(received));
    },
    /** The same without each creator's day-by-day series: summaries, anomalies, rankings (`fields=summary`). */
    async rosterSummary(name: string, range: Range): Promise<Answer<RosterSummaryTrends>> {
      const query = rangeQuery(range);
      query.set("fields", "summary");
      const received = await call(`${rosterPath(name)}/daily-fans?${query}`);
      return answer(received, parsed<RosterSummaryTrends>(received));
    },
    /** The same as long CSV (`kolId,date,fans,delta,label`), for spreadsheets. */
    async rosterDailyFansCsv(name: string, range: Range, options: CsvOptions & { wide?: boolean } = {}): Promise<Answer<string>> {
      const received = await call(
        `${rosterPath(name)}/daily-fans?${rangeQuery(range, options.wide ? "csv-wide" : "csv", options)}`,
        {},
        "text/csv",
      );
      return answer(received, received.body);
    },
    /** Watches a roster: its rules, and where the day's digest goes. */
    async putWatch(name: string, watch: Watch): Promise<WatchView> {
      return parsed<WatchView>(await call(`${rosterPath(name)}/watch`, json("PUT", watch)));
    },
    async watch(name: string): Promise<WatchView> {
      return parsed<WatchView>(await call(`${rosterPath(name)}/watch`));
    },
    /** Sends a sample digest, marked as a test, to each of the watch's targets now: each target's answer. Spends nothing. */
    async testWatch(name: string): Promise<WatchTest> {
      return parsed<WatchTest>(await call(`${rosterPath(name)}/watch/test`, { method: "POST" }));
    },
    async deleteWatch(name: string): Promise<void> {
      await call(`${rosterPath(name)}/watch`, { method: "DELETE" });
    },
    /** Every client key (operator keys only). */
    async keys(): Promise<{ keys: KeyView[] }> {
      return parsed<{ keys: KeyView[] }>(await call("/v1/keys"));
    },
    /** A key for a teammate (operator keys only): `key` is shown this once. */
    async createKey(key: {
      name: string;
      tier?: "standard" | "bulk";
      permissions?: ("refresh" | "operate")[];
      dailyUpstreamCalls?: number;
    }): Promise<KeyView & { key: string }> {
      return parsed<KeyView & { key: string }>(await call("/v1/keys", json("POST", key)));
    },
    /** Changes a key's tier, permissions or daily upstream calls (operator keys only); the rest stays. */
    async changeKey(
      name: string,
      change: { tier?: "standard" | "bulk"; permissions?: ("refresh" | "operate")[]; dailyUpstreamCalls?: number },
    ): Promise<KeyView> {
      return parsed<KeyView>(await call(`/v1/keys/${encodeURIComponent(name)}`, json("PATCH", change)));
    },
    /** Starts a rotation of a key's webhook secret (both valid until finished), or finishes it (operator keys only). */
    async rotateKeySecret(name: string, finish = false): Promise<KeyView> {
      const body = finish ? { finish } : {};
      return parsed<KeyView>(await call(`/v1/keys/${encodeURIComponent(name)}/webhook-secret`, json("POST", body)));
    },
    /** Revokes a key (operator keys only; never the calling key). */
    async revokeKey(name: string): Promise<void> {
      await call(`/v1/keys/${encodeURIComponent(name)}`, { method: "DELETE" });
    },
    /** A read-only link to a creator's or roster's trends, for spreadsheets and `<img>` (no key needed to read it). */
    async createShareLink(link: ShareLinkRequest): Promise<ShareLink> {
      return parsed<ShareLink>(await call("/v1/share-links", json("POST", link)));
    },
    /** The key's share links, with their URLs. */
    async shareLinks(): Promise<ShareLinkList> {
      return parsed<ShareLinkList>(await call("/v1/share-links"));
    },
    /** One of the key's share links. */
    async shareLink(id: string): Promise<ShareLink> {
      return parsed<ShareLink>(await call(`/v1/share-links/${encodeURIComponent(id)}`));
    },
    async revokeShareLink(id: string): Promise<void> {
      await call(`/v1/share-links/${encodeURIComponent(id)}`, { method: "DELETE" });
    },
    /** Several creators (up to 200) over a range, without a roster. */
    async compareDailyFans(kolIds: string[], range: Range): Promise<Answer<RosterTrends>> {
      const { refresh: _refresh, ...body } = range;
      const received = await call("/v1/kols/daily-fans", json("POST", { kolIds, ...body }));
      return answer(received, parsed<RosterTrends>(received));
    },
    /** What `dailyFans` (or its CSV, chart or a webhook) for this range would spend now; spends nothing. */
    async quoteDailyFans(kolId: string, range: QuoteRange): Promise<Quote> {
      return parsed<Quote>(await call(`/v1/kols/${encodeURIComponent(kolId)}/daily-fans/quote?${rangeQuery(range)}`));
    },
    /** What `rosterDailyFans` for this range would spend now; spends nothing. */
    async quoteRosterDailyFans(name: string, range: QuoteRange): Promise<Quote> {
      return parsed<Quote>(await call(`${rosterPath(name)}/daily-fans/quote?${rangeQuery(range)}`));
    },
    /** What `compareDailyFans` for these creators would spend now; spends nothing. */
    async quoteCompareDailyFans(kolIds: string[], range: QuoteRange): Promise<Quote> {
      return parsed<Quote>(await call("/v1/kols/daily-fans/quote", json("POST", { kolIds, ...range })));
    },
    /** This key's day (Asia/Shanghai): requests, hits, upstream calls, billed calls, its limit. */
    async usage(): Promise<Usage> {
      return parsed<Usage>(await call("/v1/usage"));
    },
    /** Which key this is. */
    async key(): Promise<KeyInfo> {
      return parsed<KeyInfo>(await call("/v1/key"));
    },
  };
}

export type GatewayClient = ReturnType<typeof createGatewayClient>;
