// Shared state through Redis (ioredis). Rate limits are fixed windows counted in Redis (one
// round trip: a script that increments the window of Redis's own clock), so a burst split across
// instances is admitted once. Revocations, address blocks and flex statistics travel by pub/sub:
// every instance keeps its own view and applies what the others publish, so nothing on the routing
// path waits on Redis. When Redis does not answer, each instance goes on with its local state,
// says so once in the log and in `up()`, and resumes sharing when Redis is back.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { FlexStats } from '../routing/stats.js';
import type { LimiterOptions, RateLimiter, SharedState } from './shared-state.js';
import { createWindowLimiter } from './window-limiter.js';

export interface RedisStateOptions {
  url: string;
  /** Prefix of every key and channel (several deployments, or test runs, on one Redis). */
  prefix: string;
  now: () => number;
  log: { warn(fields: object, msg: string): void; info(fields: object, msg: string): void };
}

/** INCR of the current window (by Redis's clock, the same for every instance); returns the count. */
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local window = math.floor((tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)) / tonumber(ARGV[1]))
local key = KEYS[1] .. ':' .. window
local n = redis.call('INCR', key)
if n == 1 then redis.call('PEXPIRE', key, tonumber(ARGV[1]) * 2) end
local left = tonumber(ARGV[1]) - ((tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)) % tonumber(ARGV[1]))
return {n, left}
`;

type Message =
  | { type: 'revoked'; from: string }
  | { type: 'blocked'; from: string; limiter: string; key: string; forMs: number }
  | { type: 'stats'; from: string; method: string; args: unknown[] };

/** A redis command that fails fast when Redis is away, so the caller falls back at once. */
const CLIENT_OPTIONS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 1_000,
  connectTimeout: 2_000,
  // Keep trying to reconnect, at most every 2 s, for as long as the gateway runs.
  retryStrategy: (times: number) => Math.min(times * 200, 2_000),
} as const;

export function createRedisState(options: RedisStateOptions): SharedState {
  const id = randomBytes(6).toString('hex');
  const channel = `${options.prefix}events`;
  const commands = new Redis(options.url, CLIENT_OPTIONS);
  const subscriber = new Redis(options.url, { ...CLIENT_OPTIONS, enableOfflineQueue: true });
  let up = false;
  let outageLogged = false;
  let closing = false;
  const markDown = (err: unknown): void => {
    up = false;
    if (outageLogged || closing) return;
    outageLogged = true;
    options.log.warn({ err: String((err as Error | undefined)?.message ?? err) }, 'Redis is not reachable: serving on this instance\'s own limits and statistics until it is back');
  };
  commands.on('ready', () => {
    up = true;
    if (outageLogged) options.log.info({}, 'Redis is back: sharing limits and statistics again');
    outageLogged = false;
  });
  commands.on('error', markDown);
  commands.on('end', () => markDown('connection closed'));
  commands.on('close', () => markDown('connection closed'));
  subscriber.on('error', () => undefined); // the command connection reports the outage
  void subscriber.subscribe(channel).catch(() => undefined); // resubscribed by ioredis on reconnect

  const revocationListeners: (() => void)[] = [];
  const blocks = new Map<string, Map<string, number>>(); // limiter → key → blocked until
  const statsTargets: FlexStats[] = [];

  const publish = (message: Message): Promise<unknown> => commands.publish(channel, JSON.stringify(message));

  subscriber.on('message', (_channel: string, text: string) => {
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      return;
    }
    if (message.from === id) return;
    switch (message.type) {
      case 'revoked':
        for (const listener of revocationListeners) listener();
        return;
      case 'blocked':
        block(message.limiter, message.key, message.forMs);
        return;
      case 'stats':
        for (const stats of statsTargets) applyRecord(stats, message.method, message.args);
        return;
    }
  });

  const block = (limiter: string, key: string, forMs: number): void => {
    let map = blocks.get(limiter);
    if (!map) blocks.set(limiter, (map = new Map<string, number>()));
    if (map.size >= 10_000) for (const [k, until] of map) if (until <= options.now()) map.delete(k);
    map.set(key, options.now() + forMs);
  };

  const createLimiter = (limiter: LimiterOptions): RateLimiter => {
    const local = createWindowLimiter({ ...limiter, now: options.now });
    const counter = `${options.prefix}limit:${limiter.name}:`;
    return {
      async take(key) {
        if (limiter.limit <= 0) return 0;
        if (!up) return local.take(key);
        let count: number;
        let leftMs: number;
        try {
          [count, leftMs] = (await commands.eval(TAKE_SCRIPT, 1, counter + key, limiter.windowMs)) as [number, number];
        } catch (err) {
          markDown(err);
          return local.take(key);
        }
        // At the limit the key is blocked for the rest of the window on every instance.
        if (count === limiter.limit) {
          block(limiter.name, key, leftMs);
          publish({ type: 'blocked', from: id, limiter: limiter.name, key, forMs: leftMs }).catch(markDown);
        }
        return count > limiter.limit ? limiter.retryAfterSeconds : 0;
      },
      blockedFor(key) {
        const until = blocks.get(limiter.name)?.get(key);
        if (until !== undefined && until > options.now()) return limiter.retryAfterSeconds;
        return local.blockedFor(key);
      },
    };
  };

  return {
    kind: 'redis',
    up: () => up,
    createLimiter,
    shareStats(local) {
      statsTargets.push(local);
      return shareRecords(local, (method, args) => {
        if (up) publish({ type: 'stats', from: id, method, args }).catch(markDown);
      });
    },
    async announceRevocation() {
      await publish({ type: 'revoked', from: id });
    },
    onRevocation(listener) {
      revocationListeners.push(listener);
    },
    async close() {
      closing = true;
      subscriber.disconnect();
      commands.disconnect();
    },
  };
}

/** Tells running instances that a key was revoked (the CLI, which runs no gateway). */
export async function publishRevocation(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { ...CLIENT_OPTIONS, enableOfflineQueue: true, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    const message: Message = { type: 'revoked', from: 'cli' };
    await redis.publish(`${prefix}events`, JSON.stringify(message));
  } finally {
    redis.disconnect();
  }
}

/** The FlexStats methods that record a sample (the rest read). */
type RecordMethod = Extract<keyof FlexStats, `record${string}`>;

const isRecordMethod = (stats: FlexStats, method: string): method is RecordMethod =>
  method.startsWith('record') && typeof (stats as unknown as Record<string, unknown>)[method] === 'function';

function applyRecord(stats: FlexStats, method: string, args: unknown[]): void {
  if (!isRecordMethod(stats, method)) return; // a method this version does not know
  try {
    (stats[method] as (...a: unknown[]) => void).apply(stats, args);
  } catch {
    // a malformed sample from another instance is dropped
  }
}

/**
 * The local statistics, with every `record…` call also handed to `share` (and so to the other
 * instances, which apply it to theirs). Reads are the local ones: routing never waits on Redis.
 */
export function shareRecords(local: FlexStats, share: (method: string, args: unknown[]) => void): FlexStats {
  return new Proxy(local, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function' || !isRecordMethod(target, property)) return value;
      return (...args: unknown[]) => {
        (value as (...a: unknown[]) => unknown).apply(target, args);
        share(property, args);
      };
    },
  });
}
