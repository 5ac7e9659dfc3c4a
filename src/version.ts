/** @module The gateway's version, from package.json, reported by /healthz and the OpenAPI document. */
// A named import, so the bundler keeps this one field and not the whole package.json.
import { version } from "../package.json";

export const VERSION: string = version;
