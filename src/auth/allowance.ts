/**
 * @module Per-isolate request allowances over the Workers rate limiter.
 *
 * The limiter counts calls, one per `limit()`. Asking it on every request costs a platform call on
 * every cache hit, so a tier may admit its requests in grants of `size`: one `limit()` call admits
 * `size` requests in this isolate, until the window ends. The tier's limiter then counts grants
 * (wrangler.toml's `limit` = requests per window / grant size), so the limit still holds across
 * every isolate: each admitted request belongs to a granted call, and no grant outlives the
 * window it was counted in (fixed windows of the period, as the 429's Retry-After assumes too).
 * What a grant leaves unused when its window ends is lost, so a key may
 * fall short of its limit by up to `size - 1` requests per isolate, never pass it. Once a grant is
 * refused, the isolate refuses the key until the window ends without asking again.
 */

export interface Grants {
  /** The limiter window this state belongs to (start time / period). */
  window: number;
  /** Requests still admitted by this isolate's grants in that window. */
  left: number;
  /** The limiter refused a grant in that window. */
  refused: boolean;
  /** Requests this isolate admitted for the subject in that window (what RateLimit's `r` subtracts). */
  used: number;
}

/** Past this many subjects (anonymous callers are counted per address), old windows are dropped. */
const PRUNE_ABOVE = 4096;

export interface AllowanceOptions {
  /** Requests one grant admits (1: ask the limiter on every request). */
  size: number;
  /** The limiter's window, in seconds. */
  periodSeconds: number;
  nowMs: number;
}

/** Whether this request of `subject` is admitted; calls `grant` only when its allowance is spent. */
export async function admit(
  allowances: Map<string, Grants>,
  subject: string,
  grant: () => Promise<boolean>,
  { size, periodSeconds, nowMs }: AllowanceOptions,
): Promise<boolean> {
  const window = Math.floor(nowMs / 1000 / periodSeconds);
  let state = allowances.get(subject);
  if (!state || state.window !== window) {
    if (allowances.size >= PRUNE_ABOVE) {
      for (const [name, old] of allowances) if (old.window !== window) allowances.delete(name);
    }
    state = { window, left: 0, refused: false, used: 0 };
    allowances.set(subject, state);
  }
  if (state.refused) return false;
  if (state.left > 0) {
    state.left -= 1;
    state.used += 1;
    return true;
  }
  const granted = await grant();
  // Kept on this window's state: if the window turned meanwhile, the next request starts afresh.
  if (!granted) state.refused = true;
  else {
    state.left += size - 1;
    state.used += 1;
  }
  return granted;
}

/**
 * Takes one request's worth of what this isolate's grants have left for `subject` in the current
 * window, only while more than `keep` are left (the requests that follow are not refused for it) and
 * without asking the limiter: false when there is no such spare.
 */
export function takeSpare(
  allowances: Map<string, Grants>,
  subject: string,
  keep: number,
  options: Omit<AllowanceOptions, "size">,
): boolean {
  const state = current(allowances, subject, options);
  if (!state || state.refused || state.left <= keep) return false;
  state.left -= 1;
  state.used += 1;
  return true;
}

/** Gives back what takeSpare took (its call was not made), if its window still runs. */
export function giveBack(allowances: Map<string, Grants>, subject: string, options: Omit<AllowanceOptions, "size">): void {
  const state = current(allowances, subject, options);
  if (!state) return;
  state.left += 1;
  state.used -= 1;
}

/** The subject's state for the window running now, if any. */
function current(allowances: Map<string, Grants>, subject: string, { periodSeconds, nowMs }: Omit<AllowanceOptions, "size">) {
  const state = allowances.get(subject);
  return state && state.window === Math.floor(nowMs / 1000 / periodSeconds) ? state : undefined;
}
