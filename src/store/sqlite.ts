// The embedded store: one SQLite file (better-sqlite3, synchronous, WAL).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { ProviderName } from '../canonical/types.js';
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
} from './store.js';
import { DEADLINE_MS, IS_DEADLINE, USAGE_COLUMNS, fromUsageRow, usageFilter, usageParams } from './usage-columns.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS organizations (
  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), name TEXT,
  prefix TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS provider_keys (
  org_id TEXT NOT NULL REFERENCES organizations(id), provider TEXT NOT NULL, sealed TEXT NOT NULL,
  updated_at TEXT NOT NULL, PRIMARY KEY (org_id, provider));
CREATE TABLE IF NOT EXISTS usage (
  request_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, key_id TEXT NOT NULL, surface TEXT NOT NULL,
  provider TEXT NOT NULL, model TEXT NOT NULL, start_within TEXT NOT NULL, served_tier TEXT,
  route TEXT NOT NULL, status TEXT NOT NULL, error_code TEXT, admission_ms REAL, first_byte_ms REAL,
  duration_ms REAL, input_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL,
  standard_cost_usd REAL NOT NULL, saving_usd REAL NOT NULL, created_at TEXT NOT NULL,
  warnings TEXT NOT NULL DEFAULT '[]');
CREATE INDEX IF NOT EXISTS usage_org_created ON usage (org_id, created_at);
CREATE TABLE IF NOT EXISTS kept_items (
  org_id TEXT NOT NULL, id TEXT NOT NULL, item TEXT NOT NULL, expires_at INTEGER NOT NULL,
  PRIMARY KEY (org_id, id));
CREATE INDEX IF NOT EXISTS kept_items_expiry ON kept_items (expires_at);
CREATE INDEX IF NOT EXISTS usage_key_created ON usage (key_id, created_at);
CREATE INDEX IF NOT EXISTS usage_created ON usage (created_at);
CREATE TABLE IF NOT EXISTS api_key_settings (
  key_id TEXT PRIMARY KEY REFERENCES api_keys(id), default_start_within TEXT, allowed_models TEXT,
  requests_per_minute INTEGER, monthly_budget_usd REAL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/**
 * Columns added after the first release: a file created before has its table without them, and
 * `CREATE TABLE IF NOT EXISTS` leaves it so. Each is added on open when missing (SQLite adds a
 * column with a constant default in place, without rewriting the table).
 */
const ADDED_COLUMNS: ReadonlyArray<{ table: string; column: string; definition: string }> = [
  { table: 'usage', column: 'warnings', definition: "TEXT NOT NULL DEFAULT '[]'" },
];

function addMissingColumns(db: Database.Database): void {
  for (const { table, column, definition } of ADDED_COLUMNS) {
    const present = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all();
    if (!present.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  }
}

/** The UsageTotals columns of a grouped usage query (portable SQL). */
export const USAGE_TOTALS_SQL = `COUNT(*) AS requests,
  SUM(CASE WHEN served_tier = 'flex' THEN 1 ELSE 0 END) AS flexServed,
  SUM(cost_usd) AS spendUsd, SUM(standard_cost_usd) AS standardSpendUsd, SUM(saving_usd) AS savingUsd,
  SUM(CASE WHEN ${IS_DEADLINE} AND status <> 'in_progress' THEN 1 ELSE 0 END) AS deadlineRequests,
  SUM(CASE WHEN ${IS_DEADLINE} AND status <> 'in_progress' AND first_byte_ms <= ${DEADLINE_MS} THEN 1 ELSE 0 END) AS deadlineHits`;

interface SettingsRow {
  default_start_within: string | null;
  allowed_models: string | null;
  requests_per_minute: number | null;
  monthly_budget_usd: number | null;
}

const toSettings = (r: SettingsRow): KeySettings => ({
  defaultStartWithin: r.default_start_within,
  allowedModels: r.allowed_models === null ? null : (JSON.parse(r.allowed_models) as string[]),
  requestsPerMinute: r.requests_per_minute,
  monthlyBudgetUsd: r.monthly_budget_usd,
});

interface KeyRow {
  id: string;
  org_id: string;
  org_name: string;
  name: string | null;
  prefix: string;
  hash: string;
  created_at: string;
  revoked_at: string | null;
}

const toKey = (r: KeyRow): ApiKeyRecord => ({
  id: r.id,
  orgId: r.org_id,
  orgName: r.org_name,
  name: r.name,
  prefix: r.prefix,
  hash: r.hash,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash; only an OS crash can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  addMissingColumns(db);

  const keySelect = `SELECT k.*, o.name AS org_name FROM api_keys k JOIN organizations o ON o.id = k.org_id`;
  const q = {
    orgByName: db.prepare<[string], Organization>('SELECT id, name FROM organizations WHERE name = ?'),
    orgsAll: db.prepare<[], OrganizationRecord>('SELECT id, name, created_at AS createdAt FROM organizations ORDER BY created_at, name'),
    renameOrg: db.prepare('UPDATE organizations SET name = ? WHERE id = ?'),
    deleteOrgSettings: db.prepare('DELETE FROM api_key_settings WHERE key_id IN (SELECT id FROM api_keys WHERE org_id = ?)'),
    deleteOrgKeys: db.prepare('DELETE FROM api_keys WHERE org_id = ?'),
    deleteOrgProviderKeys: db.prepare('DELETE FROM provider_keys WHERE org_id = ?'),
    deleteOrg: db.prepare('DELETE FROM organizations WHERE id = ?'),
    getSettings: db.prepare<[string], SettingsRow>('SELECT * FROM api_key_settings WHERE key_id = ?'),
    putSettings: db.prepare(
      `INSERT OR REPLACE INTO api_key_settings (key_id, default_start_within, allowed_models, requests_per_minute, monthly_budget_usd, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    deleteSettings: db.prepare('DELETE FROM api_key_settings WHERE key_id = ?'),
    providerKeysAll: db.prepare<[], ProviderKeyRecord>(
      'SELECT org_id AS orgId, provider, sealed, updated_at AS updatedAt FROM provider_keys ORDER BY org_id, provider',
    ),
    providerKeysOfOrg: db.prepare<[string], ProviderKeyRecord>(
      'SELECT org_id AS orgId, provider, sealed, updated_at AS updatedAt FROM provider_keys WHERE org_id = ? ORDER BY provider',
    ),
    deleteProviderKey: db.prepare('DELETE FROM provider_keys WHERE org_id = ? AND provider = ?'),
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE name = ?'),
    insertMeta: db.prepare('INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)'),
    replaceMeta: db.prepare('INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)'),
    insertOrg: db.prepare('INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)'),
    insertKey: db.prepare(
      'INSERT INTO api_keys (id, org_id, name, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    keyById: db.prepare<[string], KeyRow>(`${keySelect} WHERE k.id = ?`),
    keyByHash: db.prepare<[string], KeyRow>(`${keySelect} WHERE k.hash = ?`),
    keysAll: db.prepare<[], KeyRow>(`${keySelect} ORDER BY k.created_at`),
    keysOfOrg: db.prepare<[string], KeyRow>(`${keySelect} WHERE k.org_id = ? ORDER BY k.created_at`),
    revoke: db.prepare(
      'UPDATE api_keys SET revoked_at = ? WHERE (id = ? OR prefix = ?) AND revoked_at IS NULL',
    ),
    countMatching: db.prepare<[string, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM api_keys WHERE (id = ? OR prefix = ?) AND revoked_at IS NULL',
    ),
    countKeys: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM api_keys'),
    setProviderKey: db.prepare(
      `INSERT INTO provider_keys (org_id, provider, sealed, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (org_id, provider) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
    ),
    getProviderKey: db.prepare<[string, string], { sealed: string }>(
      'SELECT sealed FROM provider_keys WHERE org_id = ? AND provider = ?',
    ),
    upsertUsage: db.prepare(
      `INSERT OR REPLACE INTO usage (${USAGE_COLUMNS.map(([, c]) => c).join(', ')})
       VALUES (${USAGE_COLUMNS.map(([p]) => `@${p}`).join(', ')})`,
    ),
    // Recovery never overwrites a row its ledger closed (journal rows may be older), only rows
    // still open or closed as interrupted by an earlier recovery.
    recoverUsage: db.prepare(
      `INSERT INTO usage (${USAGE_COLUMNS.map(([, c]) => c).join(', ')})
       VALUES (${USAGE_COLUMNS.map(([p]) => `@${p}`).join(', ')})
       ON CONFLICT (request_id) DO UPDATE SET ${USAGE_COLUMNS.slice(1).map(([, c]) => `${c} = excluded.${c}`).join(', ')}
       WHERE usage.status IN ('in_progress', 'interrupted')`,
    ),
    keepItem: db.prepare('INSERT OR REPLACE INTO kept_items (org_id, id, item, expires_at) VALUES (?, ?, ?, ?)'),
    dropExpiredItems: db.prepare('DELETE FROM kept_items WHERE expires_at <= ?'),
    findItem: db.prepare<[string, string, number], KeptItem>(
      'SELECT id, item AS json FROM kept_items WHERE org_id = ? AND id = ? AND expires_at > ?',
    ),
    closeInterrupted: db.prepare(
      `UPDATE usage SET status = 'interrupted', error_code = COALESCE(error_code, 'interrupted') WHERE status = 'in_progress'`,
    ),
  };

  const now = (): string => new Date().toISOString();
  const statements = new Map<string, Database.Statement<string[]>>();
  /** Usage queries vary only by which filters are present: a handful of statements, prepared once. */
  const cached = <T>(sql: string): Database.Statement<string[], T> => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare<string[]>(sql);
      statements.set(sql, statement);
    }
    return statement as Database.Statement<string[], T>;
  };
  const deleteOrganization = db.transaction((id: string) => {
    q.deleteOrgSettings.run(id);
    q.deleteOrgKeys.run(id);
    q.deleteOrgProviderKeys.run(id);
    return q.deleteOrg.run(id).changes > 0;
  });

  const upsertUsage = db.transaction((rows: readonly UsageRow[]) => {
    for (const row of rows) q.upsertUsage.run(usageParams(row));
  });
  const recoverUsage = db.transaction((rows: readonly UsageRow[]) => {
    for (const row of rows) q.recoverUsage.run(usageParams(row));
  });

  // The output items kept by the answers of one event-loop turn go in one transaction (one WAL
  // commit instead of one per answer); each answer still waits for it before it is sent. Expired
  // items are dropped at most once a second: lookups skip them anyway.
  let keeping: { orgId: string; items: readonly KeptItem[]; expiresAt: number }[] = [];
  let kept: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  let keepingAt = -Infinity;
  let droppedAt = -Infinity;
  const keepBatch = db.transaction((batch: typeof keeping, at: number) => {
    if (Math.abs(at - droppedAt) >= 1_000) {
      q.dropExpiredItems.run(at);
      droppedAt = at;
    }
    for (const { orgId, items, expiresAt } of batch) for (const item of items) q.keepItem.run(orgId, item.id, item.json, expiresAt);
  });
  const flushKept = (): void => {
    const batch = keeping;
    const waiting = kept;
    const at = keepingAt;
    keeping = [];
    kept = [];
    keepingAt = -Infinity;
    if (batch.length === 0) return;
    try {
      keepBatch(batch, at);
    } catch (err) {
      for (const w of waiting) w.reject(err);
      return;
    }
    for (const w of waiting) w.resolve();
  };
  const keepItems = (orgId: string, items: readonly KeptItem[], expiresAt: number, now: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (keeping.length === 0) setImmediate(flushKept);
      keeping.push({ orgId, items, expiresAt });
      keepingAt = Math.max(keepingAt, now);
      kept.push({ resolve, reject });
    });

  // better-sqlite3 is synchronous: each call has finished when its promise is handed back.
  return {
    async ensureOrganization(name) {
      const found = q.orgByName.get(name);
      if (found) return found;
      const org = { id: `org_${randomUUID().replaceAll('-', '').slice(0, 20)}`, name };
      q.insertOrg.run(org.id, org.name, now());
      return org;
    },
    findOrganization: async (name) => q.orgByName.get(name),
    listOrganizations: async () => q.orgsAll.all(),
    renameOrganization: async (id, name) => q.renameOrg.run(name, id).changes > 0,
    deleteOrganization: async (id) => deleteOrganization(id),
    async insertApiKey({ orgId, name, prefix, hash }) {
      const id = `key_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
      q.insertKey.run(id, orgId, name, prefix, hash, now());
      const row = q.keyById.get(id);
      if (!row) throw new Error('inserted key not found');
      return toKey(row);
    },
    async findApiKeyByHash(hash) {
      const row = q.keyByHash.get(hash);
      return row ? toKey(row) : undefined;
    },
    listApiKeys: async (orgId) => (orgId ? q.keysOfOrg.all(orgId) : q.keysAll.all()).map(toKey),
    async revokeApiKey(idOrPrefix) {
      // A prefix shared by several keys (possible across organizations) must not revoke them all.
      const matches = q.countMatching.get(idOrPrefix, idOrPrefix)?.n ?? 0;
      if (matches > 1) throw new Error(`${idOrPrefix} matches ${matches} active keys; revoke by key id instead`);
      return q.revoke.run(now(), idOrPrefix, idOrPrefix).changes;
    },
    countApiKeys: async () => q.countKeys.get()?.n ?? 0,
    async getKeySettings(keyId) {
      const row = q.getSettings.get(keyId);
      return row ? toSettings(row) : undefined;
    },
    async setKeySettings(keyId, settings) {
      if (settings === null) {
        q.deleteSettings.run(keyId);
        return;
      }
      const models = settings.allowedModels === null ? null : JSON.stringify(settings.allowedModels);
      q.putSettings.run(keyId, settings.defaultStartWithin, models, settings.requestsPerMinute, settings.monthlyBudgetUsd, now());
    },
    async setProviderKey(orgId, provider: ProviderName, sealed) {
      q.setProviderKey.run(orgId, provider, sealed, now());
    },
    getProviderKey: async (orgId, provider) => q.getProviderKey.get(orgId, provider)?.sealed,
    listProviderKeys: async (orgId) => (orgId ? q.providerKeysOfOrg.all(orgId) : q.providerKeysAll.all()),
    deleteProviderKey: async (orgId, provider) => q.deleteProviderKey.run(orgId, provider).changes > 0,
    upsertUsage: async (rows) => upsertUsage(rows),
    recoverUsage: async (rows) => recoverUsage(rows),
    async queryUsage(query: UsageQuery) {
      const { clause, params } = usageFilter(query);
      const sql = `SELECT * FROM usage ${clause} ORDER BY created_at, request_id`;
      return db.prepare<string[], Record<string, unknown>>(sql).all(...params).map(fromUsageRow);
    },
    async aggregateUsage(query: UsageQuery) {
      const { clause, params } = usageFilter(query);
      const sql = `SELECT model, route, ${USAGE_TOTALS_SQL} FROM usage ${clause} GROUP BY model, route ORDER BY model, route`;
      return cached<UsageAggregate>(sql).all(...params);
    },
    async usageSeries(query, bucket) {
      const { clause, params } = usageFilter(query);
      const start = bucket === 'hour' ? `substr(created_at, 1, 13) || ':00:00.000Z'` : `substr(created_at, 1, 10) || 'T00:00:00.000Z'`;
      const sql = `SELECT ${start} AS bucket, route, ${USAGE_TOTALS_SQL} FROM usage ${clause} GROUP BY 1, route ORDER BY 1, route`;
      return cached<UsageBucketAggregate>(sql).all(...params);
    },
    async pageUsage(query) {
      const { clause, params } = usageFilter(query);
      const sql = `SELECT * FROM usage ${clause} ORDER BY created_at DESC, request_id DESC LIMIT ${Math.max(1, Math.floor(query.limit))}`;
      return cached<Record<string, unknown>>(sql).all(...params).map(fromUsageRow);
    },
    keepItems: (orgId, items, expiresAt, now) => keepItems(orgId, items, expiresAt, now),
    findItems: async (orgId, ids, now) => ids.flatMap((id) => q.findItem.get(orgId, id, now) ?? []),
    closeInterruptedUsage: async () => q.closeInterrupted.run().changes,
    getMeta: async (name) => q.getMeta.get(name)?.value,
    setMeta: async (name, value, options) => (options?.onlyIfAbsent ? q.insertMeta : q.replaceMeta).run(name, value).changes > 0,
    close: async () => {
      flushKept();
      db.close();
    },
  };
}
