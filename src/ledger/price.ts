/**
 * @module What upstream calls cost in money, when the operator says (UPSTREAM_PRICE_PER_CALL and
 * UPSTREAM_PRICE_CURRENCY): the maker publishes no price, so without them amounts are not shown.
 * A call that may have been billed counts as spent, here as in every ledger.
 */
import type { Config } from "../config/config.ts";

export interface Price {
  perCall: number;
  currency: string;
}

export const priceOf = (config: Pick<Config, "UPSTREAM_PRICE_PER_CALL" | "UPSTREAM_PRICE_CURRENCY">): Price | null =>
  config.UPSTREAM_PRICE_PER_CALL > 0 ? { perCall: config.UPSTREAM_PRICE_PER_CALL, currency: config.UPSTREAM_PRICE_CURRENCY } : null;

/** `calls` at `price`, to a millionth (so 3 x 0.1 is 0.3, not 0.30000000000000004). */
export const amountOf = (calls: number, price: Price): number => Math.round(calls * price.perCall * 1e6) / 1e6;
