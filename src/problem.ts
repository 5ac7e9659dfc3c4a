/**
 * @module The gateway's errors: one closed list of problem types (RFC 9457) and one way out.
 *
 * Every failure, ours or the upstream's, leaves as `application/problem+json` built here, so a
 * client can branch on `type` and an operator can read `detail`. Each `type` URI opens a short page
 * (routes/problems.ts) saying what it means and what to do; those words live off the data path, in
 * docs/problem-texts.ts (served from the static assets), so every isolate loads only what an error
 * needs here: status, title and upstream code. Nothing in this file ever sees the upstream token:
 * details are written from codes and field names, never from URLs.
 */
import { HTTPException } from "hono/http-exception";
import type { FieldError, Problem } from "./schemas/problem.ts";
import type { ContentfulStatusCode } from "hono/utils/http-status";

interface ProblemDefinition {
  status: ContentfulStatusCode;
  title: string;
  /** The upstream-style business code sent on the drop-in route, so upstream clients branch as before. */
  upstreamCode: number;
}

export const PROBLEMS = {
  "invalid-request": {
    status: 400,
    title: "The request has invalid parameters",
    upstreamCode: 400,
  },
  unauthorized: {
    status: 401,
    title: "A valid client key is required",
    upstreamCode: 100,
  },
  forbidden: {
    status: 403,
    title: "The key lacks the permission this route needs",
    upstreamCode: 100,
  },
  "not-found": {
    status: 404,
    title: "No such route",
    upstreamCode: 400,
  },
  "method-not-allowed": {
    status: 405,
    title: "Method not allowed on this route",
    upstreamCode: 400,
  },
  "request-id-conflict": {
    status: 409,
    title: "This requestId was already used for another request",
    upstreamCode: 400,
  },
  "webhook-replayed": {
    status: 409,
    title: "This webhook-id was already accepted",
    upstreamCode: 400,
  },
  "roster-not-found": {
    status: 404,
    title: "This key has no roster of that name",
    upstreamCode: 400,
  },
  "watch-not-found": {
    status: 404,
    title: "This roster is not watched",
    upstreamCode: 400,
  },
  "roster-limit": {
    status: 409,
    title: "A roster limit is reached",
    upstreamCode: 400,
  },
  "roster-name-taken": {
    status: 409,
    title: "The key has a roster of that name already",
    upstreamCode: 400,
  },
  "key-not-found": {
    status: 404,
    title: "There is no client key of that name",
    upstreamCode: 400,
  },
  "key-revoked": {
    status: 409,
    title: "This client key is revoked",
    upstreamCode: 400,
  },
  "key-exists": {
    status: 409,
    title: "A client key of that name exists already",
    upstreamCode: 400,
  },
  "share-link-not-found": {
    status: 404,
    title: "There is no such share link",
    upstreamCode: 400,
  },
  "share-link-gone": {
    status: 410,
    title: "This share link was revoked or has expired",
    upstreamCode: 400,
  },
  "share-link-limit": {
    status: 409,
    title: "The key keeps as many share links as it may",
    upstreamCode: 400,
  },
  "payload-too-large": {
    status: 413,
    title: "The request body is too large",
    upstreamCode: 400,
  },
  "uri-too-long": {
    status: 414,
    title: "The request URL is too long",
    upstreamCode: 400,
  },
  "unsupported-media-type": {
    status: 415,
    title: "The request body is not in a supported format",
    upstreamCode: 400,
  },
  "rate-limited": {
    status: 429,
    title: "Too many requests for this client",
    upstreamCode: 302,
  },
  "key-spend-limit": {
    status: 429,
    title: "This key's daily upstream calls are used up",
    upstreamCode: 302,
  },
  "ledger-unavailable": {
    status: 503,
    title: "A ledger that decides spending cannot be reached; retry later",
    upstreamCode: 500,
  },
  "gateway-misconfigured": {
    status: 503,
    title: "The gateway is not configured",
    upstreamCode: 500,
  },
  "upstream-invalid-parameters": {
    status: 400,
    title: "The upstream rejected the parameters",
    upstreamCode: 400,
  },
  "upstream-token-invalid": {
    status: 502,
    title: "The upstream rejected the gateway's token",
    upstreamCode: 100,
  },
  "upstream-no-data": {
    status: 404,
    title: "The upstream has no data for this KOL and range",
    upstreamCode: 201,
  },
  "upstream-api-invalid": {
    status: 502,
    title: "The upstream says this API is no longer valid",
    upstreamCode: 300,
  },
  "upstream-item-not-supported": {
    status: 404,
    title: "The upstream does not support this KOL",
    upstreamCode: 202,
  },
  "upstream-not-found": {
    status: 502,
    title: "The upstream did not find what the gateway asked for",
    upstreamCode: 404,
  },
  "upstream-unavailable": {
    status: 503,
    title: "The upstream is unavailable; retry later",
    upstreamCode: 503,
  },
  "upstream-permission-denied": {
    status: 502,
    title: "The gateway's upstream account lacks permission",
    upstreamCode: 600,
  },
  "upstream-insufficient-balance": {
    status: 502,
    title: "The gateway's upstream account has no balance left",
    upstreamCode: 601,
  },
  "upstream-spending-cap-reached": {
    status: 502,
    title: "The gateway's upstream token reached its spending cap",
    upstreamCode: 602,
  },
  "upstream-collection-failed": {
    status: 503,
    title: "The upstream could not collect the data; retry later",
    upstreamCode: 301,
  },
  "upstream-rate-limited": {
    status: 503,
    title: "The upstream is rate limiting the gateway; retry later",
    upstreamCode: 302,
  },
  "upstream-quota-exceeded": {
    status: 503,
    title: "The gateway's daily upstream quota is used up",
    upstreamCode: 303,
  },
  "spend-guard-open": {
    status: 503,
    title: "The gateway is not calling the upstream for now",
    upstreamCode: 303,
  },
  "upstream-internal-error": {
    status: 502,
    title: "The upstream failed internally",
    upstreamCode: 500,
  },
  "upstream-unknown-code": {
    status: 502,
    title: "The upstream answered with an unknown business code",
    upstreamCode: 500,
  },
  "upstream-invalid-response": {
    status: 502,
    title: "The upstream answered with a body the gateway cannot read",
    upstreamCode: 500,
  },
  "upstream-http-error": {
    status: 502,
    title: "The upstream answered with an HTTP error",
    upstreamCode: 500,
  },
  "upstream-unreachable": {
    status: 502,
    title: "The upstream could not be reached",
    upstreamCode: 500,
  },
  "upstream-timeout": {
    status: 504,
    title: "The upstream did not answer in time",
    upstreamCode: 500,
  },
  "internal-error": {
    status: 500,
    title: "The gateway failed unexpectedly",
    upstreamCode: 500,
  },
} as const satisfies Record<string, ProblemDefinition>;

export type ProblemType = keyof typeof PROBLEMS;

export type { FieldError, Problem } from "./schemas/problem.ts";

export interface ProblemOptions {
  detail: string;
  /** What only the gateway's operator can do about it (the token, the account's balance, the spend
   * guard): said after the detail to the keys' holders and in the log, never to a share link's viewer. */
  operator?: string;
  errors?: FieldError[];
  retryAfterSeconds?: number;
  /** `WWW-Authenticate` challenge (401). */
  authenticate?: string;
  /** `Allow` methods (405). */
  allow?: string;
  /** More headers for the answer (e.g. `Cache-Status` on a cached "no data"). */
  headers?: Record<string, string>;
  /** The upstream's own business code this problem passes on: the drop-in route answers it as such. */
  upstreamCode?: number;
}

export class ProblemError extends HTTPException {
  readonly problemType: ProblemType;
  readonly options: ProblemOptions;

  constructor(problemType: ProblemType, options: ProblemOptions) {
    super(PROBLEMS[problemType].status, { message: detailOf(options) });
    this.problemType = problemType;
    this.options = options;
  }
}

export function problemTypeUri(problemType: ProblemType): string {
  return `/problems/${problemType}`;
}

/**
 * Where the words of a type's page are in the static assets: tools/build/openapi.ts writes them
 * there (from docs/problem-texts.ts), routes/problems.ts reads them through the assets binding.
 */
export function problemTextsAsset(problemType: ProblemType): string {
  return `/problems/${problemType}.json`;
}

export interface ProblemContext {
  requestId: string;
  instance: string;
  /** Add the upstream-style `code` and `message` fields (the drop-in route). */
  upstreamStyle: boolean;
  /** The reader is a share link's viewer (routes/share-links.ts): told what happened, not what the operator must do. */
  linkView?: boolean;
  /** The problem's line in Simplified Chinese, for a reader who asked for Chinese (zhLineFor). */
  zh?: string;
}

/**
 * A problem type's Chinese line (its page's `zh`, "what happened：what to do") as its reader is
 * told it: whole, or for a share link's viewer only what happened (what to do is often the
 * operator's: 运营方…).
 */
export function zhLineFor(line: string, linkView: boolean): string {
  if (!linkView) return line;
  const [what] = line.split("：");
  return what!.endsWith("。") ? what! : `${what!}。`;
}

/** A problem's detail as its reader is told it: with what the operator must do, unless the reader is a share link's viewer. */
export const detailOf = (options: Pick<ProblemOptions, "detail" | "operator">, linkView = false): string =>
  options.operator !== undefined && !linkView ? `${options.detail} Operator: ${options.operator}.` : options.detail;

/** The problem+json body of an error; also what a failed webhook delivery carries. */
export function problemBody(error: ProblemError, context: ProblemContext): Problem {
  const definition = PROBLEMS[error.problemType];
  const body: Problem = {
    type: problemTypeUri(error.problemType),
    title: definition.title,
    status: definition.status,
    detail: detailOf(error.options, context.linkView),
    ...(context.zh === undefined ? {} : { zh: context.zh }),
    instance: context.instance,
    requestId: context.requestId,
  };
  if (error.options.errors) body.errors = error.options.errors;
  if (context.upstreamStyle) {
    body.code = error.options.upstreamCode ?? definition.upstreamCode;
    body.message = body.detail;
  }
  return body;
}

/**
 * The answer for an error: problem+json, or what `render` makes of the same problem (a chart
 * route's image), with the same status and headers.
 */
export function problemResponse(
  error: ProblemError,
  context: ProblemContext,
  render?: { headers: Record<string, string>; body: (problem: Problem) => string },
): Response {
  const body = problemBody(error, context);
  const headers = new Headers({
    "Content-Type": "application/problem+json",
    ...render?.headers,
    "X-Request-Id": context.requestId,
    "Cache-Control": "no-store",
  });
  for (const [name, value] of Object.entries(error.options.headers ?? {})) headers.set(name, value);
  if (error.options.authenticate) headers.set("WWW-Authenticate", error.options.authenticate);
  if (error.options.allow) headers.set("Allow", error.options.allow);
  if (error.options.retryAfterSeconds !== undefined) {
    headers.set("Retry-After", String(Math.max(1, Math.ceil(error.options.retryAfterSeconds))));
  }
  return new Response(render ? render.body(body) : JSON.stringify(body), { status: body.status, headers });
}
