/**
 * The CPU subject inside workerd: `?n=N` runs the gateway's per-miss work on a 365-day answer N
 * times. workerd's clock stands still while a request computes, so the time is taken from
 * outside, as the difference between N and 0 iterations.
 */
import { normaliseAndSerialise, upstreamText } from "../cpu-subject.ts";

const range = { kolId: "6838432048", startDate: "2025-03-01", endDate: "2026-02-28" };
let text: string | undefined;

export default {
  fetch(request: Request): Response {
    text ??= upstreamText(range.kolId, range.startDate, range.endDate);
    const n = Number(new URL(request.url).searchParams.get("n") ?? 0);
    let size = 0;
    for (let i = 0; i < n; i++) size += normaliseAndSerialise(text, range).length;
    return new Response(String(size));
  },
};
