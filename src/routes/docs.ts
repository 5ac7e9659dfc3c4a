/**
 * @module The API's own documentation routes: `/openapi.json` (no key needed).
 */
import { Hono } from "hono";
import { openApiDocument } from "../docs/openapi.ts";
import type { Bindings } from "../bindings.ts";

export const docsRoutes = new Hono<{ Bindings: Bindings }>().get("/openapi.json", (c) =>
  c.json(openApiDocument(), 200, { "Cache-Control": "public, max-age=300" }),
);
