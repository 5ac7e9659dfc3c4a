/**
 * @module JSON request bodies: refused unless they are JSON (Hono's JSON validator reads any
 * other body as `{}`), uncompressed, a JSON object, and alone (a query parameter on a body route
 * is a mistake, not something to ignore).
 */
import type { Context, Env } from "hono";
import { createMiddleware } from "hono/factory";
import { validator } from "hono/validator";
import { ProblemError } from "../problem.ts";
import { invalidFields } from "../schemas/request.ts";

export const jsonOnly = createMiddleware(async (c, next) => {
  if (!/^application\/json\s*(;|$)/i.test(c.req.header("Content-Type") ?? "")) {
    throw new ProblemError("unsupported-media-type", { detail: "Send the body as JSON, with Content-Type: application/json." });
  }
  const encoding = c.req.header("Content-Encoding");
  if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") {
    throw new ProblemError("unsupported-media-type", { detail: "Send the body uncompressed: no Content-Encoding." });
  }
  // Read here (Hono keeps the parsed body for the route's validator) so that a body that is not
  // JSON at all is named like any other broken field, not left to the validator's bare 400.
  try {
    await c.req.json();
  } catch {
    throw invalidFields([{ field: "body", in: "body", rule: "json", message: "is not valid JSON" }]);
  }
  await next();
});

/** Validates a JSON object body with `parse`, which gets it as `{ body }` (the shape of the route schemas). */
export function jsonObjectBody<E extends Env, T>(parse: (raw: { body: Record<string, unknown> }, c: Context<E>) => T) {
  return validator("json", (json: unknown, c: Context<E>): T => {
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw invalidFields([{ field: "body", in: "body", rule: "type", message: "must be a JSON object" }]);
    }
    const query = Object.keys(c.req.queries());
    if (query.length > 0) {
      throw invalidFields(
        query.map((field) => ({
          field,
          in: "query",
          rule: "unknown_parameter",
          message: "is not a parameter of this route; send it in the body",
        })),
      );
    }
    return parse({ body: json as Record<string, unknown> }, c);
  });
}
