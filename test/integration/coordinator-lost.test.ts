/**
 * A KOL's coordinator lost while it answers (a deploy or an eviction resets it: an error the
 * platform marks retryable): the isolate asks it once more before resolving the miss on its own, so a call the lost
 * object made and kept is served from its days, not bought again; and the calls leased to the
 * isolate that the miss carried are not handed over twice.
 */
import { describe, expect, it } from "vitest";
import { makeGateway, trendPath, uniqueKol, wrapNamespace } from "../support/gateway.ts";
import { createTestKey } from "../support/keys.ts";
import type { MissOutcome, MissRequest } from "../../src/coordination/protocol.ts";
import type { KolCoordinator } from "../../src/coordination/kol-coordinator.ts";

type Gateway = ReturnType<typeof makeGateway>;

const RANGE = ["2026-03-01", "2026-03-05"] as const;
const ON_ITS_OWN = "the KOL's coordinator could not be reached; this isolate resolved the miss on its own";

/** An error as Cloudflare's runtime raises it for a call to an object, with its properties. */
const objectError = (message: string, properties: { retryable?: boolean; overloaded?: boolean; remote?: boolean }) =>
  Object.assign(new Error(message), properties);

/**
 * The gateway's coordinators, the first `resolve` of each failing with `error`: after the object
 * answered (`after`: the answer lost on its way back) or before it was reached. Returns the misses asked.
 */
function losingFirstAnswer(gateway: Gateway, error: Error, after: boolean): MissRequest[] {
  const namespace = gateway.env.KOL_COORDINATOR;
  const asked: MissRequest[] = [];
  gateway.env.KOL_COORDINATOR = wrapNamespace(namespace, {
    get: (id) => {
      const stub = namespace.get(id);
      const resolve = async (request: MissRequest): Promise<MissOutcome> => {
        asked.push(request);
        if (asked.length > 1) return stub.resolve(request);
        if (after) await stub.resolve(request);
        throw error;
      };
      return {
        resolve,
        quote: stub.quote.bind(stub),
        revalidate: stub.revalidate.bind(stub),
      } as unknown as DurableObjectStub<KolCoordinator>;
    },
  });
  return asked;
}

describe("a KOL's coordinator lost while it answers", () => {
  it("is asked once more, and the days its call kept are served without buying them again", async () => {
    const gateway = makeGateway();
    const asked = losingFirstAnswer(gateway, objectError("Durable Object reset because its code was updated.", { retryable: true }), true);
    const response = await gateway.request(trendPath(uniqueKol(), ...RANGE));
    expect(response.status).toBe(200);
    expect((await response.json<{ series: unknown[] }>()).series).toHaveLength(5);
    expect(asked).toHaveLength(2);
    expect(gateway.emulator.requests).toHaveLength(1);
    expect(gateway.logs.map((line) => line.msg)).not.toContain(ON_ITS_OWN);
  });

  it("is asked again without the calls leased to the isolate, which the lost object may have used", async () => {
    const gateway = makeGateway();
    const { key } = await createTestKey(gateway.env.KEYS, { dailyUpstreamCalls: 300 });
    // A first miss has the ledgers lease calls to this isolate; the next one carries them.
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(200);
    const asked = losingFirstAnswer(gateway, objectError("Durable Object reset because its code was updated.", { retryable: true }), true);
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(200);
    expect(asked[0]).toMatchObject({ account: expect.objectContaining({ reservation: expect.any(Number) }) });
    expect(asked[0]!.caller?.key?.leased).toEqual(expect.any(Number));
    expect(asked[1]).not.toHaveProperty("account");
    expect(asked[1]!.caller?.key).toMatchObject({ leased: null });
  });

  it("is asked again with no key's part for a key without a daily limit", async () => {
    const gateway = makeGateway({ env: { KEY_DAILY_UPSTREAM_CALLS: "0" } });
    const { key } = await createTestKey(gateway.env.KEYS);
    const asked = losingFirstAnswer(gateway, objectError("Durable Object reset because its code was updated.", { retryable: true }), true);
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE), { as: key })).status).toBe(200);
    expect(asked.map((request) => request.caller?.key)).toEqual([undefined, undefined]);
  });

  it("resolves the miss there when it was not reached the first time", async () => {
    const gateway = makeGateway();
    const asked = losingFirstAnswer(gateway, objectError("Network connection lost.", { retryable: true }), false);
    const kolId = uniqueKol();
    expect((await gateway.request(trendPath(kolId, ...RANGE))).status).toBe(200);
    expect(asked).toHaveLength(2);
    // Made at the coordinator (an isolate on its own keeps no days): a range inside costs no call.
    const inside = await gateway.request(trendPath(kolId, "2026-03-02", "2026-03-04"));
    expect(inside.headers.get("Xingtu-Upstream-Calls")).toBe("0");
  });

  it.each([
    ["overloaded", { retryable: true, overloaded: true }],
    ["failing in its own code", { remote: true }],
    ["failing with an error not marked retryable", {}],
  ])("is not asked again when %s: the isolate resolves the miss on its own", async (_, properties) => {
    const gateway = makeGateway();
    const asked = losingFirstAnswer(gateway, objectError("Durable Object is overloaded.", properties), false);
    expect((await gateway.request(trendPath(uniqueKol(), ...RANGE))).status).toBe(200);
    expect(asked).toHaveLength(1);
    expect(gateway.logs.map((line) => line.msg)).toContain(ON_ITS_OWN);
  });
});
