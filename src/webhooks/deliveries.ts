/**
 * @module Asynchronous deliveries: the queue message and the status record a client can read, both
 * kept in the owner key's delivery book (delivery-book.ts), with the idempotency of `requestId`.
 */
import * as z from "zod/mini";
import { hex } from "../bytes.ts";
import type { DeliveryBook } from "./delivery-book.ts";

export const deliveryMessageSchema = z.object({
  deliveryId: z.string(),
  owner: z.string(),
  requestId: z.nullable(z.string()),
  callbackUrl: z.string(),
  query: z.object({ kolId: z.string(), startDate: z.string(), endDate: z.string(), acceptCache: z.optional(z.boolean()) }),
});
export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;

/** The delivery book of a key (delivery-book.ts). */
export const deliveryBookOf = (namespace: DurableObjectNamespace<DeliveryBook>, owner: string) =>
  namespace.get(namespace.idFromName(owner));

/** What a `requestId` promises: the same request. A reused id with another request is a conflict. */
export async function requestHash(message: Pick<DeliveryMessage, "callbackUrl" | "query">): Promise<string> {
  const { kolId, startDate, endDate, acceptCache } = message.query;
  const canonical = JSON.stringify([kolId, startDate, endDate, acceptCache ?? null, message.callbackUrl]);
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical)));
}

const BACKOFF_BASE_SECONDS = 10;
const BACKOFF_CAP_SECONDS = 15 * 60;

/** The wait before a failed callback (a delivery or a watch's digest) is tried again. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** Math.max(0, attempts - 1));
}
