// Rate limiters live in shared-state/ (in-process or Redis); the server shell uses them from here.
export type { RateLimiter } from '../shared-state/shared-state.js';
export { createWindowLimiter } from '../shared-state/window-limiter.js';
