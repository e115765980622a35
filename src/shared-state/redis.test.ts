// The Redis shared state against a real Redis: two instances on one prefix behave as one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInProcessStats } from '../routing/stats.js';
import type { TcpProxy } from '../test-support/tcp-proxy.js';
import { startTcpProxy } from '../test-support/tcp-proxy.js';
import type { TestRedisPrefix } from '../test-support/services.js';
import { REDIS_TEST_URL, createTestRedisPrefix, redisAbsent } from '../test-support/services.js';
import { createRedisState, shareRecords } from './redis.js';
import type { RedisStateOptions } from './redis.js';
import type { SharedState } from './shared-state.js';

const absent = await redisAbsent();
if (absent) console.warn(`skipping the Redis shared-state tests: ${absent}`);

const silent: RedisStateOptions['log'] = { warn: () => undefined, info: () => undefined };
/** Long windows: Redis aligns them to its clock, and none should roll over mid-test. */
const HOUR = 3_600_000;
const key = { provider: 'openai' as const, model: 'gpt-5-mini' };

describe('shareRecords', () => {
  it('reads stay local; every record call is applied locally and handed on', () => {
    const local = createInProcessStats({ now: () => 0, minSamples: 1 });
    const shared: [string, unknown[]][] = [];
    const stats = shareRecords(local, (method, args) => shared.push([method, args]));
    stats.recordStandardStart(key, 1234);
    stats.recordFlex(key, { kind: 'timeout', budgetMs: 5_000 });
    expect(stats.standardReserveMs(key)).toBe(1234);
    expect(shared).toEqual([
      ['recordStandardStart', [key, 1234]],
      ['recordFlex', [key, { kind: 'timeout', budgetMs: 5_000 }]],
    ]);
  });
});

describe.skipIf(absent !== undefined)('Redis shared state (own key prefix per test)', () => {
  let redis: TestRedisPrefix;
  let states: SharedState[];
  const open = (url = REDIS_TEST_URL, log: RedisStateOptions['log'] = silent): SharedState => {
    const state = createRedisState({ url, prefix: redis.prefix, now: () => performance.now(), log });
    states.push(state);
    return state;
  };
  const ready = (state: SharedState) => expect.poll(() => state.up(), { timeout: 5_000 }).toBe(true);
  beforeEach(() => {
    redis = createTestRedisPrefix();
    states = [];
  });
  afterEach(async () => {
    for (const s of states) await s.close();
    await redis.clean();
  });

  it('a rate limit counts across instances: a burst split across two is admitted once', async () => {
    const [a, b] = [open(), open()];
    await ready(a);
    await ready(b);
    const options = { name: 'org', limit: 10, windowMs: HOUR, retryAfterSeconds: 5 };
    const [la, lb] = [a.createLimiter(options), b.createLimiter(options)];
    const waits = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? la : lb).take('org_1')));
    expect(waits.filter((w) => w === 0)).toHaveLength(10);
    expect(waits.filter((w) => w === 5)).toHaveLength(20);
    expect(await la.take('org_2')).toBe(0); // another key has its own window
  });

  it('an address blocked on one instance is blocked on the other without a round trip', async () => {
    const [a, b] = [open(), open()];
    await ready(a);
    await ready(b);
    const options = { name: 'auth-failures', limit: 3, windowMs: HOUR, retryAfterSeconds: 60 };
    const [la, lb] = [a.createLimiter(options), b.createLimiter(options)];
    for (let i = 0; i < 3; i++) await la.take('10.0.0.9');
    expect(la.blockedFor('10.0.0.9')).toBe(60);
    await expect.poll(() => lb.blockedFor('10.0.0.9'), { timeout: 1_000 }).toBe(60);
    expect(lb.blockedFor('10.0.0.10')).toBe(0);
  });

  it('revocations and flex statistics reach the other instance', async () => {
    const [a, b] = [open(), open()];
    await ready(a);
    await ready(b);
    let revoked = 0;
    b.onRevocation(() => revoked++);
    const statsB = b.shareStats(createInProcessStats({ now: () => performance.now(), minSamples: 4 }));
    const statsA = a.shareStats(createInProcessStats({ now: () => performance.now(), minSamples: 4 }));
    await new Promise((r) => setTimeout(r, 100)); // both subscribed
    await a.announceRevocation();
    await expect.poll(() => revoked, { timeout: 1_000 }).toBe(1);
    expect(statsB.flexOutlook(key)).toBeUndefined();
    for (let i = 0; i < 4; i++) statsA.recordFlex(key, { kind: 'timeout', budgetMs: 10_000 });
    await expect.poll(() => statsB.flexOutlook(key)?.admittedWithin(10_000), { timeout: 1_000 }).toBe(0);
    expect(statsA.flexOutlook(key)?.admittedWithin(10_000)).toBe(0);
  });

  it('Redis away: limits fall back to this instance, logged once; sharing resumes when it is back', async () => {
    const proxy: TcpProxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(REDIS_TEST_URL).port || 6379) });
    try {
      const logged: string[] = [];
      const log = { warn: (_f: object, msg: string) => logged.push(msg), info: (_f: object, msg: string) => logged.push(msg) };
      const a = open(proxy.through(REDIS_TEST_URL), log);
      const b = open();
      await ready(a);
      await ready(b);
      const options = { name: 'org', limit: 2, windowMs: HOUR, retryAfterSeconds: 5 };
      const [la, lb] = [a.createLimiter(options), b.createLimiter(options)];
      proxy.cut();
      await expect.poll(() => a.up(), { timeout: 5_000 }).toBe(false);
      // On its own: a's limit counts a's requests only, and answers at once.
      expect(await lb.take('org_x')).toBe(0);
      expect(await lb.take('org_x')).toBe(0);
      expect([await la.take('org_x'), await la.take('org_x'), await la.take('org_x')]).toEqual([0, 0, 5]);
      await new Promise((r) => setTimeout(r, 1_500)); // reconnection attempts fail meanwhile
      expect(logged.filter((m) => /not reachable/.test(m))).toHaveLength(1);
      proxy.restore();
      await expect.poll(() => a.up(), { timeout: 5_000 }).toBe(true);
      expect(logged.at(-1)).toMatch(/back/);
      expect(await la.take('org_x')).toBe(5); // the shared window again: b took 2 of 2
    } finally {
      await proxy.close();
    }
  });
});
