// Per-key settings on the request path (docs/product.md §8): the key's own request rate, its
// monthly budget, its allowed models and its default `start_within`. A key without settings
// passes through untouched.
import type { IncomingHttpHeaders } from 'node:http';
import { FlexError } from '../errors/catalog.js';
import type { ApiKeyRecord, KeySettings, Store } from '../store/store.js';
import type { SpendTracker } from '../usage/budget.js';
import { monthBounds } from '../usage/budget.js';
import type { RateLimiter } from './rate-limit.js';
import { createWindowLimiter } from './rate-limit.js';

export const START_WITHIN_HEADER = 'x-flexinference-start-within';

export interface KeyLimits {
  /** The key's settings once its rate and budget allow the request; throws 429 otherwise. */
  admit(key: ApiKeyRecord): Promise<KeySettings | undefined>;
}

export function createKeyLimits(options: {
  store: Pick<Store, 'getKeySettings'>;
  spend: SpendTracker;
  /** Monotonic ms for rate windows. */
  clock: () => number;
  /** Wall-clock ms for calendar months. */
  wallClock: () => number;
  /** Shares a rate window with the other workers of a cluster (identity when alone). */
  share?: (limiter: RateLimiter, name: string) => RateLimiter;
}): KeyLimits {
  // One window limiter per distinct rate: settings change rarely and take few distinct values.
  const limiters = new Map<number, RateLimiter>();
  const limiterFor = (perMinute: number): RateLimiter => {
    let limiter = limiters.get(perMinute);
    if (!limiter) {
      limiter = createWindowLimiter({ limit: perMinute, windowMs: 60_000, now: options.clock, retryAfterSeconds: 60 });
      limiter = options.share?.(limiter, `key-rate-${perMinute}`) ?? limiter;
      limiters.set(perMinute, limiter);
    }
    return limiter;
  };
  return {
    async admit(key) {
      const settings = await options.store.getKeySettings(key.id);
      if (!settings) return undefined;
      if (settings.requestsPerMinute !== null) {
        const wait = await limiterFor(settings.requestsPerMinute).take(key.id);
        if (wait > 0) {
          throw new FlexError('rate_limit_exceeded', { retryAfterSeconds: wait, detail: `This API key is over its rate of ${settings.requestsPerMinute} requests per minute.` });
        }
      }
      if (settings.monthlyBudgetUsd !== null) {
        const spent = await options.spend.monthSpend(key.id);
        if (spent >= settings.monthlyBudgetUsd) throw budgetExceeded(settings.monthlyBudgetUsd, spent, options.wallClock());
      }
      return settings;
    },
  };
}

function budgetExceeded(budget: number, spent: number, now: number): FlexError {
  const { next } = monthBounds(now);
  return new FlexError('budget_exceeded', {
    retryAfterSeconds: Math.max(1, Math.ceil((next.getTime() - now) / 1000)),
    detail: `This API key has spent $${spent.toFixed(4)} of its $${budget} monthly budget; it resets at ${next.toISOString()}.`,
  });
}

/** `start_within` from the body, else the header, else the key's default (the body wins). */
export function requestedStartWithin(body: Record<string, unknown>, headers: IncomingHttpHeaders, settings: KeySettings | undefined): unknown {
  if (body.start_within !== undefined && body.start_within !== null) return body.start_within;
  const header = headers[START_WITHIN_HEADER];
  if (typeof header === 'string' && header.trim() !== '') return header.trim();
  return settings?.defaultStartWithin ?? undefined;
}

export function checkModelAllowed(model: string, settings: KeySettings | undefined): void {
  const allowed = settings?.allowedModels;
  if (!allowed || allowed.includes(model)) return;
  const shown = allowed.slice(0, 10).join(', ') + (allowed.length > 10 ? ', …' : '');
  throw new FlexError('model_not_allowed', { param: 'model', detail: `This API key may not use ${JSON.stringify(model.slice(0, 100))}; it allows ${shown}.` });
}
