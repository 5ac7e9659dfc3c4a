/**
 * @module The webhook target, for automation tools that speak webhooks:
 * - `POST /v1/webhooks/daily-fans` with `{ kolId, startDate, endDate, acceptCache?, callbackUrl?,
 *   requestId? }`: without `callbackUrl` it answers like the GET route (same cache); with one it
 *   answers 202 at once and a Queue delivers the answer to the callback, signed;
 * - `GET /v1/webhooks/deliveries/{id}`: a delivery's status, for the key that created it only.
 * Requests carry a client key or are signed with the key's signing secret.
 */
import { Hono, type Context } from "hono";
import { shanghaiToday } from "../calendar.ts";
import { normalize } from "../lookup/normalize.ts";
import { ProblemError } from "../problem.ts";
import { invalidFields, perLimits, toFieldErrors, webhookRequestSchema, type WebhookRequest } from "../schemas/request.ts";
import { gatewayContext } from "../middleware/gateway-context.ts";
import { clientAuth } from "../auth/client-auth.ts";
import { lookupWithHeaders } from "./daily-fans.ts";
import { checkCallbackUrl } from "../webhooks/callback-url.ts";
import {
  deliveryForRequest,
  readDelivery,
  rememberRequest,
  writeDelivery,
  type DeliveryAccepted,
  type DeliveryMessage,
  type DeliveryStatus,
} from "../webhooks/deliveries.ts";
import type { GatewayDeps, GatewayEnv } from "../bindings.ts";
import type { IsolateState } from "../lookup/context.ts";

export const WEBHOOK_PATH = "/v1/webhooks/daily-fans";
export const DELIVERY_PATH = "/v1/webhooks/deliveries/:id";

const webhookSchemaFor = perLimits(webhookRequestSchema);

function invalid(detail: string): ProblemError {
  return new ProblemError("invalid-request", { detail });
}

async function parseBody(c: Context<GatewayEnv>, now: number): Promise<WebhookRequest> {
  const type = c.req.header("Content-Type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ProblemError("unsupported-media-type", { detail: "Send the body as JSON, with Content-Type: application/json." });
  }
  let json: unknown;
  try {
    json = JSON.parse(await c.req.text());
  } catch {
    throw invalid("The body is not valid JSON.");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw invalid("The body must be a JSON object.");
  const raw = { body: json as Record<string, unknown> };
  const limits = { maxRangeDays: c.var.lookup.config.MAX_RANGE_DAYS, today: shanghaiToday(now) };
  const parsed = webhookSchemaFor(limits).safeParse(raw);
  if (!parsed.success) throw invalidFields(toFieldErrors(parsed.error.issues, raw), "body");
  return parsed.data;
}

async function enqueue(c: Context<GatewayEnv>, request: WebhookRequest & { callbackUrl: string }, deps: GatewayDeps): Promise<Response> {
  const { lookup, client } = c.var;
  const checked = checkCallbackUrl(request.callbackUrl, lookup.config);
  if (!checked.ok) {
    throw invalidFields([{ field: "callbackUrl", in: "body", rule: "callback_url", message: checked.reason }], "body");
  }
  if (!c.env.DELIVERIES) {
    throw new ProblemError("gateway-misconfigured", {
      detail: "The queue binding DELIVERIES is missing. Operator: declare it in wrangler.toml ([[queues.producers]]).",
    });
  }
  if (!lookup.config.WEBHOOK_SIGNING_SECRET) {
    throw new ProblemError("gateway-misconfigured", {
      detail:
        "The secret WEBHOOK_SIGNING_SECRET is not set, so callbacks cannot be signed. Operator: `wrangler secret put WEBHOOK_SIGNING_SECRET`.",
    });
  }
  const accepted = (status: DeliveryStatus) =>
    c.json<DeliveryAccepted>({ deliveryId: status.id, status: status.status, statusUrl: `/v1/webhooks/deliveries/${status.id}` }, 202, {
      Location: `/v1/webhooks/deliveries/${status.id}`,
      "Cache-Control": "no-store",
    });
  const requestId = request.requestId ?? null;
  if (requestId) {
    const existing = await deliveryForRequest(lookup.store, client.name, requestId);
    const status = existing ? await readDelivery(lookup.store, existing) : null;
    if (status) return accepted(status);
  }
  const at = new Date(deps.now()).toISOString();
  const status: DeliveryStatus = {
    id: crypto.randomUUID(),
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
  await writeDelivery(lookup.store, status);
  if (requestId) await rememberRequest(lookup.store, client.name, requestId, status.id);
  await c.env.DELIVERIES.send(message);
  return accepted(status);
}

export function webhookRoutes(deps: GatewayDeps, isolate: IsolateState) {
  const context = gatewayContext(deps, isolate);
  const auth = clientAuth(deps.now, { signatures: true });

  return new Hono<GatewayEnv>()
    .post(WEBHOOK_PATH, context, auth, async (c) => {
      const request = await parseBody(c, deps.now());
      if (request.callbackUrl !== undefined) return enqueue(c, { ...request, callbackUrl: request.callbackUrl }, deps);
      const query = { kolId: request.kolId, startDate: request.startDate, endDate: request.endDate, acceptCache: request.acceptCache };
      const { result, headers } = await lookupWithHeaders(c, query, false);
      return c.json(normalize(query, result.success.data), 200, headers);
    })
    .get(DELIVERY_PATH, context, auth, async (c) => {
      const status = await readDelivery(c.var.lookup.store, c.req.param("id"));
      // Another key's delivery is answered exactly like one that does not exist.
      if (!status || status.owner !== c.var.client.name) {
        throw new ProblemError("not-found", { detail: "No delivery with this id belongs to this key." });
      }
      return c.json(status, 200, { "Cache-Control": "no-store" });
    });
}
