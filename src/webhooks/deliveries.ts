/**
 * @module Asynchronous deliveries: the queue message, the status record a client can read, and
 * the idempotency index that turns a repeated `requestId` into the same delivery.
 */
import * as z from "zod";
import type { Store } from "../cache/types.ts";

export const deliveryStatusSchema = z.object({
  id: z.string(),
  owner: z.string(),
  status: z.enum(["queued", "delivered", "failed"]),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  requestId: z.string().nullable(),
});
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

/** The 202 answer to an asynchronous webhook request. */
export const deliveryAcceptedSchema = z.object({
  deliveryId: z.string(),
  status: deliveryStatusSchema.shape.status,
  statusUrl: z.string(),
});
export type DeliveryAccepted = z.infer<typeof deliveryAcceptedSchema>;

export const deliveryMessageSchema = z.object({
  deliveryId: z.string(),
  owner: z.string(),
  requestId: z.string().nullable(),
  callbackUrl: z.string(),
  query: z.object({ kolId: z.string(), startDate: z.string(), endDate: z.string(), acceptCache: z.boolean().optional() }),
});
export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;

/** Delivery records and idempotency entries are kept a day. */
export const DELIVERY_KEEP_SECONDS = 24 * 3600;

const statusKey = (id: string) => `v1:delivery:${id}`;
const requestKey = (owner: string, requestId: string) => `v1:delivery-request:${owner}:${requestId}`;

export async function readDelivery(store: Store, id: string): Promise<DeliveryStatus | null> {
  const read = await store.get(statusKey(id));
  const parsed = deliveryStatusSchema.safeParse(read.ok ? read.value : null);
  return parsed.success ? parsed.data : null;
}

export function writeDelivery(store: Store, status: DeliveryStatus): Promise<boolean> {
  return store.put(statusKey(status.id), status, DELIVERY_KEEP_SECONDS);
}

export async function deliveryForRequest(store: Store, owner: string, requestId: string): Promise<string | null> {
  const read = await store.get(requestKey(owner, requestId));
  return read.ok && typeof read.value === "string" ? read.value : null;
}

export function rememberRequest(store: Store, owner: string, requestId: string, deliveryId: string): Promise<boolean> {
  return store.put(requestKey(owner, requestId), deliveryId, DELIVERY_KEEP_SECONDS);
}
