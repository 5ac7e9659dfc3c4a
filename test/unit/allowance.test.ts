/**
 * Per-isolate rate-limit grants (src/auth/allowance.ts), over a limiter that counts calls in fixed
 * windows, as the Workers rate limiter does.
 */
import { describe, expect, it } from "vitest";
import { admit, giveBack, takeSpare, type Grants } from "../../src/auth/allowance.ts";

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

  it("forget other subjects' past windows once 4096 subjects are kept, and keep those of the window running", async () => {
    const isolate = new Map<string, Grants>();
    const options = (nowMs: number) => ({ size: 10, periodSeconds: PERIOD_SECONDS, nowMs });
    const grant = async () => true;
    // 4094 subjects of an old window, one of the window now, one admitted now: 4096 kept.
    for (let i = 0; i < 4094; i += 1) await admit(isolate, `old:${i}`, grant, options(1_000));
    await admit(isolate, "current", grant, options(61_000));
    await admit(isolate, "another", grant, options(61_000));
    expect(isolate.size).toBe(4096);
    await admit(isolate, "next", grant, options(62_000));
    expect([...isolate.keys()].sort()).toEqual(["another", "current", "next"]);
  });

  it("keep other subjects' past windows while fewer than 4096 subjects are kept", async () => {
    const isolate = new Map<string, Grants>();
    const options = (nowMs: number) => ({ size: 10, periodSeconds: PERIOD_SECONDS, nowMs });
    await admit(isolate, "old", async () => true, options(1_000));
    await admit(isolate, "new", async () => true, options(61_000));
    expect([...isolate.keys()]).toEqual(["old", "new"]);
  });
});

describe("a spare of a grant", () => {
  const options = (nowMs: number) => ({ periodSeconds: PERIOD_SECONDS, nowMs });
  /** An isolate whose subject holds a grant of `size` with one request admitted. */
  async function granted(size: number, nowMs = 1_000) {
    const isolate = new Map<string, Grants>();
    await admit(isolate, "key:acme", async () => true, { size, periodSeconds: PERIOD_SECONDS, nowMs });
    return isolate;
  }

  it("is taken while more than `keep` requests are left, each one counted as used", async () => {
    const isolate = await granted(4);
    expect(takeSpare(isolate, "key:acme", 1, options(2_000))).toBe(true);
    expect(isolate.get("key:acme")).toMatchObject({ left: 2, used: 2 });
    expect(takeSpare(isolate, "key:acme", 1, options(2_000))).toBe(true);
    expect(isolate.get("key:acme")).toMatchObject({ left: 1, used: 3 });
    // One left, which `keep` keeps for the requests that follow.
    expect(takeSpare(isolate, "key:acme", 1, options(2_000))).toBe(false);
    expect(isolate.get("key:acme")).toMatchObject({ left: 1, used: 3 });
  });

  it("is none before any grant, and none in a window the grant did not run in", async () => {
    expect(takeSpare(new Map(), "key:acme", 0, options(2_000))).toBe(false);
    const isolate = await granted(4);
    expect(takeSpare(isolate, "key:acme", 0, options(61_000))).toBe(false);
    expect(isolate.get("key:acme")).toMatchObject({ left: 3, used: 1 });
  });

  it("is none once the limiter refused a grant, even with one given back after", async () => {
    const isolate = await granted(2);
    expect(takeSpare(isolate, "key:acme", 0, options(2_000))).toBe(true);
    // The next request finds nothing left and is refused; then the spare's call turns out not to be made.
    expect(await admit(isolate, "key:acme", async () => false, { size: 2, periodSeconds: PERIOD_SECONDS, nowMs: 3_000 })).toBe(false);
    giveBack(isolate, "key:acme", options(4_000));
    expect(isolate.get("key:acme")).toMatchObject({ left: 1, refused: true });
    expect(takeSpare(isolate, "key:acme", 0, options(5_000))).toBe(false);
  });

  it("given back is left again, and not counted as used", async () => {
    const isolate = await granted(4);
    takeSpare(isolate, "key:acme", 0, options(2_000));
    giveBack(isolate, "key:acme", options(3_000));
    expect(isolate.get("key:acme")).toMatchObject({ left: 3, used: 1 });
  });

  it("given back after its window ended changes nothing, and starts no window", async () => {
    const isolate = await granted(4);
    takeSpare(isolate, "key:acme", 0, options(2_000));
    giveBack(isolate, "key:acme", options(61_000));
    expect(isolate.get("key:acme")).toMatchObject({ left: 2, used: 2, window: 0 });
    const none = new Map<string, Grants>();
    giveBack(none, "key:acme", options(2_000));
    expect(none.size).toBe(0);
  });
});
