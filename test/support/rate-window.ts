/**
 * Miniflare counts a rate limit in windows aligned to the wall clock (a 60-second period starts at
 * each whole minute, as Cloudflare's simple limits do). A test that fills a window and crosses a whole
 * minute finds a fresh window halfway and sees more requests pass than the limit. Such a test starts
 * with this: when less than `neededMs` of the current window is left, it waits for the next window.
 */
export async function startInOneRateWindow(neededMs = 10_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 100));
}
