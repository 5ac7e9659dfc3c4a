/**
 * @module The app wiring: middleware order, routes, and the single exit for every error.
 *
 * Dependencies (the upstream's fetch, the clock, sleeping, randomness, the log sink) are
 * injected, so the same app runs in production, against the emulator in tests, and in the
 * benchmark. One app instance per isolate also owns the request-coalescing map.
 */
// hono/tiny: Hono with its PatternRouter only, smaller to ship and start than the default's two
// routers, and as fast for this app's score of routes (every route module uses it).
import { Hono } from "hono/tiny";
import type { Context } from "hono";
import { requestId } from "hono/request-id";
import { HTTPException } from "hono/http-exception";
import { timing } from "hono/timing";
import { observe } from "./middleware/observe.ts";
import { isLinkView, rateLimitHeaders } from "./auth/client-auth.ts";
import { bodyBound, browserAccess, requestBounds, securityHeaders, wrongMethod } from "./middleware/hardening.ts";
import { seedDeprecation, upstreamStyleErrors } from "./middleware/drop-in.ts";
import { gatewayRoutes } from "./routes/index.ts";
import type { GatewayEnv } from "./routes/env.ts";
import { ProblemError, problemResponse, zhLineFor } from "./problem.ts";
import { SEED_PATH, SUCCESSOR_PATH } from "./upstream/request.ts";
import { readiness } from "./config/readiness.ts";
import { errorFields } from "./log.ts";
import { problemSvg } from "./render/problem-svg.ts";
import { MAX_WIDTH, MIN_WIDTH, SVG_HEADERS, WIDTH } from "./render/chart.ts";
import { problemPage } from "./routes/problems.ts";
import { langOf, langSchema } from "./render/language.ts";
import type { Runtime } from "./runtime.ts";

/** The width the chart was asked at, when it is one a chart may have (else the default): its error takes that size. */
function chartWidth(c: Context<GatewayEnv>): number {
  const asked = Number(c.req.query("width"));
  return Number.isInteger(asked) && asked >= MIN_WIDTH && asked <= MAX_WIDTH ? asked : WIDTH;
}

/** The request's path as a problem's `instance` shows it: at most 200 characters, with no control or
 * direction-changing character (U+202E would turn the rest of the line around where people read it). */
const shownPath = (path: string) => path.slice(0, 200).replace(/[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu, "\uFFFD");

/** Whether the request asks for Chinese: its `lang` as the routes read it (a value that is no language is not Chinese), else `Accept-Language`. */
const asksChinese = (c: Context<GatewayEnv>) => {
  const lang = langSchema.safeParse(c.req.query("lang"));
  return langOf(lang.success ? lang.data : "en", c.req.header("Accept-Language")) === "zh-CN";
};

/** A chart's request (an `.svg` path) that does not ask for JSON: its errors are images too. */
const wantsImage = (c: Context<GatewayEnv>) =>
  c.req.path.endsWith(".svg") && !/\bapplication\/(problem\+)?json\b/i.test(c.req.header("Accept") ?? "");

export function createApp(runtime: Runtime) {
  const app = new Hono<GatewayEnv>();

  app.use(requestId({ limitLength: 128, generator: runtime.uuid }));
  app.use(timing({ total: true, crossOrigin: false }));
  app.use(observe(runtime));
  app.use(rateLimitHeaders(runtime));
  app.use(securityHeaders);
  app.use(browserAccess);
  app.use(requestBounds);
  app.use(bodyBound);
  app.use(wrongMethod(app));
  app.use(SEED_PATH, seedDeprecation, upstreamStyleErrors);
  app.use(SUCCESSOR_PATH, upstreamStyleErrors);
  app.route(
    "/",
    gatewayRoutes(runtime, (request, env, ctx) => app.fetch(request, env, ctx)),
  );

  const respond = async (c: Context<GatewayEnv>, error: ProblemError) => {
    const linkView = isLinkView(c.req.raw);
    const image = wantsImage(c);
    // An image always says it in Chinese too; problem+json when the request asks for Chinese.
    const zh =
      image || asksChinese(c)
        ? await problemPage(c.env.ASSETS, error.problemType, c.req.url).then(
            (page) => zhLineFor(page.zh, linkView),
            () => null,
          )
        : null;
    const context = {
      requestId: c.get("requestId") ?? runtime.uuid(),
      instance: shownPath(c.req.path),
      upstreamStyle: c.get("upstreamStyle") ?? false,
      linkView,
      ...(zh === null ? {} : { zh }),
    };
    if (!image) return problemResponse(error, context);
    // An <img> shows a JSON error as a broken icon: a chart's error is an image that says why.
    return problemResponse(error, context, { headers: SVG_HEADERS, body: (problem) => problemSvg(problem, zh, chartWidth(c)) });
  };

  app.notFound((c) =>
    respond(c, new ProblemError("not-found", { detail: `There is no route ${c.req.method} ${c.req.path.slice(0, 200)}.` })),
  );

  app.onError((error, c) => {
    if (error instanceof ProblemError) return respond(c, error);
    if (error instanceof HTTPException && error.status < 500) {
      return respond(c, new ProblemError("invalid-request", { detail: error.message || "The request is malformed." }));
    }
    const token = readiness(c.env).config?.JUSTONEAPI_TOKEN;
    runtime.log({ level: "error", msg: "unhandled error", requestId: c.get("requestId"), ...errorFields(error, token) });
    return respond(
      c,
      new ProblemError("internal-error", { detail: "The gateway failed unexpectedly; the request id identifies the log line." }),
    );
  });

  return app;
}

export type GatewayApp = ReturnType<typeof createApp>;
