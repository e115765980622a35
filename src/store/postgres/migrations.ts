// Versioned schema migrations for the Postgres store, applied at start under an advisory lock so
// instances starting together do not race: the first applies what is missing, the others wait for
// the lock and then find nothing left to do. A migration is never edited once released; a change
// is a new entry at the end.
import type { Pool } from 'pg';
import { withClient } from './checkout.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'organizations, keys, provider keys, key settings, usage ledger, meta, gateways',
    sql: `
CREATE TABLE organizations (
  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TIMESTAMPTZ NOT NULL);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), name TEXT,
  prefix TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created_at TIMESTAMPTZ NOT NULL, revoked_at TIMESTAMPTZ);
CREATE INDEX api_keys_org ON api_keys (org_id, created_at);
CREATE INDEX api_keys_prefix ON api_keys (prefix);
CREATE TABLE provider_keys (
  org_id TEXT NOT NULL REFERENCES organizations(id), provider TEXT NOT NULL, sealed TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (org_id, provider));
CREATE TABLE key_settings (
  key_id TEXT PRIMARY KEY REFERENCES api_keys(id) ON DELETE CASCADE, default_start_within TEXT,
  allowed_models JSONB, requests_per_minute DOUBLE PRECISION, monthly_budget_usd DOUBLE PRECISION,
  updated_at TIMESTAMPTZ NOT NULL);
CREATE TABLE usage (
  request_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, key_id TEXT NOT NULL, surface TEXT NOT NULL,
  provider TEXT NOT NULL, model TEXT NOT NULL, start_within TEXT NOT NULL, served_tier TEXT,
  route TEXT NOT NULL, status TEXT NOT NULL, error_code TEXT, admission_ms DOUBLE PRECISION,
  first_byte_ms DOUBLE PRECISION, duration_ms DOUBLE PRECISION, input_tokens INTEGER NOT NULL,
  cached_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL,
  cost_usd DOUBLE PRECISION NOT NULL, standard_cost_usd DOUBLE PRECISION NOT NULL,
  saving_usd DOUBLE PRECISION NOT NULL, created_at TIMESTAMPTZ NOT NULL, gateway_id TEXT);
CREATE INDEX usage_org_created ON usage (org_id, created_at);
CREATE INDEX usage_created ON usage (created_at);
CREATE INDEX usage_open ON usage (gateway_id) WHERE status = 'in_progress';
CREATE INDEX usage_key_created ON usage (key_id, created_at);
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
-- The running gateways, so that rows a crashed one left open can be told from rows still running.
CREATE TABLE gateways (
  id TEXT PRIMARY KEY, host TEXT NOT NULL, boot TEXT NOT NULL, pid INTEGER NOT NULL,
  started_at TIMESTAMPTZ NOT NULL, heartbeat_at TIMESTAMPTZ NOT NULL);
`,
  },
  {
    version: 2,
    name: 'kept output items (item references resolved for a bounded time)',
    sql: `
CREATE TABLE kept_items (
  org_id TEXT NOT NULL, id TEXT NOT NULL, item TEXT NOT NULL, expires_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id));
CREATE INDEX kept_items_expiry ON kept_items (expires_at);
`,
  },
  {
    version: 3,
    name: 'usage warnings (what was changed to fit each request, as JSON)',
    sql: `
ALTER TABLE usage ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
`,
  },
];

/** Any fixed 64-bit number, the same for every instance: the lock migrations are applied under. */
const MIGRATION_LOCK = 0x466c6578_4d696772n; // "FlexMigr"

export interface MigrationResult {
  applied: number[];
  current: number;
}

/** Applies the migrations not yet applied, each in its own transaction, under the advisory lock. */
export function migrate(pool: Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  return withClient(pool, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)',
      );
      const done = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
      );
      const applied: number[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [m.version, m.name]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw new Error(`database migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
        }
        applied.push(m.version);
      }
      const current = Math.max(0, ...done, ...applied);
      return { applied, current };
    } finally {
      // The lock is the session's: a connection that died has released it already.
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]).catch(() => undefined);
    }
  });
}
