/**
 * @module Credentials out of the local run's log lines: wrangler prints each request's URL, and a
 * URL may carry the stand-in upstream token (`token=`, to the emulator), a client key (`token=`
 * on the drop-in routes, `key=` on the chart) or a share link's token (`/s/<token>`: its first 16
 * characters are the link's id, as the gateway's own log shows it; the rest makes it usable).
 */
const CREDENTIAL_PARAM = /([?&](?:token|key)=)[^&\s"]*/g;
const SHARE_TOKEN = /(\/s\/[A-Za-z0-9_-]{16})[A-Za-z0-9_-]{32}/g;

export function maskCredentials(line: string): string {
  return line.replace(CREDENTIAL_PARAM, "$1***").replace(SHARE_TOKEN, "$1…");
}
