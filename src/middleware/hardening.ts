/**
 * @module Hardening that applies to every route: security headers, bounds on what a request may
 * carry, CORS for an allow-list of browser origins, and 405 with `Allow` for wrong methods.
 */
import type { Env, Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import { cors } from "hono/cors";
import { bodyLimit } from "hono/body-limit";
import { methodNotAllowed } from "hono/method-not-allowed";
import { loadConfig } from "../config/config.ts";
import { ProblemError } from "../problem.ts";
import { UPSTREAM_BILLED_HEADER, UPSTREAM_CALLS_HEADER, UPSTREAM_REQUEST_ID_HEADER } from "./observe.ts";
import type { Bindings } from "../bindings.ts";

export const MAX_URL_LENGTH = 2048;
// A roster of 500 creators with the longest ids is about 18 KiB of JSON.
export const MAX_BODY_BYTES = 32 * 1024;

export const securityHeaders = secureHeaders({
  // Charts and JSON may be embedded by other sites (`<img>`, fetch with CORS).
  crossOriginResourcePolicy: "cross-origin",
  strictTransportSecurity: "max-age=31536000; includeSubDomains",
  xFrameOptions: "DENY",
});

export const requestBounds = createMiddleware<{ Bindings: Bindings }>(async (c, next) => {
  if (c.req.url.length > MAX_URL_LENGTH) {
    throw new ProblemError("uri-too-long", { detail: `The URL is longer than ${MAX_URL_LENGTH} characters.` });
  }
  await next();
});

export const bodyBound = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ProblemError("payload-too-large", { detail: `The request body is larger than ${MAX_BODY_BYTES} bytes.` });
  },
});

/** Origins come from ALLOWED_ORIGINS; any other origin gets no CORS headers, so browsers refuse. */
export const browserAccess = cors({
  origin: (origin, c) => {
    const loaded = loadConfig(c.env as object);
    return loaded.ok && loaded.config.ALLOWED_ORIGINS.includes(origin) ? origin : null;
  },
  allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  allowHeaders: ["Authorization", "Cache-Control", "If-None-Match", "Content-Type", "X-Request-Id", "Xingtu-Refresh"],
  exposeHeaders: [
    "Cache-Status",
    "Age",
    "ETag",
    "X-Request-Id",
    "Retry-After",
    "Xingtu-Refresh",
    UPSTREAM_CALLS_HEADER,
    UPSTREAM_BILLED_HEADER,
    UPSTREAM_REQUEST_ID_HEADER,
    "Deprecation",
    "Link",
    "Location",
    "Content-Location",
    "Xingtu-Roster-Failed",
    "Xingtu-Upstream-Cost",
    "RateLimit",
    "RateLimit-Policy",
  ],
  maxAge: 600,
  credentials: false,
});

export function wrongMethod<E extends Env>(app: Hono<E>) {
  return methodNotAllowed({
    app,
    onMethodNotAllowed: (c, methods) => {
      const allow = [...methods, "OPTIONS"].join(", ");
      throw new ProblemError("method-not-allowed", { detail: `${c.req.method} is not served here; use ${allow}.`, allow });
    },
  });
}
