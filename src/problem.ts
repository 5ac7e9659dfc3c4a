/**
 * @module The gateway's errors: one closed list of problem types (RFC 9457) and one way out.
 *
 * Every failure, ours or the upstream's, leaves as `application/problem+json` built here, so a
 * client can branch on `type` and an operator can read `detail`. Each `type` URI opens a short page
 * (routes/problems.ts) saying what it means and what to do, in the words written beside its status
 * here. Nothing in this file ever sees the upstream token: details are written from codes and field
 * names, never from URLs.
 */
import { HTTPException } from "hono/http-exception";
import type { FieldError, Problem } from "./schemas/problem.ts";
import type { ContentfulStatusCode } from "hono/utils/http-status";

interface ProblemDefinition {
  status: ContentfulStatusCode;
  title: string;
  /** The upstream-style business code sent on the drop-in route, so upstream clients branch as before. */
  upstreamCode: number;
  /** What the problem means, for its page (`/problems/<type>`, routes/problems.ts). */
  meaning: string;
  /** What to do about it. */
  action: string;
  /** The same in one short line of Simplified Chinese, for readers of the page. */
  zh: string;
}

export const PROBLEMS = {
  "invalid-request": {
    status: 400,
    title: "The request has invalid parameters",
    upstreamCode: 400,
    meaning:
      "A path segment, query parameter or body field breaks a rule. `errors` names each one: the field, where it was sent (`in`), the rule and a message.",
    action: "Fix every field that `errors` lists and send the request again. Nothing was spent.",
    zh: "请求参数不符合规则：按 errors 列出的字段逐一修正后重试，未产生费用。",
  },
  unauthorized: {
    status: 401,
    title: "A valid client key is required",
    upstreamCode: 100,
    meaning: "No client key was sent, or the key is unknown or revoked.",
    action:
      "Send `Authorization: Bearer <key>` with a key made by `npm run key -- create`. Repeated failures from one address are rate limited.",
    zh: "缺少客户端密钥，或密钥无效、已吊销：请在 Authorization 头中携带有效密钥。",
  },
  forbidden: {
    status: 403,
    title: "The key lacks the permission this route needs",
    upstreamCode: 100,
    meaning: "The key is valid but lacks the permission this route needs (`operate` for the spend guard).",
    action: "Use a key made with that permission, e.g. `npm run key -- create --name ops --operator`.",
    zh: "密钥有效，但缺少此路由所需的权限。",
  },
  "not-found": {
    status: 404,
    title: "No such route",
    upstreamCode: 400,
    meaning: "The gateway serves no route at this path, or the delivery asked for belongs to another key.",
    action: "Check the path against the API reference at /docs.",
    zh: "没有这个路由（或该投递属于其他密钥）：请对照 /docs 检查路径。",
  },
  "method-not-allowed": {
    status: 405,
    title: "Method not allowed on this route",
    upstreamCode: 400,
    meaning: "The route exists, but not for this HTTP method.",
    action: "Use one of the methods the `Allow` header lists.",
    zh: "此路由不支持该 HTTP 方法：请使用 Allow 头列出的方法。",
  },
  "request-id-conflict": {
    status: 409,
    title: "This requestId was already used for another request",
    upstreamCode: 400,
    meaning: "This key used the same `requestId` within 24 hours for a different request.",
    action: "Send a `requestId` again only to repeat the same request; give a new request a new one.",
    zh: "该 requestId 在 24 小时内已用于另一个请求：新请求请换一个 requestId。",
  },
  "webhook-replayed": {
    status: 409,
    title: "This webhook-id was already accepted",
    upstreamCode: 400,
    meaning:
      "A signed request with this `webhook-id` was already accepted: each is accepted once, so a captured request cannot be replayed.",
    action: "Give every signed request a new `webhook-id`; use `requestId` to make a delivery idempotent.",
    zh: "该 webhook-id 已被接受过：每个签名请求都要用新的 webhook-id。",
  },
  "roster-not-found": {
    status: 404,
    title: "This key has no roster of that name",
    upstreamCode: 400,
    meaning: "The calling key keeps no roster of that name (rosters belong to the key that made them).",
    action: "List the key's rosters with `GET /v1/rosters`, or make this one with `PUT /v1/rosters/{name}`.",
    zh: "此密钥下没有该名称的名单：先用 GET /v1/rosters 查看，或用 PUT 创建。",
  },
  "watch-not-found": {
    status: 404,
    title: "This roster is not watched",
    upstreamCode: 400,
    meaning: "The roster exists, but has no watch.",
    action: "Set one with `PUT /v1/rosters/{name}/watch`.",
    zh: "该名单尚未设置监控：用 PUT /v1/rosters/{name}/watch 设置。",
  },
  "roster-limit": {
    status: 409,
    title: "A roster limit is reached",
    upstreamCode: 400,
    meaning: "The key already keeps 100 rosters, or the roster would hold more than 500 creators.",
    action: "Delete a roster, or split this one in two.",
    zh: "已达名单上限（每个密钥 100 个名单，每个名单 500 位达人）：删除或拆分名单。",
  },
  "payload-too-large": {
    status: 413,
    title: "The request body is too large",
    upstreamCode: 400,
    meaning: "The request body is larger than 32 KiB.",
    action: "Send a smaller body (a roster of 500 creators is about 18 KiB of JSON).",
    zh: "请求体超过 32 KiB：请缩小后重试。",
  },
  "uri-too-long": {
    status: 414,
    title: "The request URL is too long",
    upstreamCode: 400,
    meaning: "The URL is longer than 2,048 characters.",
    action: "Shorten it; many creators go in a JSON body (`POST /v1/kols/daily-fans`).",
    zh: "URL 超过 2048 个字符：请缩短，多个达人请放在 JSON 请求体中。",
  },
  "unsupported-media-type": {
    status: 415,
    title: "The request body is not in a supported format",
    upstreamCode: 400,
    meaning: "The route takes a JSON object as its body, sent as `Content-Type: application/json`.",
    action: "Send a JSON object with that header.",
    zh: "请求体必须是 JSON 对象，并带 Content-Type: application/json。",
  },
  "rate-limited": {
    status: 429,
    title: "Too many requests for this client",
    upstreamCode: 302,
    meaning:
      "This key (or, for failed authentications, this address) sent more requests than its tier allows in the current minute. Cached answers count too.",
    action: "Wait `Retry-After` seconds. A key on the bulk tier may send 600 a minute.",
    zh: "请求过于频繁：按 Retry-After 等待后重试。",
  },
  "key-spend-limit": {
    status: 429,
    title: "This key's daily upstream calls are used up",
    upstreamCode: 302,
    meaning: "The key's upstream calls for today (Asia/Shanghai) are used up. Cached answers are still served.",
    action: "Wait until `Retry-After` (midnight in Shanghai), or ask the operator to raise the key's limit (`npm run key -- limit`).",
    zh: "此密钥今日的上游调用额度已用完，缓存数据仍可访问：等到上海时间零点，或请运营方提高额度。",
  },
  "ledger-unavailable": {
    status: 503,
    title: "A ledger that decides spending cannot be reached; retry later",
    upstreamCode: 500,
    meaning:
      "A Durable Object that decides spending or keeps the key's data (its ledger, the account's, its roster book) could not be reached. Nothing was spent or changed.",
    action: "Retry after `Retry-After` seconds; cached answers are still served.",
    zh: "负责计费的账本暂时无法访问，未产生费用也未做更改：稍后重试。",
  },
  "gateway-misconfigured": {
    status: 503,
    title: "The gateway is not configured",
    upstreamCode: 500,
    meaning: "A secret, binding or variable is missing or invalid, or no client key exists yet: the gateway refuses rather than guess.",
    action: "Operator: fix what `detail` and `GET /healthz` name, then deploy again.",
    zh: "网关配置不完整：运营方请按 detail 与 /healthz 的提示修复后重新部署。",
  },
  "upstream-invalid-parameters": {
    status: 400,
    title: "The upstream rejected the parameters",
    upstreamCode: 400,
    meaning: "The upstream refused the parameters (its code 400) although they passed the gateway's own rules.",
    action: "Check the creator's id and the range; if they look right, report the `requestId`.",
    zh: "上游拒绝了参数（代码 400）：请核对达人 ID 与日期范围。",
  },
  "upstream-token-invalid": {
    status: 502,
    title: "The upstream rejected the gateway's token",
    upstreamCode: 100,
    meaning: "The upstream rejected the gateway's own token (its codes 100 and 101). Clients' keys are never sent upstream.",
    action: "Operator: check the token and its account, then `JUSTONEAPI_TOKEN=<token> npm run deploy`.",
    zh: "上游拒绝了网关的令牌：运营方请检查 JUSTONEAPI_TOKEN。",
  },
  "upstream-no-data": {
    status: 404,
    title: "The upstream has no data for this KOL and range",
    upstreamCode: 201,
    meaning:
      "The upstream has no data for this creator and range (its code 201, which is billed). The answer is kept for `NO_DATA_TTL_SECONDS`, so asking again costs nothing.",
    action: "Try another range or creator.",
    zh: "上游没有该达人在此范围内的数据（已计费）；重复请求不会再次收费。",
  },
  "upstream-api-invalid": {
    status: 502,
    title: "The upstream says this API is no longer valid",
    upstreamCode: 300,
    meaning: "Both upstream paths answered that the API no longer exists (code 300, or HTTP 404 without an envelope). Not billed.",
    action: 'Operator: see "Which upstream path" in docs/api.md.',
    zh: "上游接口已失效（两个路径均不可用，未计费）：运营方请查看上游路径说明。",
  },
  "upstream-item-not-supported": {
    status: 404,
    title: "The upstream does not support this KOL",
    upstreamCode: 202,
    meaning: "The upstream does not serve this creator (its code 202).",
    action: "Check the Xingtu id: the number in the creator's Xingtu page address.",
    zh: "上游不支持该达人：请核对星图 ID。",
  },
  "upstream-not-found": {
    status: 502,
    title: "The upstream did not find what the gateway asked for",
    upstreamCode: 404,
    meaning: "The upstream answered its code 404 to the gateway's request.",
    action: "Retry later; if it persists, report the `requestId`.",
    zh: "上游返回 404：稍后重试，持续出现请附 requestId 反馈。",
  },
  "upstream-unavailable": {
    status: 503,
    title: "The upstream is unavailable; retry later",
    upstreamCode: 503,
    meaning: "The upstream said it is unavailable (its code 503). Not billed.",
    action: "Retry after `Retry-After` seconds.",
    zh: "上游暂时不可用（未计费）：按 Retry-After 等待后重试。",
  },
  "upstream-permission-denied": {
    status: 502,
    title: "The gateway's upstream account lacks permission",
    upstreamCode: 600,
    meaning: "The gateway's upstream account may not call this endpoint (code 600).",
    action: "Operator: enable the endpoint for the account with the upstream's maker.",
    zh: "网关的上游账户无权调用此接口：运营方请开通权限。",
  },
  "upstream-insufficient-balance": {
    status: 502,
    title: "The gateway's upstream account has no balance left",
    upstreamCode: 601,
    meaning:
      "The gateway's upstream account has no balance left (code 601). The spend guard stops every upstream call until it is cleared.",
    action: "Operator: top up, then `npm run guard -- clear`.",
    zh: "上游账户余额不足：运营方充值后执行 npm run guard -- clear。",
  },
  "upstream-spending-cap-reached": {
    status: 502,
    title: "The gateway's upstream token reached its spending cap",
    upstreamCode: 602,
    meaning:
      "The gateway's upstream token reached its spending cap (code 602). The spend guard stops every upstream call until it is cleared.",
    action: "Operator: raise the cap, then `npm run guard -- clear`.",
    zh: "上游令牌已达消费上限：运营方提高上限后执行 npm run guard -- clear。",
  },
  "upstream-collection-failed": {
    status: 503,
    title: "The upstream could not collect the data; retry later",
    upstreamCode: 301,
    meaning: "The upstream could not collect the data (code 301), also after the retries that fit the time budget. Not billed.",
    action: "Retry after `Retry-After` seconds.",
    zh: "上游采集失败（未计费）：稍后重试。",
  },
  "upstream-rate-limited": {
    status: 503,
    title: "The upstream is rate limiting the gateway; retry later",
    upstreamCode: 302,
    meaning: "The upstream rate limited the gateway (code 302), also after one delayed retry. Not billed.",
    action: "Retry after `Retry-After` seconds.",
    zh: "上游限流（未计费）：稍后重试。",
  },
  "upstream-quota-exceeded": {
    status: 503,
    title: "The gateway's daily upstream quota is used up",
    upstreamCode: 303,
    meaning: "The account's daily upstream quota is used up (code 303). The spend guard stops every upstream call until the quota resets.",
    action: "Retry after `Retry-After` (when the quota resets, midnight in Shanghai unless set otherwise). Cached answers still work.",
    zh: "上游每日配额已用完：等到配额重置（默认上海时间零点）后重试，缓存仍可用。",
  },
  "spend-guard-open": {
    status: 503,
    title: "The gateway is not calling the upstream for now",
    upstreamCode: 303,
    meaning:
      "The gateway stopped calling the upstream: its quota, balance or spending cap ran out, or today's `UPSTREAM_DAILY_BUDGET` is reached. Cached answers are still served.",
    action: "Retry after `Retry-After`. After a top-up, an operator clears it with `npm run guard -- clear`.",
    zh: "网关已暂停调用上游（额度、余额或每日预算用尽），缓存仍可用：稍后重试，或由运营方清除。",
  },
  "upstream-internal-error": {
    status: 502,
    title: "The upstream failed internally",
    upstreamCode: 500,
    meaning: "The upstream failed internally (its code 500).",
    action: "Retry later; if it persists, report the `requestId`.",
    zh: "上游内部错误：稍后重试。",
  },
  "upstream-unknown-code": {
    status: 502,
    title: "The upstream answered with an unknown business code",
    upstreamCode: 500,
    meaning: "The upstream answered a business code the gateway does not know, and the gateway does not guess what it means.",
    action: "Report the `requestId`: the gateway may need to learn the code.",
    zh: "上游返回了未知业务代码：请附 requestId 反馈。",
  },
  "upstream-invalid-response": {
    status: 502,
    title: "The upstream answered with a body the gateway cannot read",
    upstreamCode: 500,
    meaning:
      "The upstream's body could not be read: not JSON, the wrong shape, or over 4 MiB. A billed one is kept for `UNUSABLE_TTL_SECONDS`, so asking again costs nothing meanwhile.",
    action: "Retry later; if it persists, report the `requestId`.",
    zh: "无法解析上游响应；已计费的响应会被保留，重复请求不会再次收费：稍后重试。",
  },
  "upstream-http-error": {
    status: 502,
    title: "The upstream answered with an HTTP error",
    upstreamCode: 500,
    meaning: "The upstream answered an HTTP error without a business code. It is not retried and counts as maybe billed.",
    action: "Retry later.",
    zh: "上游返回 HTTP 错误（可能已计费）：稍后重试。",
  },
  "upstream-unreachable": {
    status: 502,
    title: "The upstream could not be reached",
    upstreamCode: 500,
    meaning: "The upstream could not be reached, or the connection broke. It is not retried and counts as maybe billed.",
    action: "Retry later.",
    zh: "无法连接上游（可能已计费）：稍后重试。",
  },
  "upstream-timeout": {
    status: 504,
    title: "The upstream did not answer in time",
    upstreamCode: 500,
    meaning: "The upstream did not answer within `UPSTREAM_TIMEOUT_MS` (60 s). It is not retried, because it may have been billed.",
    action: "Retry after `Retry-After`, not at once: a late answer may be stored by then.",
    zh: "上游超时（可能已计费）：请按 Retry-After 稍后重试，不要立即重试。",
  },
  "internal-error": {
    status: 500,
    title: "The gateway failed unexpectedly",
    upstreamCode: 500,
    meaning: "The gateway failed unexpectedly.",
    action: "Report the `requestId`: it names the gateway's log line.",
    zh: "网关内部错误：请附 requestId 反馈。",
  },
} as const satisfies Record<string, ProblemDefinition>;

export type ProblemType = keyof typeof PROBLEMS;

export type { FieldError, Problem } from "./schemas/problem.ts";

export interface ProblemOptions {
  detail: string;
  errors?: FieldError[];
  retryAfterSeconds?: number;
  /** `WWW-Authenticate` challenge (401). */
  authenticate?: string;
  /** `Allow` methods (405). */
  allow?: string;
  /** More headers for the answer (e.g. `Cache-Status` on a cached "no data"). */
  headers?: Record<string, string>;
}

export class ProblemError extends HTTPException {
  readonly problemType: ProblemType;
  readonly options: ProblemOptions;

  constructor(problemType: ProblemType, options: ProblemOptions) {
    super(PROBLEMS[problemType].status, { message: options.detail });
    this.problemType = problemType;
    this.options = options;
  }
}

export function problemTypeUri(problemType: ProblemType): string {
  return `/problems/${problemType}`;
}

export interface ProblemContext {
  requestId: string;
  instance: string;
  /** Add the upstream-style `code` and `message` fields (the drop-in route). */
  upstreamStyle: boolean;
}

/** The problem+json body of an error; also what a failed webhook delivery carries. */
export function problemBody(error: ProblemError, context: ProblemContext): Problem {
  const definition = PROBLEMS[error.problemType];
  const body: Problem = {
    type: problemTypeUri(error.problemType),
    title: definition.title,
    status: definition.status,
    detail: error.options.detail,
    instance: context.instance,
    requestId: context.requestId,
  };
  if (error.options.errors) body.errors = error.options.errors;
  if (context.upstreamStyle) {
    body.code = definition.upstreamCode;
    body.message = error.options.detail;
  }
  return body;
}

export function problemResponse(error: ProblemError, context: ProblemContext): Response {
  const body = problemBody(error, context);
  const headers = new Headers({
    "Content-Type": "application/problem+json",
    "X-Request-Id": context.requestId,
    "Cache-Control": "no-store",
  });
  for (const [name, value] of Object.entries(error.options.headers ?? {})) headers.set(name, value);
  if (error.options.authenticate) headers.set("WWW-Authenticate", error.options.authenticate);
  if (error.options.allow) headers.set("Allow", error.options.allow);
  if (error.options.retryAfterSeconds !== undefined) {
    headers.set("Retry-After", String(Math.max(1, Math.ceil(error.options.retryAfterSeconds))));
  }
  return new Response(JSON.stringify(body), { status: body.status, headers });
}
