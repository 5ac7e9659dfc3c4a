/**
 * @module Request coalescing: concurrent identical misses in one isolate share one upstream call.
 *
 * The map lives as long as the app instance (one per isolate in production), and an entry
 * lives only while its call is in flight, so it needs no eviction.
 */
export type SingleFlight = <T>(key: string, work: () => Promise<T>) => { promise: Promise<T>; leader: boolean };

export function createSingleFlight(): SingleFlight {
  const inFlight = new Map<string, Promise<unknown>>();
  return <T>(key: string, work: () => Promise<T>) => {
    const existing = inFlight.get(key) as Promise<T> | undefined;
    if (existing) return { promise: existing, leader: false };
    const promise = work().finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return { promise, leader: true };
  };
}
