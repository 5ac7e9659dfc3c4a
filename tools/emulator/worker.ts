/**
 * @module The emulator as a Worker of its own, for the local run (`npm start`) and the
 * benchmark. Its state (faults, request log) lives in the isolate's memory.
 */
import { createEmulator, type Emulator } from "./emulator.ts";

interface EmulatorEnv {
  EMULATOR_LATENCY_MS?: string;
  /** The longest range answered (longer: code 400); "0" or unset: no limit. */
  EMULATOR_MAX_RANGE_DAYS?: string;
  /** Days before today still served (older ones are left out); "0" or unset: all of them. */
  EMULATOR_HISTORY_DAYS?: string;
}

let emulator: Emulator | undefined;

const days = (value: string | undefined) => Number(value ?? "0") || undefined;

export default {
  fetch(request: Request, env: EmulatorEnv): Promise<Response> {
    emulator ??= createEmulator({
      latencyMs: Number(env.EMULATOR_LATENCY_MS ?? "0") || 0,
      maxRangeDays: days(env.EMULATOR_MAX_RANGE_DAYS),
      historyDays: days(env.EMULATOR_HISTORY_DAYS),
    });
    return emulator.fetch(request);
  },
};
