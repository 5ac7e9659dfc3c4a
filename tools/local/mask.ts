/**
 * @module Credentials out of the local run's log lines: wrangler prints each request's URL, and a
 * URL may carry the stand-in upstream token (`token=`, to the emulator) or a client key (`token=`
 * on the drop-in routes, `key=` on the chart).
 */
const CREDENTIAL_PARAM = /([?&](?:token|key)=)[^&\s"]*/g;

export function maskCredentials(line: string): string {
  return line.replace(CREDENTIAL_PARAM, "$1***");
}
