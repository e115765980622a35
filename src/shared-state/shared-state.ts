// What gateway instances share: rate-limit windows, failed-authentication counters, API-key
// revocations and the learned flex statistics. In-process by default (local.ts); through Redis
// when REDIS_URL is set (redis.ts). Routing never waits on it: statistics are read from a local
// view; only a rate-limit check may cost one round trip.
import type { FlexStats } from '../routing/stats.js';

export interface RateLimiter {
  /** Takes one unit for `key`; resolves to 0 when allowed, else the seconds to wait. */
  take(key: string): Promise<number>;
  /** Seconds until `key` may act again without taking a unit (0 = not limited); a local view, never waits. */
  blockedFor(key: string): number;
}

export interface LimiterOptions {
  /** Names the counters (one namespace per limit). */
  name: string;
  /** Units per window per key; 0 = unlimited. */
  limit: number;
  windowMs: number;
  retryAfterSeconds: number;
}

export interface SharedState {
  readonly kind: 'local' | 'redis';
  /** Whether the shared service answers now (always true for local state). */
  up(): boolean;
  createLimiter(options: LimiterOptions): RateLimiter;
  /** Flex statistics that every instance learns from: reads stay on `local`, records are shared. */
  shareStats(local: FlexStats): FlexStats;
  /** Tells every instance that an API key was revoked (they look keys up again at once). */
  announceRevocation(): Promise<void>;
  onRevocation(listener: () => void): void;
  close(): Promise<void>;
}
