// Real PostgreSQL and Redis for tests: each run gets its own database (dropped afterwards) and its
// own Redis key prefix (deleted afterwards). Where a service is absent, the caller skips its tests
// with the reason this module returns.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';

/** A database the tests may create other databases from (trust auth on this machine kind). */
export const POSTGRES_ADMIN_URL = process.env.FLEX_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_TEST_URL = process.env.FLEX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why Postgres tests cannot run here, or undefined when they can. */
export async function postgresAbsent(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (${(err as Error).message}); set FLEX_TEST_POSTGRES_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why Redis tests cannot run here, or undefined when they can. */
export async function redisAbsent(): Promise<string | undefined> {
  const redis = new Redis(REDIS_TEST_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3_000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (err) {
    return `Redis is not reachable at ${REDIS_TEST_URL} (${(err as Error).message}); set FLEX_TEST_REDIS_URL`;
  } finally {
    redis.disconnect();
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database of its own; `drop()` removes it (ending any connection still open). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `flexinference_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface TestRedisPrefix {
  prefix: string;
  /** Deletes every key under the prefix. */
  clean(): Promise<void>;
}

export function createTestRedisPrefix(): TestRedisPrefix {
  const prefix = `flexinference-test-${randomBytes(6).toString('hex')}:`;
  return {
    prefix,
    async clean() {
      const redis = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
