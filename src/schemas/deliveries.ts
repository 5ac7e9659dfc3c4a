/**
 * @module What a client reads about an asynchronous delivery: the 202 answer and the status
 * record (kept in the owner key's delivery book, webhooks/delivery-book.ts).
 */
import * as z from "zod/mini";

export const deliveryStatusSchema = z.object({
  id: z.string(),
  owner: z.string(),
  status: z.enum(["queued", "delivered", "failed"]),
  attempts: z.int(),
  lastError: z.nullable(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  requestId: z.nullable(z.string()),
});
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

/** The 202 answer to an asynchronous webhook request. */
export const deliveryAcceptedSchema = z.object({
  deliveryId: z.string(),
  status: deliveryStatusSchema.shape.status,
  statusUrl: z.string(),
});
export type DeliveryAccepted = z.infer<typeof deliveryAcceptedSchema>;
