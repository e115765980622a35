// The default: everything in this process (one instance, or instances that share nothing).
import type { LimiterOptions, SharedState } from './shared-state.js';
import { createWindowLimiter } from './window-limiter.js';

export function createLocalState(options: { now: () => number }): SharedState {
  return {
    kind: 'local',
    up: () => true,
    createLimiter: (limiter: LimiterOptions) => createWindowLimiter({ ...limiter, now: options.now }),
    shareStats: (local) => local,
    announceRevocation: async () => undefined,
    onRevocation: () => undefined,
    close: async () => undefined,
  };
}
