/**
 * @module The price first: what a request for these creators and this range would spend now, found
 * the way the request itself would find it and spending nothing. Each creator is quoted as its
 * lookup would go: a stored answer for the range (memory tier, then KV) costs nothing; else its
 * coordinator plans the miss as it would resolve it (kol-coordinator.ts `quote`), widened to what
 * the account's range limit allows; an isolate that cannot reach the coordinator would ask the
 * whole range itself. So a quote equals what the request then spends, unless the creators' stored
 * days change in between (another client's request, a day rolling over).
 */
import { daysInRange } from "../calendar.ts";
import { coordinatorOf } from "../coordination/coordinator.ts";
import type { CreatorQuote } from "../coordination/protocol.ts";
import { fetchDays } from "../coordination/wide-window.ts";
import { pooled, ROSTER_CONCURRENCY } from "../rosters/roster-trends.ts";
import type { CreatorQuoteView } from "../schemas/quote.ts";
import type { KolRange } from "../upstream/request.ts";
import type { LookupContext } from "./context.ts";
import { readStored, servedFrom } from "./lookup.ts";
import type { AskedRefresh } from "./refresh.ts";

async function quoteCreator(context: LookupContext, range: KolRange, maxDays: number, asked?: AskedRefresh): Promise<CreatorQuote> {
  // A refresh passes the stored answer by, as the lookup does.
  const stored = asked ? null : await readStored(context, range);
  if (stored && servedFrom(context, stored)) return { source: "stored-answer", calls: 0, window: null };
  try {
    return await coordinatorOf(context.coordinators, range.kolId).quote(range, maxDays, asked);
  } catch {
    // Without its coordinator, the request's isolate would ask the whole range (coordination/coordinator.ts).
    context.warn("the KOL's coordinator could not be reached; the quote is for the whole range, as this isolate would ask it");
    return { source: "upstream", calls: 1, window: range };
  }
}

export interface CreatorsQuote {
  members: CreatorQuoteView[];
  calls: number;
  days: number;
}

export interface QuoteOptions {
  /** A client's explicit refresh (one creator's quote only), decided as its request would have it. */
  asked?: AskedRefresh;
  /** Weighs one more request against the caller's rate limit, as each call the request would make
   * does: a quote reaches a coordinator per creator, so it may reach no more than the request could buy. */
  charge?: () => Promise<void>;
}

export async function quoteCreators(
  context: LookupContext,
  kolIds: readonly string[],
  range: Omit<KolRange, "kolId">,
  options: QuoteOptions = {},
): Promise<CreatorsQuote> {
  const maxDays = fetchDays(context.config, await context.guard.rangeLimit());
  const members = await pooled(kolIds, ROSTER_CONCURRENCY, async (kolId): Promise<CreatorQuoteView> => {
    const { source, calls, window } = await quoteCreator(context, { kolId, ...range }, maxDays, options.asked);
    if (calls > 0) await options.charge?.();
    return { kolId, source, calls, window: window && { startDate: window.startDate, endDate: window.endDate } };
  });
  const calls = members.reduce((sum, member) => sum + member.calls, 0);
  const days = members.reduce((sum, member) => sum + (member.window ? daysInRange(member.window.startDate, member.window.endDate) : 0), 0);
  return { members, calls, days };
}
