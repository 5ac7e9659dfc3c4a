/**
 * @module Where the spend guard keeps its state in the CACHE namespace. Import-free, so the
 * operator's `npm run guard` command (plain Node) reads the same keys as the Worker.
 */
export const BREAKER_KEY = "v1:guard:breaker";
export const budgetKey = (day: string) => `v1:guard:budget:${day}`;
