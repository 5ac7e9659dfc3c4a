/**
 * @module English messages for zod. The Worker uses `zod/mini` (its functions tree-shake; the
 * classic API's methods cannot, and weighed about 90 KiB of the bundle), which loads no locale by
 * itself: without this, a rule that has no message of ours would tell a client only "Invalid
 * input". Imported for its effect by the modules that validate input (requests, configuration).
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());
