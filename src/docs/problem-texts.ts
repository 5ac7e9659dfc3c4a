/**
 * @module The words of every problem type's page (`GET /problems/{type}`, routes/problems.ts): what
 * it means and what to do, in English and in one short line of Simplified Chinese. Like the OpenAPI
 * document, they are written into the static assets before the Worker runs (tools/build/openapi.ts:
 * one `problems/<type>.json` each, on install and before every `wrangler dev` and `deploy`), so
 * the Worker's bundle carries none of them: the route reads its page's words from the assets.
 */
import type { ProblemType } from "../problem.ts";
import type { ProblemPage } from "../schemas/problem.ts";

/** A page's own words; its `type`, `title` and `status` come from problem.ts. */
export type ProblemTexts = Pick<ProblemPage, "meaning" | "action" | "zh">;

/** Every problem type's words: a type without them fails to compile (and test/integration/problem-pages.test.ts). */
export const PROBLEM_TEXTS = {
  "invalid-request": {
    meaning:
      "A path segment, query parameter or body field breaks a rule. `errors` names each one: the field, where it was sent (`in`), the rule and a message.",
    action: "Fix every field that `errors` lists and send the request again. Nothing was spent.",
    zh: "请求参数不符合规则：按 errors 列出的字段逐一修正后重试，未产生费用。",
  },
  unauthorized: {
    meaning: "No client key was sent, or the key is unknown or revoked.",
    action:
      "Send `Authorization: Bearer <key>` with a key made by `npm run key -- create`. Repeated failures from one address are rate limited.",
    zh: "缺少客户端密钥，或密钥无效、已吊销：请在 Authorization 头中携带有效密钥。",
  },
  forbidden: {
    meaning: "The key is valid but lacks the permission this route needs (`operate` for the spend guard).",
    action: "Use a key made with that permission, e.g. `npm run key -- create --name ops --operator`.",
    zh: "密钥有效，但缺少此路由所需的权限。",
  },
  "not-found": {
    meaning: "The gateway serves no route at this path, or the delivery asked for belongs to another key.",
    action: "Check the path against the API reference at /docs.",
    zh: "没有这个路由（或该投递属于其他密钥）：请对照 /docs 检查路径。",
  },
  "method-not-allowed": {
    meaning: "The route exists, but not for this HTTP method.",
    action: "Use one of the methods the `Allow` header lists.",
    zh: "此路由不支持该 HTTP 方法：请使用 Allow 头列出的方法。",
  },
  "request-id-conflict": {
    meaning: "This key used the same `requestId` within 24 hours for a different request.",
    action: "Send a `requestId` again only to repeat the same request; give a new request a new one.",
    zh: "该 requestId 在 24 小时内已用于另一个请求：新请求请换一个 requestId。",
  },
  "webhook-replayed": {
    meaning:
      "A signed request with this `webhook-id` was already accepted: each is accepted once, so a captured request cannot be replayed.",
    action: "Give every signed request a new `webhook-id`; use `requestId` to make a delivery idempotent.",
    zh: "该 webhook-id 已被接受过：每个签名请求都要用新的 webhook-id。",
  },
  "roster-not-found": {
    meaning: "The calling key keeps no roster of that name (rosters belong to the key that made them).",
    action: "List the key's rosters with `GET /v1/rosters`, or make this one with `PUT /v1/rosters/{name}`.",
    zh: "此密钥下没有该名称的名单：先用 GET /v1/rosters 查看，或用 PUT 创建。",
  },
  "watch-not-found": {
    meaning: "The roster exists, but has no watch.",
    action: "Set one with `PUT /v1/rosters/{name}/watch`.",
    zh: "该名单尚未设置监控：用 PUT /v1/rosters/{name}/watch 设置。",
  },
  "roster-limit": {
    meaning: "The key already keeps 100 rosters, or the roster would hold more than 500 creators.",
    action: "Delete a roster, or split this one in two.",
    zh: "已达名单上限（每个密钥 100 个名单，每个名单 500 位达人）：删除或拆分名单。",
  },
  "roster-name-taken": {
    meaning: "A roster is renamed only to a name the key does not use yet (names are compared after Unicode NFC normalisation).",
    action: "Choose another name, or delete the other roster (`DELETE /v1/rosters/{name}`) first.",
    zh: "此密钥下已有同名名单：请换一个名称，或先删除那个名单。",
  },
  "key-not-found": {
    meaning: "No client key has that name (operators list them with `GET /v1/keys`).",
    action: "Check the name in `GET /v1/keys`.",
    zh: "没有该名称的客户端密钥：用 GET /v1/keys 查看。",
  },
  "key-revoked": {
    meaning: "The key was revoked: a revoked key is never changed again (its record stays, disabled, for the record).",
    action: "Make a new key for the teammate (`POST /v1/keys`).",
    zh: "该密钥已被撤销，撤销后不能再修改：请为该成员创建新密钥。",
  },
  "key-exists": {
    meaning: "Key names are unique: another key already has this one (revoked keys keep their names).",
    action: "Choose another name.",
    zh: "该密钥名称已被使用：请换一个名称。",
  },
  "share-link-not-found": {
    meaning:
      "The link is not one the gateway made (mistyped, cut short, or its record is long gone), or no share link of that id belongs to the calling key.",
    action: "Ask the link's owner for it again; owners list their links with `GET /v1/share-links`.",
    zh: "该分享链接不存在（可能输错或不完整）：请向链接所有者重新获取。",
  },
  "share-link-gone": {
    meaning: "The link was revoked by its owner, it passed its expiry, or the key it belongs to was revoked.",
    action: "Ask the link's owner for a new one (`POST /v1/share-links`).",
    zh: "该分享链接已被撤销或已过期：请向链接所有者索取新链接。",
  },
  "share-link-limit": {
    meaning: "The key already keeps 100 share links that still work.",
    action: "Revoke links no one uses (`DELETE /v1/share-links/{id}`), then create this one.",
    zh: "已达分享链接上限（每个密钥 100 个有效链接）：先撤销不用的链接。",
  },
  "payload-too-large": {
    meaning: "The request body is larger than 32 KiB.",
    action: "Send a smaller body (a roster of 500 creators is about 18 KiB of JSON).",
    zh: "请求体超过 32 KiB：请缩小后重试。",
  },
  "uri-too-long": {
    meaning: "The URL is longer than 2,048 characters.",
    action: "Shorten it; many creators go in a JSON body (`POST /v1/kols/daily-fans`).",
    zh: "URL 超过 2048 个字符：请缩短，多个达人请放在 JSON 请求体中。",
  },
  "unsupported-media-type": {
    meaning: "The route takes a JSON object as its body, sent as `Content-Type: application/json`.",
    action: "Send a JSON object with that header.",
    zh: "请求体必须是 JSON 对象，并带 Content-Type: application/json。",
  },
  "rate-limited": {
    meaning:
      "This key (or, for failed authentications, this address) sent more requests than its tier allows in the current minute. Cached answers count too.",
    action: "Wait `Retry-After` seconds. A key on the bulk tier may send 600 a minute.",
    zh: "请求过于频繁：按 Retry-After 等待后重试。",
  },
  "key-spend-limit": {
    meaning: "The key's upstream calls for today (Asia/Shanghai) are used up. Cached answers are still served.",
    action: "Wait until `Retry-After` (midnight in Shanghai), or ask the operator to raise the key's limit (`npm run key -- limit`).",
    zh: "此密钥今日的上游调用额度已用完，缓存数据仍可访问：等到上海时间零点，或请运营方提高额度。",
  },
  "ledger-unavailable": {
    meaning:
      "A Durable Object that decides spending or keeps the key's data (its ledger, the account's, its roster book) could not be reached. Nothing was spent or changed.",
    action: "Retry after `Retry-After` seconds; cached answers are still served.",
    zh: "负责计费的账本暂时无法访问，未产生费用也未做更改：稍后重试。",
  },
  "gateway-misconfigured": {
    meaning: "A secret, binding or variable is missing or invalid, or no client key exists yet: the gateway refuses rather than guess.",
    action: "Operator: fix what `detail` and `GET /healthz` name, then deploy again.",
    zh: "网关配置不完整：运营方请按 detail 与 /healthz 的提示修复后重新部署。",
  },
  "upstream-invalid-parameters": {
    meaning: "The upstream refused the parameters (its code 400) although they passed the gateway's own rules.",
    action: "Check the creator's id and the range; if they look right, report the `requestId`.",
    zh: "上游拒绝了参数（代码 400）：请核对达人 ID 与日期范围。",
  },
  "upstream-token-invalid": {
    meaning: "The upstream rejected the gateway's own token (its codes 100 and 101). Clients' keys are never sent upstream.",
    action: "Operator: check the token and its account, then `JUSTONEAPI_TOKEN=<token> npm run deploy`.",
    zh: "上游拒绝了网关的令牌：运营方请检查 JUSTONEAPI_TOKEN。",
  },
  "upstream-no-data": {
    meaning:
      "The upstream has no data for this creator and range (its code 201, which is billed). The answer is kept for `NO_DATA_TTL_SECONDS`, so asking again costs nothing.",
    action: "Try another range or creator.",
    zh: "上游没有该达人在此范围内的数据（已计费）；重复请求不会再次收费。",
  },
  "upstream-api-invalid": {
    meaning: "Both upstream paths answered that the API no longer exists (code 300, or HTTP 404 without an envelope). Not billed.",
    action: 'Operator: see "Which upstream path" in docs/api.md.',
    zh: "上游接口已失效（两个路径均不可用，未计费）：运营方请查看上游路径说明。",
  },
  "upstream-item-not-supported": {
    meaning: "The upstream does not serve this creator (its code 202).",
    action: "Check the Xingtu id: the number in the creator's Xingtu page address.",
    zh: "上游不支持该达人：请核对星图 ID。",
  },
  "upstream-not-found": {
    meaning: "The upstream answered its code 404 to the gateway's request.",
    action: "Retry later; if it persists, report the `requestId`.",
    zh: "上游返回 404：稍后重试，持续出现请附 requestId 反馈。",
  },
  "upstream-unavailable": {
    meaning: "The upstream said it is unavailable (its code 503). Not billed.",
    action: "Retry after `Retry-After` seconds.",
    zh: "上游暂时不可用（未计费）：按 Retry-After 等待后重试。",
  },
  "upstream-permission-denied": {
    meaning: "The gateway's upstream account may not call this endpoint (code 600).",
    action: "Operator: enable the endpoint for the account with the upstream's maker.",
    zh: "网关的上游账户无权调用此接口：运营方请开通权限。",
  },
  "upstream-insufficient-balance": {
    meaning:
      "The gateway's upstream account has no balance left (code 601). The spend guard stops every upstream call until it is cleared.",
    action: "Operator: top up, then `npm run guard -- clear`.",
    zh: "上游账户余额不足：运营方充值后执行 npm run guard -- clear。",
  },
  "upstream-spending-cap-reached": {
    meaning:
      "The gateway's upstream token reached its spending cap (code 602). The spend guard stops every upstream call until it is cleared.",
    action: "Operator: raise the cap, then `npm run guard -- clear`.",
    zh: "上游令牌已达消费上限：运营方提高上限后执行 npm run guard -- clear。",
  },
  "upstream-collection-failed": {
    meaning: "The upstream could not collect the data (code 301), also after the retries that fit the time budget. Not billed.",
    action: "Retry after `Retry-After` seconds.",
    zh: "上游采集失败（未计费）：稍后重试。",
  },
  "upstream-rate-limited": {
    meaning: "The upstream rate limited the gateway (code 302), also after one delayed retry. Not billed.",
    action: "Retry after `Retry-After` seconds.",
    zh: "上游限流（未计费）：稍后重试。",
  },
  "upstream-quota-exceeded": {
    meaning: "The account's daily upstream quota is used up (code 303). The spend guard stops every upstream call until the quota resets.",
    action: "Retry after `Retry-After` (when the quota resets, midnight in Shanghai unless set otherwise). Cached answers still work.",
    zh: "上游每日配额已用完：等到配额重置（默认上海时间零点）后重试，缓存仍可用。",
  },
  "spend-guard-open": {
    meaning:
      "The gateway stopped calling the upstream: its quota, balance or spending cap ran out, or today's `UPSTREAM_DAILY_BUDGET` is reached. Cached answers are still served.",
    action: "Retry after `Retry-After`. After a top-up, an operator clears it with `npm run guard -- clear`.",
    zh: "网关已暂停调用上游（额度、余额或每日预算用尽），缓存仍可用：稍后重试，或由运营方清除。",
  },
  "upstream-internal-error": {
    meaning: "The upstream failed internally (its code 500).",
    action: "Retry later; if it persists, report the `requestId`.",
    zh: "上游内部错误：稍后重试。",
  },
  "upstream-unknown-code": {
    meaning: "The upstream answered a business code the gateway does not know, and the gateway does not guess what it means.",
    action: "Report the `requestId`: the gateway may need to learn the code.",
    zh: "上游返回了未知业务代码：请附 requestId 反馈。",
  },
  "upstream-invalid-response": {
    meaning:
      "The upstream's body could not be read: not JSON, the wrong shape, or over 4 MiB. A billed one is kept for `UNUSABLE_TTL_SECONDS`, so asking again costs nothing meanwhile.",
    action: "Retry later; if it persists, report the `requestId`.",
    zh: "无法解析上游响应；已计费的响应会被保留，重复请求不会再次收费：稍后重试。",
  },
  "upstream-http-error": {
    meaning: "The upstream answered an HTTP error without a business code. It is not retried and counts as maybe billed.",
    action: "Retry later.",
    zh: "上游返回 HTTP 错误（可能已计费）：稍后重试。",
  },
  "upstream-unreachable": {
    meaning: "The upstream could not be reached, or the connection broke. It is not retried and counts as maybe billed.",
    action: "Retry later.",
    zh: "无法连接上游（可能已计费）：稍后重试。",
  },
  "upstream-timeout": {
    meaning: "The upstream did not answer within `UPSTREAM_TIMEOUT_MS` (60 s). It is not retried, because it may have been billed.",
    action: "Retry after `Retry-After`, not at once: a late answer may be stored by then.",
    zh: "上游超时（可能已计费）：请按 Retry-After 稍后重试，不要立即重试。",
  },
  "internal-error": {
    meaning: "The gateway failed unexpectedly.",
    action: "Report the `requestId`: it names the gateway's log line.",
    zh: "网关内部错误：请附 requestId 反馈。",
  },
} as const satisfies Record<ProblemType, ProblemTexts>;
