// Rate limits behind a small interface (in-process now; Redis-backed when configured).
export interface RateLimiter {
  /** Takes one unit for `key`; returns 0 when allowed, else the seconds to wait. */
  take(key: string): number;
  /** Seconds until `key` may act again without taking a unit (0 = not limited). */
  blockedFor(key: string): number;
}

/** A fixed-window counter: `limit` units per `windowMs` per key. */
export function createWindowLimiter(options: { limit: number; windowMs: number; now: () => number; retryAfterSeconds: number }): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const current = (key: string): { start: number; count: number } => {
    const now = options.now();
    let w = windows.get(key);
    if (!w || now - w.start >= options.windowMs) {
      if (windows.size > 100_000) windows.clear();
      w = { start: now, count: 0 };
      windows.set(key, w);
    }
    return w;
  };
  return {
    take(key) {
      if (options.limit <= 0) return 0;
      const w = current(key);
      w.count++;
      return w.count > options.limit ? options.retryAfterSeconds : 0;
    },
    blockedFor(key) {
      if (options.limit <= 0) return 0;
      return current(key).count >= options.limit ? options.retryAfterSeconds : 0;
    },
  };
}
