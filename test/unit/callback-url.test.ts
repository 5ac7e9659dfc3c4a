/**
 * Which callback URLs the gateway will POST to (webhooks/callback-url.ts), rule by rule: each URL
 * is refused for its own reason, with the settings allowing everything but the rule under test.
 */
import { describe, expect, it } from "vitest";
import { checkCallbackUrl } from "../../src/webhooks/callback-url.ts";

const settings = (overrides: Partial<{ CALLBACK_HOSTS: string[]; ALLOW_LOCAL_CALLBACKS: boolean; CALLBACK_PORTS: string[] }> = {}) => ({
  CALLBACK_HOSTS: ["receiver.test", "*.hooks.example"],
  ALLOW_LOCAL_CALLBACKS: false,
  CALLBACK_PORTS: [],
  ...overrides,
});

const reason = (url: string, overrides?: Parameters<typeof settings>[0]) => {
  const checked = checkCallbackUrl(url, settings(overrides));
  return checked.ok ? "accepted" : checked.reason;
};

describe("callback URLs", () => {
  it("take a listed host, and any subdomain of a wildcard entry but not the bare domain", () => {
    expect(reason("https://receiver.test/hook")).toBe("accepted");
    expect(reason("https://a.hooks.example/x")).toBe("accepted");
    expect(reason("https://a.b.hooks.example/x")).toBe("accepted");
    expect(reason("https://hooks.example/x")).toBe("must be on a host listed in CALLBACK_HOSTS");
    expect(reason("https://xhooks.example/x")).toBe("must be on a host listed in CALLBACK_HOSTS");
    expect(reason("https://xreceiver.test/x")).toBe("must be on a host listed in CALLBACK_HOSTS");
    expect(reason("https://a.receiver.test/x")).toBe("must be on a host listed in CALLBACK_HOSTS");
    expect(reason("https://.hooks.example/x")).not.toBe("accepted");
  });

  it("refuse a user name alone, a password alone, or both", () => {
    expect(reason("https://user@receiver.test/hook")).toBe("must not carry credentials");
    expect(reason("https://:secret@receiver.test/hook")).toBe("must not carry credentials");
    expect(reason("https://user:secret@receiver.test/hook")).toBe("must not carry credentials");
  });

  it("take local http only on 127.0.0.1, only when allowed, only on a listed port", () => {
    const local = { ALLOW_LOCAL_CALLBACKS: true, CALLBACK_PORTS: ["9999"] };
    expect(reason("http://127.0.0.1:9999/hook", local)).toBe("accepted");
    expect(reason("http://127.0.0.1:8788/hook", local)).toBe("must use a port listed in CALLBACK_PORTS");
    expect(reason("http://receiver.test:9999/hook", local)).toBe("must use https");
    expect(reason("http://localhost:9999/hook", { ...local, CALLBACK_HOSTS: ["localhost"] })).toBe("must use https");
    expect(reason("https://127.0.0.1:9999/hook", { ...local, CALLBACK_HOSTS: ["127.0.0.1"] })).toBe("must name a host, not an IP address");
    expect(reason("http://127.0.0.1:9999/hook", { CALLBACK_PORTS: ["9999"] })).toBe("must use https");
  });

  it("refuse IP literals even when listed, but take a host name that begins or ends with digits", () => {
    const listed = { CALLBACK_HOSTS: ["10.0.0.1", "10.20.30.40", "10.0.0.1.example"] };
    expect(reason("https://10.0.0.1/hook", listed)).toBe("must name a host, not an IP address");
    expect(reason("https://10.20.30.40/hook", listed)).toBe("must name a host, not an IP address");
    expect(reason("https://10.0.0.1.example/hook", listed)).toBe("accepted");
    // A host that ends in dotted digits is an IPv4 address to the URL parser, or no URL at all.
    expect(reason("https://hooks.10.0.0.1/hook", { CALLBACK_HOSTS: ["hooks.10.0.0.1"] })).toBe("is not a URL");
    expect(reason("https://[::1]/hook", { CALLBACK_HOSTS: ["[::1]"] })).toBe("must name a host, not an IP address");
  });

  it("take an allowed host on 443, or on a port listed, and refuse any other port", () => {
    expect(reason("https://receiver.test:443/hook")).toBe("accepted");
    expect(reason("https://receiver.test:8443/hook", { CALLBACK_PORTS: ["8443"] })).toBe("accepted");
    expect(reason("https://receiver.test:8443/hook")).toBe("must use port 443 unless its port is listed in CALLBACK_PORTS");
  });

  it("refuse what is not a URL", () => {
    expect(reason("receiver.test/hook")).toBe("is not a URL");
  });
});
