/**
 * @module The project's own wrangler, as the tools run it (`node <wrangler.js> ...` from the
 * project root): the version the lock file pins, never a global one.
 */
import { fileURLToPath } from "node:url";

export const WRANGLER_BIN = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));
export const PROJECT_ROOT = fileURLToPath(new URL("../", import.meta.url));
