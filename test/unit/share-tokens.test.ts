/**
 * Share links' tokens (share/links.ts): the derivation is pinned by known answers, because links
 * already given out (in sheets, slides and chat groups) must keep working after every release; and
 * only a token the gateway made is taken back.
 */
import { describe, expect, it } from "vitest";
import { newLinkId, tokenOf, verifiedId } from "../../src/share/links.ts";

const SECRET = "a-signing-secret-for-the-test-vector";

describe("share link tokens", () => {
  it("are derived as they always were: the same id and secret give the same token", async () => {
    expect(await tokenOf(SECRET, "AAAAAAAAAAAAAAAA")).toBe("AAAAAAAAAAAAAAAATx76PzbyM00jKV7Y9Be1iqS-Vu_7dDua");
    expect(await tokenOf(SECRET, "Zm9vYmFyYmF6cXV4")).toBe("Zm9vYmFyYmF6cXV4iXznTsb6pXov3FeeiJcPiO39FUcmTfvj");
  });

  it("give back their id, and nothing for a token changed, cut, lengthened or made under another secret", async () => {
    const id = newLinkId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const token = await tokenOf(SECRET, id);
    expect(await verifiedId(SECRET, token)).toBe(id);
    const flipped = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    for (const other of [flipped, token.slice(0, -1), `${token}A`, `A${token}`, await tokenOf("another-secret", id)]) {
      expect(await verifiedId(SECRET, other)).toBeNull();
    }
  });

  it("are random: two ids are never the same", () => {
    const ids = new Set(Array.from({ length: 1000 }, newLinkId));
    expect(ids.size).toBe(1000);
  });
});
