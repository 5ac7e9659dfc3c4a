/**
 * @module The emulator as a Worker of its own, for the local run (`npm start`) and the
 * benchmark. Its state (faults, request log) lives in the isolate's memory.
 */
import { createEmulator, type Emulator } from "./emulator.ts";

interface EmulatorEnv {
  EMULATOR_LATENCY_MS?: string;
}

let emulator: Emulator | undefined;

export default {
  fetch(request: Request, env: EmulatorEnv): Promise<Response> {
    emulator ??= createEmulator({ latencyMs: Number(env.EMULATOR_LATENCY_MS ?? "0") || 0 });
    return emulator.fetch(request);
  },
};
