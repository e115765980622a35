// The shared store: PostgreSQL through a `pg` pool, for many gateway instances at once. The schema
// is migrated at open (migrations.ts). Each gateway registers itself in `gateways` with a heartbeat,
// so the rows a crashed gateway left open are closed as interrupted while other gateways' running
// requests are left alone.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { PoolClient } from 'pg';
import type { ProviderName } from '../../canonical/types.js';
import { ownIdentity, writerState } from '../process-identity.js';
import type { ProcessIdentity } from '../process-identity.js';
import type {
  ApiKeyRecord,
  KeptItem,
  KeySettings,
  Organization,
  OrganizationRecord,
  ProviderKeyRecord,
  Store,
  UsageAggregate,
  UsageBucketAggregate,
  UsageQuery,
  UsageRow,
} from '../store.js';
import { withClient } from './checkout.js';
import { importSqlite } from './import-sqlite.js';
import type { ImportCounts } from './import-sqlite.js';
import { migrate } from './migrations.js';
import type { MigrationResult } from './migrations.js';
import { DEADLINE_MS, IS_DEADLINE, USAGE_COLUMNS, fromUsageRow, usageFilter, usageValues } from '../usage-columns.js';

export interface PostgresStoreOptions {
  url: string;
  /** Give up connecting after this long (the start must fail within 30 s). */
  connectTimeoutMs?: number;
  /** Pool size. */
  max?: number;
  /** Errors of idle connections (the database restarting, a network cut); they are retried. */
  onError?: (err: Error) => void;
}

/** A gateway touches its row this often. */
export const GATEWAY_HEARTBEAT_MS = 5_000;
const SWEEP_EVERY_BEATS = 6;

/** The gateways of this process (tests run several), never judged gone by the others here. */
const liveHere = new Set<string>();

interface KeyRow {
  id: string;
  org_id: string;
  org_name: string;
  name: string | null;
  prefix: string;
  hash: string;
  created_at: Date;
  revoked_at: Date | null;
}

const toKey = (r: KeyRow): ApiKeyRecord => ({
  id: r.id,
  orgId: r.org_id,
  orgName: r.org_name,
  name: r.name,
  prefix: r.prefix,
  hash: r.hash,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
});

const KEY_SELECT = 'SELECT k.*, o.name AS org_name FROM api_keys k JOIN organizations o ON o.id = k.org_id';

/** The UsageTotals columns of a grouped usage query (the SQLite store's, typed for Postgres). */
const USAGE_TOTALS_SQL = `COUNT(*)::int AS "requests",
  COUNT(*) FILTER (WHERE served_tier = 'flex')::int AS "flexServed",
  COALESCE(SUM(cost_usd), 0) AS "spendUsd", COALESCE(SUM(standard_cost_usd), 0) AS "standardSpendUsd",
  COALESCE(SUM(saving_usd), 0) AS "savingUsd",
  COUNT(*) FILTER (WHERE ${IS_DEADLINE} AND status <> 'in_progress')::int AS "deadlineRequests",
  COUNT(*) FILTER (WHERE ${IS_DEADLINE} AND status <> 'in_progress' AND first_byte_ms <= ${DEADLINE_MS})::int AS "deadlineHits"`;

interface SettingsRow {
  default_start_within: string | null;
  allowed_models: string[] | null;
  requests_per_minute: number | null;
  monthly_budget_usd: number | null;
}

const toSettings = (r: SettingsRow): KeySettings => ({
  defaultStartWithin: r.default_start_within,
  allowedModels: r.allowed_models,
  requestsPerMinute: r.requests_per_minute,
  monthlyBudgetUsd: r.monthly_budget_usd,
});

const iso = (d: Date): string => d.toISOString();

interface ProviderKeyRow {
  org_id: string;
  provider: ProviderName;
  sealed: string;
  updated_at: Date;
}
/** Rows per statement: well under Postgres's 65,535 parameters at 23 per row. */
const ROWS_PER_STATEMENT = 1_000;

/** The URL without its password, for messages. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

async function connectWithin(pool: pg.Pool, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await withClient(pool, async () => undefined);
      return;
    } catch (err) {
      if (Date.now() + 1_000 > deadline) {
        throw new Error(
          `DATABASE_URL: could not reach PostgreSQL at ${describeDatabaseUrl(url)} within ${Math.round(timeoutMs / 1000)} s (${(err as Error).message})`,
        );
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

function createPool(options: PostgresStoreOptions): pg.Pool {
  const connectTimeoutMs = options.connectTimeoutMs ?? 25_000;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    connectionTimeoutMillis: Math.min(5_000, connectTimeoutMs),
    // A database that stops answering must not hang a commit or a key lookup forever.
    query_timeout: 15_000,
    keepAlive: true,
  });
  pool.on('error', (err) => options.onError?.(err));
  return pool;
}

/** A pool that has reached the database and brought its schema up to date. */
async function openMigrated(options: PostgresStoreOptions): Promise<{ pool: pg.Pool; migrated: MigrationResult }> {
  const pool = createPool(options);
  try {
    await connectWithin(pool, options.url, options.connectTimeoutMs ?? 25_000);
    return { pool, migrated: await migrate(pool) };
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}

/** `flexinference migrate`: applies the migrations and stops. */
export async function migrateDatabase(options: PostgresStoreOptions): Promise<MigrationResult> {
  const { pool, migrated } = await openMigrated(options);
  await pool.end();
  return migrated;
}

/** `flexinference migrate --from-sqlite`: migrates, then copies the SQLite deployment in. */
export async function importSqliteDatabase(
  options: PostgresStoreOptions,
  from: Omit<Parameters<typeof importSqlite>[0], 'client'>,
): Promise<{ migrated: MigrationResult; imported: ImportCounts }> {
  const { pool, migrated } = await openMigrated(options);
  try {
    return { migrated, imported: await withClient(pool, (client) => importSqlite({ client, ...from })) };
  } finally {
    await pool.end();
  }
}

export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const { pool } = await openMigrated(options);
  const gatewayId = `gw_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const own = ownIdentity();
  liveHere.add(gatewayId);
  const heartbeat = (): Promise<unknown> =>
    pool.query(
      `INSERT INTO gateways (id, host, boot, pid, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, now(), now())
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`,
      [gatewayId, own.host, own.boot, own.pid],
    );
  await heartbeat();
  let beats = 0;
  const timer = setInterval(() => {
    // A missed beat only matters after 30 s; the pool reports the cause.
    heartbeat().catch(() => undefined);
    // Rows a crashed gateway left open are closed even when it never comes back.
    if (++beats % SWEEP_EVERY_BEATS === 0) {
      closeRowsOfGoneGateways(pool).catch(() => undefined);
      // Expired kept items are never found (findItems filters them); this only reclaims space.
      pool.query('DELETE FROM kept_items WHERE expires_at <= $1', [Date.now()]).catch(() => undefined);
    }
  }, GATEWAY_HEARTBEAT_MS);
  timer.unref();
  return createStore(pool, gatewayId, () => {
    clearInterval(timer);
    liveHere.delete(gatewayId);
  });
}

function inTransaction<T>(pool: pg.Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}

/** One multi-row INSERT per batch: the ledger's group commit is a single statement. */
async function writeUsage(pool: pg.Pool, rows: readonly UsageRow[], gatewayId: string, onlyOverOpen: boolean): Promise<void> {
  if (rows.length === 0) return;
  // A statement may not touch a row twice: the last version of each request wins.
  const latest = [...new Map(rows.map((r) => [r.requestId, r])).values()];
  const columns = [...USAGE_COLUMNS.map(([, c]) => c), 'gateway_id'];
  const updates = columns.slice(1).map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  const guard = onlyOverOpen ? ` WHERE usage.status IN ('in_progress', 'interrupted')` : '';
  await inTransaction(pool, async (client) => {
    for (let i = 0; i < latest.length; i += ROWS_PER_STATEMENT) {
      const batch = latest.slice(i, i + ROWS_PER_STATEMENT);
      const params: unknown[] = [];
      const tuples = batch.map((row) => {
        const values = [...usageValues(row), gatewayId];
        const placeholders = values.map((v) => `$${params.push(v)}`);
        return `(${placeholders.join(', ')})`;
      });
      await client.query(
        `INSERT INTO usage (${columns.join(', ')}) VALUES ${tuples.join(', ')}
         ON CONFLICT (request_id) DO UPDATE SET ${updates}${guard}`,
        params,
      );
    }
  });
}

function createStore(pool: pg.Pool, gatewayId: string, stop: () => void): Store {
  const one = async <T extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<T | undefined> =>
    (await pool.query<T>(sql, params)).rows[0];
  const id = (prefix: string): string => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 20)}`;

  return {
    async ensureOrganization(name) {
      // Two instances creating the same organization at once end up with the same row.
      await pool.query('INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, now()) ON CONFLICT (name) DO NOTHING', [id('org'), name]);
      const org = await one<Organization>('SELECT id, name FROM organizations WHERE name = $1', [name]);
      if (!org) throw new Error('organization not found after insert');
      return org;
    },
    findOrganization: (name) => one<Organization>('SELECT id, name FROM organizations WHERE name = $1', [name]),
    async listOrganizations() {
      const { rows } = await pool.query<{ id: string; name: string; created_at: Date }>(
        'SELECT id, name, created_at FROM organizations ORDER BY created_at, name COLLATE "C"',
      );
      return rows.map((r): OrganizationRecord => ({ id: r.id, name: r.name, createdAt: iso(r.created_at) }));
    },
    async renameOrganization(orgId, name) {
      return ((await pool.query('UPDATE organizations SET name = $1 WHERE id = $2', [name, orgId])).rowCount ?? 0) > 0;
    },
    deleteOrganization: (orgId) =>
      inTransaction(pool, async (client) => {
        await client.query('DELETE FROM key_settings WHERE key_id IN (SELECT id FROM api_keys WHERE org_id = $1)', [orgId]);
        await client.query('DELETE FROM api_keys WHERE org_id = $1', [orgId]);
        await client.query('DELETE FROM provider_keys WHERE org_id = $1', [orgId]);
        return ((await client.query('DELETE FROM organizations WHERE id = $1', [orgId])).rowCount ?? 0) > 0;
      }),
    async insertApiKey({ orgId, name, prefix, hash }) {
      const keyId = id('key');
      await pool.query('INSERT INTO api_keys (id, org_id, name, prefix, hash, created_at) VALUES ($1, $2, $3, $4, $5, now())', [
        keyId,
        orgId,
        name,
        prefix,
        hash,
      ]);
      const row = await one<KeyRow>(`${KEY_SELECT} WHERE k.id = $1`, [keyId]);
      if (!row) throw new Error('inserted key not found');
      return toKey(row);
    },
    async findApiKeyByHash(hash) {
      const row = await one<KeyRow>(`${KEY_SELECT} WHERE k.hash = $1`, [hash]);
      return row ? toKey(row) : undefined;
    },
    async listApiKeys(orgId) {
      const { rows } = orgId
        ? await pool.query<KeyRow>(`${KEY_SELECT} WHERE k.org_id = $1 ORDER BY k.created_at, k.id`, [orgId])
        : await pool.query<KeyRow>(`${KEY_SELECT} ORDER BY k.created_at, k.id`);
      return rows.map(toKey);
    },
    revokeApiKey: (idOrPrefix) =>
      inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ id: string }>(
          'SELECT id FROM api_keys WHERE (id = $1 OR prefix = $1) AND revoked_at IS NULL FOR UPDATE',
          [idOrPrefix],
        );
        // A prefix shared by several keys (possible across organizations) must not revoke them all.
        if (rows.length > 1) throw new Error(`${idOrPrefix} matches ${rows.length} active keys; revoke by key id instead`);
        const result = await client.query('UPDATE api_keys SET revoked_at = now() WHERE (id = $1 OR prefix = $1) AND revoked_at IS NULL', [idOrPrefix]);
        return result.rowCount ?? 0;
      }),
    async countApiKeys() {
      return (await one<{ n: number }>('SELECT COUNT(*)::int AS n FROM api_keys', []))?.n ?? 0;
    },
    async getKeySettings(keyId) {
      const row = await one<SettingsRow>(
        'SELECT default_start_within, allowed_models, requests_per_minute, monthly_budget_usd FROM key_settings WHERE key_id = $1',
        [keyId],
      );
      return row ? toSettings(row) : undefined;
    },
    async setKeySettings(keyId, settings) {
      if (settings === null) {
        await pool.query('DELETE FROM key_settings WHERE key_id = $1', [keyId]);
        return;
      }
      await pool.query(
        `INSERT INTO key_settings (key_id, default_start_within, allowed_models, requests_per_minute, monthly_budget_usd, updated_at)
         VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (key_id) DO UPDATE SET default_start_within = EXCLUDED.default_start_within,
           allowed_models = EXCLUDED.allowed_models, requests_per_minute = EXCLUDED.requests_per_minute,
           monthly_budget_usd = EXCLUDED.monthly_budget_usd, updated_at = EXCLUDED.updated_at`,
        [
          keyId,
          settings.defaultStartWithin,
          settings.allowedModels === null ? null : JSON.stringify(settings.allowedModels),
          settings.requestsPerMinute,
          settings.monthlyBudgetUsd,
        ],
      );
    },
    async setProviderKey(orgId, provider: ProviderName, sealed) {
      await pool.query(
        `INSERT INTO provider_keys (org_id, provider, sealed, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (org_id, provider) DO UPDATE SET sealed = EXCLUDED.sealed, updated_at = EXCLUDED.updated_at`,
        [orgId, provider, sealed],
      );
    },
    async getProviderKey(orgId, provider) {
      return (await one<{ sealed: string }>('SELECT sealed FROM provider_keys WHERE org_id = $1 AND provider = $2', [orgId, provider]))?.sealed;
    },
    async listProviderKeys(orgId) {
      const select = 'SELECT org_id, provider, sealed, updated_at FROM provider_keys';
      const { rows } = orgId
        ? await pool.query<ProviderKeyRow>(`${select} WHERE org_id = $1 ORDER BY provider COLLATE "C"`, [orgId])
        : await pool.query<ProviderKeyRow>(`${select} ORDER BY org_id COLLATE "C", provider COLLATE "C"`);
      return rows.map((r): ProviderKeyRecord => ({ orgId: r.org_id, provider: r.provider, sealed: r.sealed, updatedAt: iso(r.updated_at) }));
    },
    async deleteProviderKey(orgId, provider) {
      return ((await pool.query('DELETE FROM provider_keys WHERE org_id = $1 AND provider = $2', [orgId, provider])).rowCount ?? 0) > 0;
    },
    upsertUsage: (rows) => writeUsage(pool, rows, gatewayId, false),
    // Recovery never overwrites a row its ledger closed (journal rows may be older).
    recoverUsage: (rows) => writeUsage(pool, rows, gatewayId, true),
    async queryUsage(query: UsageQuery) {
      const { clause, params } = usageFilter(query, (n) => `$${n}`);
      const { rows } = await pool.query<Record<string, unknown>>(`SELECT * FROM usage ${clause} ORDER BY created_at, request_id`, params);
      return rows.map(fromUsageRow);
    },
    async aggregateUsage(query: UsageQuery) {
      const { clause, params } = usageFilter(query, (n) => `$${n}`);
      const { rows } = await pool.query<UsageAggregate>(
        `SELECT model, route, ${USAGE_TOTALS_SQL} FROM usage ${clause} GROUP BY model, route ORDER BY model COLLATE "C", route COLLATE "C"`,
        params,
      );
      return rows;
    },
    async usageSeries(query, bucket) {
      const { clause, params } = usageFilter(query, (n) => `$${n}`);
      const unit = bucket === 'hour' ? 'hour' : 'day';
      const { rows } = await pool.query<Omit<UsageBucketAggregate, 'bucket'> & { bucket: Date }>(
        `SELECT date_trunc('${unit}', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket, route, ${USAGE_TOTALS_SQL}
          FROM usage ${clause} GROUP BY 1, route ORDER BY 1, route COLLATE "C"`,
        params,
      );
      return rows.map((r) => ({ ...r, bucket: iso(r.bucket) }));
    },
    async pageUsage(query) {
      const { clause, params } = usageFilter(query, (n) => `$${n}`);
      const { rows } = await pool.query<Record<string, unknown>>(
        `SELECT * FROM usage ${clause} ORDER BY created_at DESC, request_id DESC LIMIT ${Math.max(1, Math.floor(query.limit))}`,
        params,
      );
      return rows.map(fromUsageRow);
    },
    closeInterruptedUsage: () => closeRowsOfGoneGateways(pool),
    // One statement on the answer's path (it is awaited before the caller sees the end): expired
    // items are swept by the heartbeat timer, not here.
    async keepItems(orgId, items, expiresAt) {
      // One row per id: a repeated id in one statement would be an ON CONFLICT error.
      const byId = new Map(items.map((item) => [item.id, item.json]));
      if (byId.size === 0) return;
      await pool.query(
        `INSERT INTO kept_items (org_id, id, item, expires_at)
         SELECT $1, id, item, $4 FROM unnest($2::text[], $3::text[]) AS k(id, item)
         ON CONFLICT (org_id, id) DO UPDATE SET item = EXCLUDED.item, expires_at = EXCLUDED.expires_at`,
        [orgId, [...byId.keys()], [...byId.values()], expiresAt],
      );
    },
    async findItems(orgId, ids, now) {
      if (ids.length === 0) return [];
      const { rows } = await pool.query<KeptItem>(
        'SELECT id, item AS json FROM kept_items WHERE org_id = $1 AND id = ANY($2::text[]) AND expires_at > $3',
        [orgId, [...ids], now],
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.flatMap((itemId) => byId.get(itemId) ?? []);
    },
    async getMeta(name) {
      return (await one<{ value: string }>('SELECT value FROM meta WHERE name = $1', [name]))?.value;
    },
    async setMeta(name, value, options) {
      const conflict = options?.onlyIfAbsent ? 'DO NOTHING' : 'DO UPDATE SET value = EXCLUDED.value';
      return ((await pool.query(`INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) ${conflict}`, [name, value])).rowCount ?? 0) > 0;
    },
    async close() {
      stop();
      // A gateway that stops cleanly has closed its rows; its registration goes with it.
      await pool.query('DELETE FROM gateways WHERE id = $1', [gatewayId]).catch(() => undefined);
      await pool.end();
    },
  };
}

interface GatewayRow extends ProcessIdentity {
  id: string;
  heartbeat_at: Date;
}

/**
 * Closes as interrupted the rows left open by gateways that are gone (see process-identity.ts) or
 * were never registered, and forgets those gateways. Rows of gateways still running are untouched.
 */
async function closeRowsOfGoneGateways(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<GatewayRow>('SELECT id, host, boot, pid, heartbeat_at FROM gateways');
  const gone = rows.filter((g) => !liveHere.has(g.id) && writerState(g, g.heartbeat_at.getTime()) === 'gone').map((g) => g.id);
  const alive = rows.map((g) => g.id).filter((g) => !gone.includes(g));
  const result = await pool.query(
    `UPDATE usage SET status = 'interrupted', error_code = COALESCE(error_code, 'interrupted')
     WHERE status = 'in_progress' AND (gateway_id IS NULL OR NOT (gateway_id = ANY($1::text[])))`,
    [alive],
  );
  if (gone.length > 0) await pool.query('DELETE FROM gateways WHERE id = ANY($1::text[])', [gone]);
  return result.rowCount ?? 0;
}
