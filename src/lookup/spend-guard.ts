/**
 * @module The spend guard: when the upstream says the daily quota (303), the balance (601) or the
 * spending cap (602) is gone, or the gateway's own daily call budget is spent, stop calling the upstream until the
 * quota resets (QUOTA_RESET_HOUR in Asia/Shanghai, midnight by default) or an operator clears it
 * (`npm run guard -- clear`). Misses are refused at once with 503 and Retry-After; answers in the
 * cache keep being served. State lives in KV, so every isolate and location honours it.
 *
 * The budget counter is a KV value read, incremented and written back: concurrent isolates can
 * each count the same call once, so under heavy concurrency it may undercount by a few calls.
 */
import * as z from "zod";
import { secondsUntilShanghaiHour, shanghaiToday } from "../calendar.ts";
import type { Config } from "../config/config.ts";
import { ProblemError } from "../problem.ts";
import { BUSINESS_CODES } from "../upstream/codes.ts";
import type { Store } from "../cache/types.ts";

/** Where the guard keeps its state in the CACHE namespace (read by `npm run guard` too). */
export const BREAKER_KEY = "v1:guard:breaker";
export const budgetKey = (day: string) => `v1:guard:budget:${day}`;

export const breakerSchema = z.object({ reason: z.string(), openedAt: z.number(), until: z.number() });
export type Breaker = z.infer<typeof breakerSchema>;

/** The upstream's codes that stop every call (303, 601, 602), by the problem each becomes. */
const OPENING_CODES = new Map(
  Object.entries(BUSINESS_CODES).flatMap(([code, known]) =>
    known.opensGuard && known.type ? [[known.type, `${code}, ${known.name.toLowerCase()}`] as const] : [],
  ),
);
const TWO_DAYS_SECONDS = 2 * 24 * 3600;

export interface GuardStatus {
  breaker: Breaker | null;
  budget: { limit: number; used: number; day: string } | null;
}

export function createSpendGuard(store: Store, config: Config, now: () => number, defer: (work: Promise<unknown>) => void) {
  const openBreaker = (reason: string) => {
    const at = now();
    const breaker: Breaker = { reason, openedAt: at, until: at + secondsUntilShanghaiHour(at, config.QUOTA_RESET_HOUR) * 1000 };
    defer(store.put(BREAKER_KEY, breaker, (breaker.until - at) / 1000 + 60));
    return breaker;
  };

  const refuse = (breaker: Breaker) =>
    new ProblemError("spend-guard-open", {
      detail: `The gateway stopped calling the upstream (${breaker.reason}) until ${new Date(breaker.until).toISOString()}; cached answers are still served. Operator: \`npm run guard -- clear --remote\` once resolved.`,
      retryAfterSeconds: Math.max(1, (breaker.until - now()) / 1000),
    });

  const readBreaker = async (): Promise<Breaker | null> => {
    const read = await store.get(BREAKER_KEY);
    const breaker = read.ok ? breakerSchema.safeParse(read.value) : null;
    return breaker?.success && breaker.data.until > now() ? breaker.data : null;
  };

  const readBudget = async () => {
    const day = shanghaiToday(now());
    const read = await store.get(budgetKey(day));
    return { day, used: read.ok && typeof read.value === "number" ? read.value : 0 };
  };

  return {
    /** Throws a 503 problem when the upstream must not be called now. */
    async admit(): Promise<void> {
      const breaker = await readBreaker();
      if (breaker) throw refuse(breaker);
      if (config.UPSTREAM_DAILY_BUDGET > 0) {
        const { used } = await readBudget();
        if (used >= config.UPSTREAM_DAILY_BUDGET)
          throw refuse(openBreaker(`daily budget of ${config.UPSTREAM_DAILY_BUDGET} upstream calls reached`));
      }
    },
    /** Counts the upstream calls one logical call made against today's budget. */
    recordCalls(calls: number): void {
      if (config.UPSTREAM_DAILY_BUDGET <= 0 || calls <= 0) return;
      defer(readBudget().then(({ day, used }) => store.put(budgetKey(day), used + calls, TWO_DAYS_SECONDS)));
    },
    /** Opens the breaker when the upstream said the quota or the balance is gone. */
    recordFailure(error: unknown): void {
      const opening = error instanceof ProblemError ? OPENING_CODES.get(error.problemType) : undefined;
      if (opening) openBreaker(`the upstream answered ${opening}`);
    },
    async status(): Promise<GuardStatus> {
      const breaker = await readBreaker();
      const budget = config.UPSTREAM_DAILY_BUDGET > 0 ? { limit: config.UPSTREAM_DAILY_BUDGET, ...(await readBudget()) } : null;
      return { breaker, budget };
    },
  };
}

export type SpendGuard = ReturnType<typeof createSpendGuard>;
