import { describe, expect, it } from 'vitest';
import { createInProcessStats } from '../routing/stats.js';
import type { ClusterLink, SharedEvent } from './cluster.js';
import { sharedLimiter, sharedStats } from './cluster.js';
import { createWindowLimiter } from './rate-limit.js';

/** Two workers joined by an in-memory primary that relays each event to the other at once. */
function pair(): [ClusterLink, ClusterLink] {
  const handlers: ((event: SharedEvent) => void)[][] = [[], []];
  const link = (self: number): ClusterLink => ({
    publish: (event) => handlers[1 - self]?.forEach((h) => h(event)),
    subscribe: (h) => void handlers[self]?.push(h),
    shareMetrics: () => undefined,
    metrics: () => Promise.resolve(''),
    listening: () => undefined,
    leave: () => undefined,
  });
  return [link(0), link(1)];
}

describe('what workers share', () => {
  it('a standard start learned by one worker moves the reserve of the other', () => {
    const [a, b] = pair();
    const now = () => 1_000;
    const one = sharedStats(createInProcessStats({ now, minSamples: 2 }), a);
    const two = sharedStats(createInProcessStats({ now, minSamples: 2 }), b);
    const alone = createInProcessStats({ now, minSamples: 2 });
    const key = { provider: 'openai' as const, model: 'gpt-5' };
    one.recordStandardStart(key, 400);
    one.recordStandardStart(key, 500);
    alone.recordStandardStart(key, 400);
    const both = createInProcessStats({ now, minSamples: 2 });
    both.recordStandardStart(key, 400);
    both.recordStandardStart(key, 500);
    expect(two.standardReserveMs(key)).toBe(both.standardReserveMs(key));
    expect(two.standardReserveMs(key)).toBeGreaterThanOrEqual(500);
    expect(alone.standardReserveMs(key)).toBe(3_000); // one sample is not enough: the default
  });

  it('an organization limit counts the units taken on every worker', async () => {
    const [a, b] = pair();
    const limiter = () => createWindowLimiter({ limit: 3, windowMs: 5_000, now: () => 0, retryAfterSeconds: 5 });
    const one = sharedLimiter(limiter(), 'organization', a);
    const two = sharedLimiter(limiter(), 'organization', b);
    const failures = sharedLimiter(limiter(), 'auth-failures', b);
    const waits = [await one.take('org'), await two.take('org'), await one.take('org'), await two.take('org')];
    expect(waits).toEqual([0, 0, 0, 5]);
    expect(one.blockedFor('org')).toBe(5);
    expect(failures.blockedFor('org')).toBe(0); // another limiter's units are not counted
  });
});
