/**
 * Standard Webhooks verification of a signed request (webhooks/signature.ts), rule by rule: each
 * refusal for its own reason, the tolerance at its exact edges, and a signature header carrying
 * several signatures.
 */
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { signedHeaders, signingSecrets, TOLERANCE_SECONDS, verifySigned } from "../../src/webhooks/signature.ts";

const MASTER = "unit-test-master-secret-0123456789";
const NOW_MS = Date.parse("2026-03-10T04:00:00Z");
const NOW_S = NOW_MS / 1000;
const BODY = '{"kolId":"1"}';

async function secrets(previous: number | null = null) {
  return signingSecrets(MASTER, "acme", { current: 2, previous });
}

function headers(fields: Record<string, string | undefined>): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) out.set(name, value);
  return out;
}

async function signedAt(seconds: number, secret?: string) {
  const [current] = await secrets();
  const signature = new Webhook(secret ?? current!).sign("msg_1", new Date(seconds * 1000), BODY);
  return { "webhook-id": "msg_1", "webhook-timestamp": String(seconds), "webhook-signature": signature };
}

describe("signing secrets", () => {
  it("gives one secret outside a rotation and two, current first, during one", async () => {
    const one = await secrets(null);
    const two = await secrets(1);
    expect(one).toHaveLength(1);
    expect(two).toHaveLength(2);
    expect(two[0]).toBe(one[0]);
    expect(two[1]).toBe((await signingSecrets(MASTER, "acme", { current: 1, previous: null }))[0]);
    expect(one[0]).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
  });

  it("signs with every valid secret, space-separated, at whole seconds", async () => {
    const all = await secrets(1);
    const signed = signedHeaders(all, "msg_9", NOW_MS + 999, BODY);
    expect(signed["webhook-timestamp"]).toBe(String(NOW_S));
    expect(signed["webhook-signature"]!.split(" ")).toHaveLength(2);
    for (const secret of all) expect(verifySigned(headers(signed), BODY, [secret], NOW_MS)).toEqual({ ok: true, id: "msg_9" });
  });
});

describe("a signed request", () => {
  it("is accepted with its id", async () => {
    expect(verifySigned(headers(await signedAt(NOW_S)), BODY, await secrets(), NOW_MS)).toEqual({ ok: true, id: "msg_1" });
  });

  for (const missing of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
    it(`is refused without ${missing}, saying what a signed request needs`, async () => {
      const fields: Record<string, string | undefined> = { ...(await signedAt(NOW_S)), [missing]: undefined };
      expect(verifySigned(headers(fields), BODY, await secrets(), NOW_MS)).toEqual({
        ok: false,
        reason: "a signed request needs webhook-id, webhook-timestamp and webhook-signature",
      });
    });
  }

  for (const timestamp of ["12a", "a12", "1.5", "-5", "1234567890123"]) {
    it(`is refused with webhook-timestamp ${JSON.stringify(timestamp)}, which is not unix seconds`, async () => {
      const fields = { ...(await signedAt(NOW_S)), "webhook-timestamp": timestamp };
      expect(verifySigned(headers(fields), BODY, await secrets(), NOW_MS)).toEqual({
        ok: false,
        reason: "webhook-timestamp must be unix seconds",
      });
    });
  }

  it("is accepted at exactly the tolerance either way, and refused a second past it, for its own reason", async () => {
    const all = await secrets();
    const at = async (seconds: number) => verifySigned(headers(await signedAt(seconds)), BODY, all, NOW_MS);
    expect(await at(NOW_S - TOLERANCE_SECONDS)).toMatchObject({ ok: true });
    expect(await at(NOW_S + TOLERANCE_SECONDS)).toMatchObject({ ok: true });
    expect(await at(NOW_S - TOLERANCE_SECONDS - 1)).toEqual({ ok: false, reason: "the signature is older than 300 seconds" });
    expect(await at(NOW_S + TOLERANCE_SECONDS + 1)).toEqual({ ok: false, reason: "the signature's timestamp is in the future" });
  });

  it("is accepted when any one of several signatures matches, wherever it stands", async () => {
    const good = (await signedAt(NOW_S))["webhook-signature"];
    const other = new Webhook((await signingSecrets(MASTER, "someone-else", { current: 1, previous: null }))[0]!).sign(
      "msg_1",
      new Date(NOW_MS),
      BODY,
    );
    const all = await secrets();
    for (const signature of [`${other} ${good}`, `${good} ${other}`, `v2,abc ${good}`]) {
      const fields = { ...(await signedAt(NOW_S)), "webhook-signature": signature };
      expect(verifySigned(headers(fields), BODY, all, NOW_MS)).toEqual({ ok: true, id: "msg_1" });
    }
  });

  it("is refused when no signature matches: another key's, another body's, or one without its v1 prefix", async () => {
    const all = await secrets();
    const good = (await signedAt(NOW_S))["webhook-signature"];
    const [otherKey] = await signingSecrets(MASTER, "someone-else", { current: 1, previous: null });
    const cases = [(await signedAt(NOW_S, otherKey))["webhook-signature"], good.replace(/^v1,/, "v2,"), good.replace(/^v1,/, "")];
    for (const signature of cases) {
      const fields = { ...(await signedAt(NOW_S)), "webhook-signature": signature };
      expect(verifySigned(headers(fields), BODY, all, NOW_MS)).toEqual({
        ok: false,
        reason: "no signature matches the body with this key's secret",
      });
    }
    expect(verifySigned(headers(await signedAt(NOW_S)), `${BODY} `, all, NOW_MS)).toMatchObject({ ok: false });
  });
});
