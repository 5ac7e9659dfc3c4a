/**
 * @module The upstream emulator: a faithful, deterministic stand-in for Just One API's
 * "KOL Follower Trend (V1)", used by the tests, the local run and the benchmark. It is never
 * imported by the gateway's entry, so it is not in the deployed bundle.
 *
 * It serves both of the maker's paths with the same data: the successor (`oAuthorId`) and the
 * deprecated seed (`kolId`), and sends a `requestId` in every envelope, as the maker documents.
 *
 * Switches (documented in README.md, "The upstream emulator"):
 * - kolId `999` + a business code (e.g. `999301`) always answers that code;
 * - `POST /__emulator/retire` `{"endpoint":"kol-daily-fans","as":"http-404"|"code-300"}` makes a
 *   path answer as a switched-off one until the next reset;
 * - `POST /__emulator/faults` queues faults (JSON array) consumed one per matching request;
 * - `GET /__emulator/requests` lists the requests received, tokens masked;
 * - `POST /__emulator/reset` clears faults and the request log.
 *
 * The maker documents no maximum range and no history depth, so both are options (the worker's
 * EMULATOR_MAX_RANGE_DAYS and EMULATOR_HISTORY_DAYS), off by default: a range longer than
 * `maxRangeDays` is refused as invalid parameters (code 400, unbilled); days older than
 * `historyDays` before today (Asia/Shanghai, on the emulator's clock) are left out of an answer,
 * and a range with none left is answered 201 (No Content Available, billed).
 */
import { Hono } from "hono";
import * as z from "zod";
import { addDays, daysInRange, isCalendarDate, shanghaiToday } from "../../src/calendar.ts";
import { successBody } from "./series.ts";
import { UPSTREAM_ENDPOINTS, ENDPOINT_NAMES, type UpstreamEndpoint } from "../../src/upstream/request.ts";

const BUSINESS_MESSAGES: Record<number, string> = {
  100: "Invalid or Inactive Token",
  201: "No Content Available",
  300: "API invalid",
  301: "Collection Failed. Please Retry.",
  302: "Rate Limit Exceeded",
  303: "Daily Quota Exceeded",
  400: "Invalid Parameters",
  500: "Internal Server Error",
  600: "Permission Denied",
  601: "Insufficient Balance",
  602: "Spending Cap Reached",
};

const faultSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("code"),
    code: z.number().int(),
    httpStatus: z.number().int().default(200),
    codeAsString: z.boolean().default(false),
  }),
  z.object({ kind: z.literal("ok"), codeAsString: z.boolean().default(false) }),
  z.object({ kind: z.literal("slow"), delayMs: z.number().int().nonnegative() }),
  z.object({
    kind: z.literal("http"),
    status: z.number().int().min(200).max(599),
    body: z.string().default("<html><body>502 Bad Gateway</body></html>"),
    contentType: z.string().default("text/html"),
  }),
  // An upstream that echoes the token it was sent in `message` and `requestId` (the code's answer otherwise).
  z.object({ kind: z.literal("echo-token"), code: z.number().int().default(0) }),
  z.object({ kind: z.literal("malformed") }),
  z.object({ kind: z.literal("truncated") }),
  z.object({ kind: z.literal("reset") }),
  z.object({ kind: z.literal("network") }),
  z.object({ kind: z.literal("wrong-shape") }),
  z.object({ kind: z.literal("mismatch") }),
  // A billed answer with odd parts: `data` fields replaced (e.g. `{ "fans_growth": null }`), one
  // day's count replaced (`day`), or a day the request did not ask for added to both series (`extraDay`).
  z.object({
    kind: z.literal("patch"),
    data: z.record(z.string(), z.unknown()).default({}),
    day: z.object({ index: z.number().int().nonnegative(), fans_cnt: z.unknown() }).optional(),
    extraDay: z.string().optional(),
  }),
  z.object({
    kind: z.literal("huge"),
    bytes: z
      .number()
      .int()
      .positive()
      .default(5 * 1024 * 1024),
  }),
]);

const queuedFaultSchema = z.intersection(
  faultSchema,
  z.object({ kolId: z.string().optional(), times: z.number().int().positive().default(1) }),
);

export type Fault = z.input<typeof queuedFaultSchema>;
type QueuedFault = z.output<typeof queuedFaultSchema>;

export interface RecordedRequest {
  at: number;
  /** Which of the maker's paths was called. */
  endpoint: UpstreamEndpoint;
  /** The creator id, from `kolId` (seed path) or `oAuthorId` (successor path). */
  kolId: string | null;
  startDate: string | null;
  endDate: string | null;
  acceptCache: string | null;
  /** Whether a token was sent, and its length: never its value. */
  token: string;
  /** Every query parameter name received, in order, to prove nothing unexpected was forwarded. */
  params: string[];
}

export interface EmulatorOptions {
  /** Added to every normal answer, like the real upstream's seconds-long collection. */
  latencyMs?: number;
  /** The longest range answered, in days; longer ones get code 400. Unset or 0: no limit. */
  maxRangeDays?: number;
  /** How many days before today are still served; older days are left out. Unset: all of them. */
  historyDays?: number;
  /** The emulator's clock, which decides "today" for the history depth (tests pass theirs). */
  now?: () => number;
}

function abortableSleep(ms: number, signal: AbortSignal | null): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(new DOMException("The operation was aborted", "AbortError"));
      },
      { once: true },
    );
  });
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const retirementSchema = z.object({ endpoint: z.enum(ENDPOINT_NAMES), as: z.enum(["http-404", "code-300"]) });
export type Retirement = z.infer<typeof retirementSchema>;

/** A body whose stream breaks after its first half, as a reset connection does. */
function resetBody(text: string): Response {
  const bytes = new TextEncoder().encode(text);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.slice(0, bytes.length >> 1));
      controller.error(new TypeError("Network connection lost."));
    },
  });
  return new Response(stream, { headers: { "Content-Type": "application/json" } });
}

export function createEmulator(options: EmulatorOptions = {}) {
  const requests: RecordedRequest[] = [];
  let faults: QueuedFault[] = [];
  const retired = new Map<UpstreamEndpoint, Retirement["as"]>();
  let answered = 0;
  // Every envelope carries the maker's request id, as its current documentation says.
  const envelope = <T extends object>(body: T) => ({ ...body, requestId: `emu-${++answered}` });

  const businessError = (code: number, codeAsString = false, httpStatus = 200): Response =>
    json(
      envelope({ code: codeAsString ? String(code) : code, message: BUSINESS_MESSAGES[code] ?? "Unknown error", data: null }),
      httpStatus,
    );

  const reset = () => {
    requests.length = 0;
    faults = [];
    retired.clear();
  };

  const takeFault = (kolId: string | null): QueuedFault | null => {
    const index = faults.findIndex((fault) => fault.kolId === undefined || fault.kolId === kolId);
    if (index < 0) return null;
    const fault = faults[index]!;
    if (fault.times <= 1) faults.splice(index, 1);
    else faults[index] = { ...fault, times: fault.times - 1 };
    return fault;
  };

  const answer = async (request: Request, endpoint: UpstreamEndpoint): Promise<Response> => {
    const query = new URL(request.url).searchParams;
    const token = query.get("token");
    const [kolId, startDate, endDate] = [query.get(UPSTREAM_ENDPOINTS[endpoint].idParam), query.get("startDate"), query.get("endDate")];
    requests.push({
      at: (options.now ?? Date.now)(),
      endpoint,
      kolId,
      startDate,
      endDate,
      acceptCache: query.get("acceptCache"),
      token: token ? `***(${token.length})` : "(none)",
      params: [...query.keys()],
    });

    const retirement = retired.get(endpoint);
    if (retirement === "http-404") return new Response("404 Not Found", { status: 404, headers: { "Content-Type": "text/plain" } });
    if (retirement === "code-300") return businessError(300);

    const fault = takeFault(kolId);
    if (fault?.kind === "network") throw new TypeError("Network connection lost.");
    if (fault?.kind === "slow") await abortableSleep(fault.delayMs, request.signal);
    await abortableSleep(options.latencyMs ?? 0, request.signal);

    if (!token) return businessError(100);
    const acceptCache = query.get("acceptCache");
    if (
      !kolId ||
      !startDate ||
      !endDate ||
      !isCalendarDate(startDate) ||
      !isCalendarDate(endDate) ||
      startDate > endDate ||
      (acceptCache !== null && acceptCache !== "true" && acceptCache !== "false")
    ) {
      return businessError(400);
    }
    const forced = /^999(\d{3})$/.exec(kolId);
    if (forced) return businessError(Number(forced[1]));
    if (options.maxRangeDays && daysInRange(startDate, endDate) > options.maxRangeDays) return businessError(400);
    const oldest =
      options.historyDays === undefined ? startDate : addDays(shanghaiToday((options.now ?? Date.now)()), -options.historyDays);
    const served = startDate < oldest ? oldest : startDate;
    if (served > endDate) return businessError(201);

    const body = envelope(successBody(kolId, served, endDate));
    switch (fault?.kind) {
      case "code":
        // Code 0 carries the data, under whatever HTTP status the fault names.
        if (fault.code === 0) return json({ ...body, code: fault.codeAsString ? "0" : 0 }, fault.httpStatus);
        return businessError(fault.code, fault.codeAsString, fault.httpStatus);
      case "ok":
        return json({ ...body, code: fault.codeAsString ? "0" : 0 });
      case "http":
        return new Response(fault.body, { status: fault.status, headers: { "Content-Type": fault.contentType } });
      case "malformed":
        return new Response('{"code":0,"data":{"daily":[{"date":', { headers: { "Content-Type": "application/json" } });
      case "truncated": {
        const text = JSON.stringify(body);
        return new Response(text.slice(0, text.length >> 1), { headers: { "Content-Type": "application/json" } });
      }
      case "reset":
        return resetBody(JSON.stringify(body));
      case "wrong-shape":
        return json({ code: 0, data: { daily: "not a list", delta: null } });
      case "mismatch":
        // The two sides disagree: daily lacks the first day, delta lacks the last.
        return json({ ...body, data: { ...body.data, daily: body.data.daily.slice(1), delta: body.data.delta.slice(0, -1) } });
      case "echo-token": {
        const echoed = { message: `answered for token=${token} (${BUSINESS_MESSAGES[fault.code] ?? "ok"})`, requestId: `emu-${token}` };
        if (fault.code === 0) return json({ ...body, ...echoed });
        return json({ code: fault.code, data: null, ...echoed });
      }
      case "patch": {
        const daily = body.data.daily.map((point, i) => (i === fault.day?.index ? { ...point, fans_cnt: fault.day.fans_cnt } : point));
        const extra = fault.extraDay ? [{ date: fault.extraDay, fans_cnt: "1" }] : [];
        return json({ ...body, data: { ...body.data, ...fault.data, daily: [...daily, ...extra], delta: [...body.data.delta, ...extra] } });
      }
      case "huge":
        return json({ ...body, data: { ...body.data, description: "x".repeat(fault.bytes) } });
      default:
        return json(body);
    }
  };

  const control = new Hono()
    .get("/__emulator/requests", (c) => c.json(requests))
    .post("/__emulator/faults", async (c) => {
      const parsed = z.array(queuedFaultSchema).safeParse(await c.req.json().catch(() => null));
      if (!parsed.success) return c.json({ error: "expected a JSON array of faults", issues: parsed.error.issues }, 400);
      faults.push(...parsed.data);
      return c.json({ queued: faults.length });
    })
    .post("/__emulator/reset", (c) => {
      reset();
      return c.json({ reset: true });
    })
    .post("/__emulator/retire", async (c) => {
      const parsed = retirementSchema.safeParse(await c.req.json().catch(() => null));
      if (!parsed.success)
        return c.json({ error: 'expected {"endpoint":"kol-daily-fans"|"author-daily-fans","as":"http-404"|"code-300"}' }, 400);
      retired.set(parsed.data.endpoint, parsed.data.as);
      return c.json({ retired: Object.fromEntries(retired) });
    })
    .get(UPSTREAM_ENDPOINTS["author-daily-fans"].path, (c) => answer(c.req.raw, "author-daily-fans"))
    .get(UPSTREAM_ENDPOINTS["kol-daily-fans"].path, (c) => answer(c.req.raw, "kol-daily-fans"))
    // A thrown fault must reach the caller as a failed fetch, as a dropped connection does.
    .onError((error) => {
      throw error;
    });

  return {
    /** In-process fetch: rejects on abort like the runtime's fetch, whatever the emulator is doing. */
    fetch: (request: Request): Promise<Response> =>
      new Promise<Response>((resolve, reject) => {
        const abort = () => reject(new DOMException("The operation was aborted", "AbortError"));
        if (request.signal.aborted) return abort();
        request.signal.addEventListener("abort", abort, { once: true });
        Promise.resolve(control.fetch(request)).then(resolve, reject);
      }),
    requests: requests as readonly RecordedRequest[],
    queueFaults: (...queued: Fault[]) => {
      faults.push(...z.array(queuedFaultSchema).parse(queued));
    },
    /** Makes a path answer as a switched-off one (HTTP 404, or code 300) until the next reset. */
    retire: (retirement: Retirement) => {
      retired.set(retirement.endpoint, retirement.as);
    },
    reset,
  };
}

export type Emulator = ReturnType<typeof createEmulator>;
