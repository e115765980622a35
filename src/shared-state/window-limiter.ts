// The in-process rate limiter: a fixed-window counter per key.
import type { RateLimiter } from './shared-state.js';

/** A fixed-window counter: `limit` units per `windowMs` per key. */
export function createWindowLimiter(options: { limit: number; windowMs: number; now: () => number; retryAfterSeconds: number }): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const live = (key: string, now: number): { start: number; count: number } | undefined => {
    const w = windows.get(key);
    return w && now - w.start < options.windowMs ? w : undefined;
  };
  /** Drops expired windows; bounded work, only when the map has grown. */
  const sweep = (now: number): void => {
    if (windows.size < 10_000) return;
    for (const [key, w] of windows) if (now - w.start >= options.windowMs) windows.delete(key);
  };
  return {
    async take(key) {
      if (options.limit <= 0) return 0;
      const now = options.now();
      let w = live(key, now);
      if (!w) {
        sweep(now);
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      w.count++;
      return w.count > options.limit ? options.retryAfterSeconds : 0;
    },
    blockedFor(key) {
      if (options.limit <= 0) return 0;
      const w = live(key, options.now());
      return w && w.count >= options.limit ? options.retryAfterSeconds : 0;
    },
  };
}
