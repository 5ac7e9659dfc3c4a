/**
 * @module What the CPU benchmark times, bundled by esbuild so Node can load the gateway's own
 * modules: one upstream body in, the client's JSON out, and the least any proxy would do.
 */
import { normalize } from "../../src/lookup/normalize.ts";
import { parseUpstreamData } from "../../src/upstream/schema.ts";
import { successBody } from "../../tools/emulator/series.ts";

export function upstreamText(kolId: string, startDate: string, endDate: string): string {
  return JSON.stringify(successBody(kolId, startDate, endDate));
}

/** The gateway's work on a miss: parse, validate, normalise, serialise. */
export function normaliseAndSerialise(text: string, range: { kolId: string; startDate: string; endDate: string }): string {
  const body = JSON.parse(text) as { data: unknown };
  const data = parseUpstreamData(body.data);
  if (!data.success) throw data.error;
  return JSON.stringify(normalize(range, data.data));
}

/** Baseline: a pass-through proxy that only parses and re-serialises. */
export function passThrough(text: string): string {
  return JSON.stringify(JSON.parse(text));
}
