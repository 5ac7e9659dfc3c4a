/**
 * The charts' y scale: ticks on round values, and room above the maximum and below the minimum
 * for their labels.
 */
import { describe, expect, it } from "vitest";
import { MARGIN, PLOT_H, yScale } from "../../src/render/chart.ts";

describe("the charts' y scale", () => {
  it("puts its ticks on round values, not on the data's own odd numbers", () => {
    const { ticks } = yScale(3_112_941, 3_119_549);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    const step = ticks[1]! - ticks[0]!;
    expect([1, 2, 5].map((digit) => digit * 10 ** Math.floor(Math.log10(step)))).toContain(step);
    for (const tick of ticks) expect(tick % step).toBe(0);
  });

  it("leaves room above the maximum and below the minimum, inside the plot", () => {
    const { y } = yScale(3_112_941, 3_119_549);
    const top = MARGIN.top;
    const bottom = MARGIN.top + PLOT_H;
    // A label is 12 px high: each of min and max has at least that much between it and the plot's edge.
    expect(y(3_119_549) - top).toBeGreaterThanOrEqual(12);
    expect(bottom - y(3_112_941)).toBeGreaterThanOrEqual(12);
  });

  it("never runs below zero for counts that are not, however wide their span", () => {
    // A roster of a 195,377-follower creator beside a 3,100,000 one ran its axis to -1,000,000.
    const { ticks } = yScale(195_377, 3_100_000);
    expect(ticks[0]).toBe(0);
    expect(ticks.every((tick) => tick >= 0)).toBe(true);
  });

  it("draws a flat series in the middle band rather than on an edge", () => {
    const { y, ticks } = yScale(1_000_000, 1_000_000);
    expect(y(1_000_000)).toBeGreaterThan(MARGIN.top);
    expect(y(1_000_000)).toBeLessThan(MARGIN.top + PLOT_H);
    expect(ticks.length).toBeGreaterThan(1);
  });
});
