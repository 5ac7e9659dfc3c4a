/** @module The gateway's version, from package.json, reported by /healthz and the OpenAPI document. */
import pkg from "../package.json";

export const VERSION: string = pkg.version;
