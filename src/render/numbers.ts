/**
 * @module Numbers as people read them (3,119,086; +1,062; +0.03%), written by hand rather than
 * with `Intl.NumberFormat`: constructing one at start-up costs about 12 ms of CPU (the ICU data it
 * loads), more than a third of the Worker's whole start, for what charts and digests need here.
 */

/** Thousands separated by commas, at most three decimals (as `Intl.NumberFormat("en-US")`). */
export function thousands(value: number): string {
  const rounded = Math.round(Math.abs(value) * 1000) / 1000;
  const [whole, fraction] = String(rounded).split(".");
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${value < 0 && rounded !== 0 ? "-" : ""}${grouped}${fraction ? `.${fraction}` : ""}`;
}

/** A change with its sign always shown: +1,062, -23,000, +0. */
export const signed = (value: number) => `${value >= 0 ? "+" : ""}${thousands(value)}`;

/** A fraction as a signed percentage with at most two decimals: 0.000246 -> +0.02%. */
export function signedPercent(fraction: number): string {
  const percent = Math.round(fraction * 10_000) / 100;
  // The sign of the change itself: a loss too small to show in hundredths is still -0%.
  return `${fraction >= 0 ? "+" : "-"}${thousands(Math.abs(percent))}%`;
}
