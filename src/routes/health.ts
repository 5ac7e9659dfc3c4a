/**
 * @module `GET /healthz`: is the gateway ready to serve? Never calls the upstream and never
 * reveals a value: whether each required piece is present, which variables are wrong, and the
 * spend guard's state (is the upstream being called, how much of today's budget is used).
 */
import { Hono } from "hono/tiny";

import { readiness } from "../config/readiness.ts";
import { createLookupContext, newTrace } from "../lookup/context.ts";
import { deferWith } from "../middleware/gateway-context.ts";
import type { Bindings } from "../bindings.ts";
import type { Runtime } from "../runtime.ts";
import { VERSION } from "../version.ts";
import { anyKeyExists, NO_KEYS } from "../auth/client-auth.ts";
import { ProblemError } from "../problem.ts";
import { breakerView } from "../ledger/spend-guard.ts";
import type { Health } from "../schemas/operations.ts";

const LEDGER_UNREACHABLE =
  "The upstream account's ledger cannot be reached: stored answers are served, misses are refused with 503 until it can.";

export function healthRoutes(runtime: Runtime) {
  return new Hono<{ Bindings: Bindings }>().get("/healthz", async (c) => {
    const state = readiness(c.env);
    // Without any client key the gateway refuses every data request: that is not ready.
    const clientKeys: Health["checks"]["clientKeys"] = !state.ready
      ? "unknown"
      : state.config.PUBLIC_ACCESS
        ? "not-needed"
        : (await anyKeyExists(c.env.KEYS, runtime))
          ? "present"
          : "none";
    const ready = state.ready && clientKeys !== "none";
    const problems = clientKeys === "none" ? [NO_KEYS] : [...state.problems];
    let spendGuard: Health["spendGuard"] = null;
    let upstream: Health["upstream"] = null;
    let reachable = true;
    if (state.ready) {
      const context = createLookupContext({ env: c.env, runtime, trace: newTrace(), defer: deferWith(c), warn: () => undefined });
      const unreachable = (error: unknown) => {
        if (error instanceof ProblemError && error.problemType === "ledger-unavailable") return null;
        throw error;
      };
      const [status, rangeLimit] = await Promise.all([
        context.guard.status().catch(unreachable),
        context.guard.rangeLimit().catch(unreachable),
      ]);
      reachable = status !== null;
      // The ledger hands over only a fail-over still in force; one to the configured path is none.
      const failover = status?.today.failover;
      const current = failover && failover.to !== state.config.UPSTREAM_ENDPOINT ? failover : null;
      upstream = {
        endpoint: state.config.UPSTREAM_ENDPOINT,
        active: current?.to ?? state.config.UPSTREAM_ENDPOINT,
        failover: current && {
          from: current.from,
          to: current.to,
          since: new Date(current.since).toISOString(),
          until: new Date(current.until).toISOString(),
        },
        // The widest window the upstream answered since it refused a wider one (wide calls ask no wider until `until`).
        rangeLimit: rangeLimit && {
          refusedDays: rangeLimit.refusedDays,
          workedDays: rangeLimit.workedDays,
          until: new Date(rangeLimit.until).toISOString(),
        },
      };
      spendGuard = status && { ...breakerView(status.today.breaker), budget: status.budget };
    }
    if (!reachable) problems.push(LEDGER_UNREACHABLE);
    return c.json<Health>(
      {
        status: !ready ? "misconfigured" : reachable ? "ok" : "degraded",
        version: VERSION,
        checks: { ...state.checks, clientKeys },
        problems,
        upstream,
        spendGuard,
      },
      ready ? 200 : 503,
      { "Cache-Control": "no-store" },
    );
  });
}
