// `flexinference migrate --from-sqlite <file>`: moves an embedded deployment's organizations, API
// keys with their settings, provider keys and usage ledger into Postgres. Re-running it is harmless:
// what is already there is kept. Organizations are matched by name; provider keys are opened with
// the SQLite deployment's master key and sealed again with the shared one. `meta` entries (the
// admin token's hash) are copied when named.
import Database from 'better-sqlite3';
import type pg from 'pg';
import { seal, unseal } from '../secrets.js';
import type { UsageRow } from '../store.js';
import { USAGE_COLUMNS, fromUsageRow, usageValues } from '../usage-columns.js';

export interface ImportCounts {
  organizations: number;
  apiKeys: number;
  /** Keys' settings (allowed models, rate limit, budget, default window). */
  keySettings: number;
  providerKeys: number;
  usageRows: number;
  /** The `meta` entries asked for that were copied (Postgres had none of that name). */
  meta: string[];
}

interface SqliteOrg {
  id: string;
  name: string;
  created_at: string;
}
interface SqliteKey {
  id: string;
  org_id: string;
  name: string | null;
  prefix: string;
  hash: string;
  created_at: string;
  revoked_at: string | null;
}
interface SqliteKeySettings {
  key_id: string;
  default_start_within: string | null;
  /** A JSON array, as the SQLite store writes it. */
  allowed_models: string | null;
  requests_per_minute: number | null;
  monthly_budget_usd: number | null;
  updated_at: string;
}
interface SqliteProviderKey {
  org_id: string;
  provider: string;
  sealed: string;
  updated_at: string;
}

const BATCH = 1_000;

/** A file written by an older version may lack the later tables. */
const hasTable = (db: Database.Database, name: string): boolean =>
  db.prepare<[string], unknown>("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

/** A key keeps its restrictions: without them it would be free to use any model at any rate. */
async function copyKeySettings(db: Database.Database, client: pg.PoolClient): Promise<number> {
  if (!hasTable(db, 'api_key_settings')) return 0;
  let copied = 0;
  for (const s of db.prepare<[], SqliteKeySettings>('SELECT * FROM api_key_settings').all()) {
    // Only for a key that is there: one skipped as already present under another id has its own.
    const inserted = await client.query(
      `INSERT INTO key_settings (key_id, default_start_within, allowed_models, requests_per_minute, monthly_budget_usd, updated_at)
       SELECT $1, $2, $3::jsonb, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM api_keys WHERE id = $1)
       ON CONFLICT DO NOTHING`,
      [s.key_id, s.default_start_within, s.allowed_models, s.requests_per_minute, s.monthly_budget_usd, s.updated_at],
    );
    copied += inserted.rowCount ?? 0;
  }
  return copied;
}

/** The named `meta` entries Postgres does not have yet (one already there wins, as for the rest). */
async function copyMeta(db: Database.Database, client: pg.PoolClient, names: readonly string[]): Promise<string[]> {
  const copied: string[] = [];
  if (!hasTable(db, 'meta')) return copied;
  const read = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE name = ?');
  for (const name of names) {
    const row = read.get(name);
    if (row === undefined) continue;
    const inserted = await client.query('INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING', [name, row.value]);
    if ((inserted.rowCount ?? 0) > 0) copied.push(name);
  }
  return copied;
}

export async function importSqlite(options: {
  client: pg.PoolClient;
  sqlitePath: string;
  /** The key the SQLite deployment sealed provider keys with. */
  fromMasterKey: Buffer;
  /** The key instances sharing Postgres use. */
  toMasterKey: Buffer;
  /** `meta` entries to carry over, such as the admin token's hash. */
  metaNames?: readonly string[];
}): Promise<ImportCounts> {
  const { client } = options;
  const db = new Database(options.sqlitePath, { readonly: true, fileMustExist: true });
  try {
    const counts: ImportCounts = { organizations: 0, apiKeys: 0, keySettings: 0, providerKeys: 0, usageRows: 0, meta: [] };
    await client.query('BEGIN');
    const orgIds = new Map<string, string>();
    for (const org of db.prepare<[], SqliteOrg>('SELECT id, name, created_at FROM organizations').all()) {
      const inserted = await client.query('INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [org.id, org.name, org.created_at]);
      counts.organizations += inserted.rowCount ?? 0;
      const { rows } = await client.query<{ id: string }>('SELECT id FROM organizations WHERE name = $1', [org.name]);
      orgIds.set(org.id, rows[0]?.id ?? org.id);
    }
    const mapOrg = (id: string): string => orgIds.get(id) ?? id;
    for (const k of db.prepare<[], SqliteKey>('SELECT * FROM api_keys ORDER BY created_at').all()) {
      const inserted = await client.query(
        `INSERT INTO api_keys (id, org_id, name, prefix, hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT DO NOTHING`,
        [k.id, mapOrg(k.org_id), k.name, k.prefix, k.hash, k.created_at, k.revoked_at],
      );
      counts.apiKeys += inserted.rowCount ?? 0;
    }
    counts.keySettings = await copyKeySettings(db, client);
    for (const p of db.prepare<[], SqliteProviderKey>('SELECT * FROM provider_keys').all()) {
      const resealed = seal(unseal(p.sealed, options.fromMasterKey), options.toMasterKey);
      const inserted = await client.query(
        'INSERT INTO provider_keys (org_id, provider, sealed, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [mapOrg(p.org_id), p.provider, resealed, p.updated_at],
      );
      counts.providerKeys += inserted.rowCount ?? 0;
    }
    const usage = db.prepare<[], Record<string, unknown>>('SELECT * FROM usage ORDER BY created_at').iterate();
    let batch: UsageRow[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const params: unknown[] = [];
      const tuples = batch.map((row) => `(${usageValues({ ...row, orgId: mapOrg(row.orgId) }).map((v) => `$${params.push(v)}`).join(', ')})`);
      const inserted = await client.query(
        `INSERT INTO usage (${USAGE_COLUMNS.map(([, c]) => c).join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`,
        params,
      );
      counts.usageRows += inserted.rowCount ?? 0;
      batch = [];
    };
    for (const raw of usage) {
      batch.push(fromUsageRow(raw));
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    counts.meta = await copyMeta(db, client, options.metaNames ?? []);
    await client.query('COMMIT');
    return counts;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    db.close();
  }
}
