/**
 * @module A representation rendered once per stored answer: the body and its strong ETag
 * (SHA-1 of the body, as Hono's etag middleware makes it, which then uses ours as is).
 *
 * The memory tier hands every hit the very same answer object, so keying on it makes a hit a
 * lookup and a write of bytes: no normalising, serialising or hashing again. A fresh answer (a
 * miss, or one read from KV) is rendered once and forgotten with it.
 */
import { hex } from "../bytes.ts";

export interface Rendered {
  body: string;
  etag: string;
}

const renderings = new WeakMap<object, Map<string, Promise<Rendered>>>();
const encoder = new TextEncoder();

async function withEtag(body: string): Promise<Rendered> {
  return { body, etag: `"${hex(await crypto.subtle.digest("SHA-1", encoder.encode(body)))}"` };
}

/** The `representation` (e.g. "json", "csv", "svg") of `answer`, rendered on first use. */
export function renderOnce(answer: object, representation: string, render: () => string): Promise<Rendered> {
  let byRepresentation = renderings.get(answer);
  if (!byRepresentation) renderings.set(answer, (byRepresentation = new Map()));
  let rendered = byRepresentation.get(representation);
  if (!rendered) byRepresentation.set(representation, (rendered = withEtag(render())));
  return rendered;
}
