/**
 * @module The webhook target, for automation tools that speak webhooks:
 * - `POST /v1/webhooks/daily-fans` with `{ kolId, startDate, endDate, acceptCache?, callbackUrl?,
 *   requestId? }`: without `callbackUrl` it answers like the GET route (same cache); with one it
 *   answers 202 at once and a Queue delivers the answer to the callback, signed;
 * - `GET /v1/webhooks/deliveries/{id}`: a delivery's status, for the key that created it only.
 * POSTs carry a client key or are signed with the key's webhook secret (Standard Webhooks); status
 * reads carry the key.
 */
import { Hono } from "hono/tiny";
import type { Context } from "hono";
import { jsonObjectBody, jsonOnly } from "../middleware/json-body.ts";
import { normalize } from "../lookup/normalize.ts";
import { ProblemError } from "../problem.ts";
import {
  invalidFields,
  perLimits,
  rangeLimits,
  rollingDays,
  validated,
  webhookRequestSchema,
  type WebhookRequest,
} from "../schemas/request.ts";
import { gatewayContext } from "../middleware/gateway-context.ts";
import { clientAuth, requireKeyFor } from "../auth/client-auth.ts";
import { lookupWithHeaders } from "./lookup-response.ts";
import { askedMode, REFRESH_HEADER, refreshHeader } from "../lookup/refresh.ts";
import { dataOf } from "../lookup/lookup.ts";
import { requireDeliveryBooks, requireDeliveryQueue, requireSigningSecret } from "../config/readiness.ts";
import type { Acceptance } from "../webhooks/delivery-book.ts";
import { checkCallbackUrl } from "../webhooks/callback-url.ts";
import { deliveryBookOf, requestHash, type DeliveryMessage } from "../webhooks/deliveries.ts";
import type { DeliveryAccepted, DeliveryStatus } from "../schemas/deliveries.ts";
import type { GatewayEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";

export const WEBHOOK_PATH = "/v1/webhooks/daily-fans";
export const DELIVERY_PATH = "/v1/webhooks/deliveries/:id";

const webhookSchemaFor = perLimits(webhookRequestSchema);

function webhookBody(now: () => number) {
  return jsonObjectBody((raw, c: Context<GatewayEnv>): WebhookRequest => {
    const limits = rangeLimits(c.get("lookup").config, now());
    return validated(webhookSchemaFor(limits), { body: rollingDays(raw.body, limits, "body") });
  });
}

async function enqueue(c: Context<GatewayEnv>, request: WebhookRequest & { callbackUrl: string }, runtime: Runtime): Promise<Response> {
  const lookup = c.get("lookup");
  const client = c.get("client");
  requireKeyFor(client, "An asynchronous delivery (callbackUrl)");
  const checked = checkCallbackUrl(request.callbackUrl, lookup.config);
  if (!checked.ok) {
    throw invalidFields([{ field: "callbackUrl", in: "body", rule: "callback_url", message: checked.reason }]);
  }
  const queue = requireDeliveryQueue(c.env);
  const books = requireDeliveryBooks(c.env);
  requireSigningSecret(lookup.config);
  const accepted = (status: DeliveryStatus) =>
    c.json<DeliveryAccepted>({ deliveryId: status.id, status: status.status, statusUrl: `/v1/webhooks/deliveries/${status.id}` }, 202, {
      Location: `/v1/webhooks/deliveries/${status.id}`,
      "Cache-Control": "no-store",
    });
  const requestId = request.requestId ?? null;
  const at = new Date(runtime.now()).toISOString();
  const status: DeliveryStatus = {
    id: runtime.uuid(),
    owner: client.name,
    status: "queued",
    attempts: 0,
    lastError: null,
    createdAt: at,
    updatedAt: at,
    requestId,
  };
  const message: DeliveryMessage = {
    deliveryId: status.id,
    owner: client.name,
    requestId,
    callbackUrl: checked.url.href,
    query: {
      kolId: request.kolId,
      startDate: request.startDate,
      endDate: request.endDate,
      ...(request.acceptCache === undefined ? {} : { acceptCache: request.acceptCache }),
    },
  };
  const book = deliveryBookOf(books, client.name);
  let acceptance: Acceptance;
  try {
    acceptance = await book.accept(status, requestId === null ? null : await requestHash(message), runtime.now());
  } catch {
    throw new ProblemError("ledger-unavailable", {
      detail: "The key's delivery book could not be reached, so nothing was queued; retry with the same requestId.",
      retryAfterSeconds: 30,
    });
  }
  if (acceptance.kind === "conflict") {
    throw new ProblemError("request-id-conflict", {
      detail: `The requestId "${requestId}" was used in the last 24 h for a different request; use a new requestId for this one.`,
    });
  }
  // Only the request that created the delivery queues it: a repeat gets the same delivery back.
  if (acceptance.kind === "created") await queue.send(message);
  return accepted(acceptance.status);
}

export function webhookRoutes(runtime: Runtime) {
  const context = gatewayContext(runtime);
  const signedOrKeyed = clientAuth(runtime, { signatures: true });
  // A delivery's status needs the key itself: a signature proves a message, not a reader.
  const keyed = clientAuth(runtime);

  return new Hono<GatewayEnv>()
    .post(WEBHOOK_PATH, context, signedOrKeyed, jsonOnly, webhookBody(runtime.now), async (c) => {
      const request = c.req.valid("json");
      const mode = askedMode(c.req.header(REFRESH_HEADER));
      if (request.callbackUrl !== undefined) {
        // A delivery is resolved once, later (webhooks/consumer.ts): it never refreshes.
        if (mode) c.header(REFRESH_HEADER, refreshHeader("not-here"));
        return enqueue(c, { ...request, callbackUrl: request.callbackUrl }, runtime);
      }
      const query = { kolId: request.kolId, startDate: request.startDate, endDate: request.endDate, acceptCache: request.acceptCache };
      const { result, headers, cacheStatus } = await lookupWithHeaders(c, query, mode);
      c.set("cacheStatus", cacheStatus);
      return c.json(normalize(query, dataOf(result, headers)), 200, headers);
    })
    .get(DELIVERY_PATH, context, keyed, async (c) => {
      const client = c.get("client");
      requireKeyFor(client, "Reading a delivery");
      const status = await deliveryBookOf(requireDeliveryBooks(c.env), client.name).read(c.req.param("id"));
      // Another key's delivery is answered exactly like one that does not exist.
      if (!status || status.owner !== client.name) {
        throw new ProblemError("not-found", { detail: "No delivery with this id belongs to this key." });
      }
      return c.json(status, 200, { "Cache-Control": "no-store" });
    });
}
