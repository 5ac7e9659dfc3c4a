/**
 * Per-isolate rate-limit grants (src/auth/allowance.ts), over a limiter that counts calls in fixed
 * windows, as the Workers rate limiter does.
 */
import { describe, expect, it } from "vitest";
import { admit, type Grants } from "../../src/auth/allowance.ts";

const PERIOD_SECONDS = 60;

/** A limiter allowing `limit` calls per window, shared by every isolate of a test. */
function limiter(limit: number) {
  const counts = new Map<number, number>();
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    grant: (nowMs: number) => async () => {
      calls += 1;
      const window = Math.floor(nowMs / 1000 / PERIOD_SECONDS);
      const count = (counts.get(window) ?? 0) + 1;
      counts.set(window, count);
      return count <= limit;
    },
  };
}

async function send(isolate: Map<string, Grants>, shared: ReturnType<typeof limiter>, size: number, nowMs: number): Promise<boolean> {
  return admit(isolate, "key:acme", shared.grant(nowMs), { size, periodSeconds: PERIOD_SECONDS, nowMs });
}

describe("rate-limit grants", () => {
  it("ask the limiter once per grant: 25 requests in grants of 10 make 3 calls", async () => {
    const shared = limiter(100);
    const isolate = new Map<string, Grants>();
    for (let i = 0; i < 25; i += 1) expect(await send(isolate, shared, 10, 1_000)).toBe(true);
    expect(shared.calls).toBe(3);
  });

  it("ask on every request with grants of 1", async () => {
    const shared = limiter(100);
    const isolate = new Map<string, Grants>();
    for (let i = 0; i < 5; i += 1) await send(isolate, shared, 1, 1_000);
    expect(shared.calls).toBe(5);
  });

  it("never admit more than the limit's grants times their size, over several isolates", async () => {
    const shared = limiter(3);
    const isolates = [new Map<string, Grants>(), new Map<string, Grants>(), new Map<string, Grants>()];
    let admitted = 0;
    for (let i = 0; i < 60; i += 1) if (await send(isolates[i % 3]!, shared, 10, 1_000)) admitted += 1;
    // Three grants of 10, one per isolate; then each isolate asks once more, is refused, and stops.
    expect(admitted).toBe(30);
    expect(shared.calls).toBe(6);
  });

  it("refuse the rest of the window without asking again once a grant is refused", async () => {
    const shared = limiter(1);
    const isolate = new Map<string, Grants>();
    for (let i = 0; i < 10; i += 1) expect(await send(isolate, shared, 10, 1_000)).toBe(true);
    expect(await send(isolate, shared, 10, 2_000)).toBe(false);
    const callsAtRefusal = shared.calls;
    expect(await send(isolate, shared, 10, 3_000)).toBe(false);
    expect(shared.calls).toBe(callsAtRefusal);
  });

  it("start afresh in the next window: the unused part of a grant is not carried over", async () => {
    const shared = limiter(1);
    const isolate = new Map<string, Grants>();
    expect(await send(isolate, shared, 10, 1_000)).toBe(true);
    expect(await send(isolate, shared, 10, 61_000)).toBe(true);
    expect(shared.calls).toBe(2);
  });
});
