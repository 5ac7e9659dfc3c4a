import { buildBundle } from "/work/main/test/bench/runtime.ts";
import { productionFigures } from "/work/main/test/bench/production.ts";
const emulator = buildBundle("emulator", "tools/emulator/wrangler.toml");
console.log(JSON.stringify(await productionFigures(emulator), null, 1));
