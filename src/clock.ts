// Time as the gateway sees it, injected everywhere time matters so tests can drive it (fake clock)
// and benchmarks can compress it.

export interface Clock {
  /** Milliseconds on a monotonic scale (not the epoch). */
  now(): number;
  /** Calls `fn` after `ms`; returns a canceller. */
  setTimer(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};
