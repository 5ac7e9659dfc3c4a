/**
 * @module `POST /v1/rosters/{name}/watch/test`: sends a sample digest to each of the roster's
 * watch targets now, and answers what each target made of it (alerts/watch-test.ts). A team
 * checks its bots and signing here instead of waiting for a real anomaly. It looks nothing up
 * (no upstream call, nothing spent), queues nothing and leaves the day's digest claim alone.
 *
 * Mounted before the roster routes, with its own context and authentication for POST only: the
 * roster routes' `/v1/rosters/*` middleware then never runs for it, so a test is authenticated and
 * rate limited once, as any request.
 */
import { Hono } from "hono/tiny";
import * as z from "zod/mini";
import type { Context } from "hono";
import { gatewayContext } from "../middleware/gateway-context.ts";
import { clientAuth, requireKeyFor } from "../auth/client-auth.ts";
import { requireRosterBooks } from "../config/readiness.ts";
import { ProblemError } from "../problem.ts";
import { validated } from "../schemas/request.ts";
import { rosterNameSchema } from "../schemas/rosters.ts";
import type { WatchTestAnswer } from "../schemas/watches.ts";
import { sampleDigest, sendTest } from "../alerts/watch-test.ts";
import { digestDay } from "../alerts/watch-run.ts";
import { notFound, reach } from "./rosters.ts";
import type { GatewayEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";

export const ROSTER_WATCH_TEST_PATH = "/v1/rosters/:name/watch/test";

type Ctx = Context<GatewayEnv>;

const namePathSchema = z.object({ path: z.object({ name: rosterNameSchema }) });

export function watchTestRoutes(runtime: Runtime) {
  return new Hono<GatewayEnv>().post(ROSTER_WATCH_TEST_PATH, gatewayContext(runtime), clientAuth(runtime), async (c: Ctx) => {
    const client = c.get("client");
    requireKeyFor(client, "Rosters");
    const { name } = validated(namePathSchema, { path: { name: c.req.param("name") } }).path;
    const books = requireRosterBooks(c.env);
    const book = books.get(books.idFromName(client.name));
    const [stored, roster] = await reach(() => Promise.all([book.getWatch(name), book.get(name)]));
    if (!roster) throw notFound(name);
    if (!stored) throw new ProblemError("watch-not-found", { detail: `The roster "${name}" is not watched: PUT its watch to set one.` });
    const digest = sampleDigest({ name, kolIds: roster.kolIds, labels: roster.labels }, stored.watch, digestDay(runtime.now()));
    const { config } = c.get("lookup");
    const targets = await sendTest(c.env, config, runtime, client.name, stored.watch.targets, digest);
    // Types, origins and outcomes only: never an address's path or query, where its token is.
    runtime.log({
      level: "info",
      msg: "watch test sent",
      requestId: c.get("requestId"),
      client: client.name,
      roster: name,
      targets: targets.map(({ type, url, ok, status, code }) => ({ type, url, ok, status, code })),
    });
    return c.json<WatchTestAnswer>({ targets }, 200, { "Cache-Control": "no-store" });
  });
}
