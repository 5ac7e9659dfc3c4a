/**
 * @module Which callback URLs the gateway will POST to: no server-side request forgery.
 *
 * https only, to a host on CALLBACK_HOSTS (exact, or `*.example.com` for its subdomains), never
 * an IP literal, never credentials in the URL. Redirects are never followed (see the consumer).
 * An allowed host is reached on 443 only, unless its port is listed in CALLBACK_PORTS. A local run
 * may allow `http://127.0.0.1` with ALLOW_LOCAL_CALLBACKS=true, on the ports of CALLBACK_PORTS only.
 */
import type { Config } from "../config/config.ts";

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function hostAllowed(host: string, allowed: string[]): boolean {
  return allowed.some((pattern) =>
    pattern.startsWith("*.") ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern,
  );
}

export function checkCallbackUrl(
  raw: string,
  config: Pick<Config, "CALLBACK_HOSTS" | "ALLOW_LOCAL_CALLBACKS" | "CALLBACK_PORTS">,
): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "is not a URL" };
  }
  if (url.username || url.password) return { ok: false, reason: "must not carry credentials" };
  const portListed = config.CALLBACK_PORTS.includes(url.port);
  if (config.ALLOW_LOCAL_CALLBACKS && url.protocol === "http:" && url.hostname === "127.0.0.1") {
    // Only a receiver's port: never the gateway's, the emulator's or anything else on the machine.
    return portListed ? { ok: true, url } : { ok: false, reason: "must use a port listed in CALLBACK_PORTS" };
  }
  if (url.protocol !== "https:") return { ok: false, reason: "must use https" };
  const host = url.hostname.toLowerCase();
  if (IPV4.test(host) || host.startsWith("[")) return { ok: false, reason: "must name a host, not an IP address" };
  if (!hostAllowed(host, config.CALLBACK_HOSTS)) return { ok: false, reason: "must be on a host listed in CALLBACK_HOSTS" };
  if (url.port !== "" && !portListed) return { ok: false, reason: "must use port 443 unless its port is listed in CALLBACK_PORTS" };
  return { ok: true, url };
}
