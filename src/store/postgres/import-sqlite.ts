// `flexinference migrate --from-sqlite <file>`: moves an embedded deployment's organizations, API
// keys, provider keys and usage ledger into Postgres. Re-running it is harmless: what is already
// there is kept. Organizations are matched by name; provider keys are opened with the SQLite
// deployment's master key and sealed again with the shared one.
import Database from 'better-sqlite3';
import type pg from 'pg';
import { seal, unseal } from '../secrets.js';
import type { UsageRow } from '../store.js';
import { USAGE_COLUMNS, fromUsageRow, usageValues } from '../usage-columns.js';

export interface ImportCounts {
  organizations: number;
  apiKeys: number;
  providerKeys: number;
  usageRows: number;
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
interface SqliteProviderKey {
  org_id: string;
  provider: string;
  sealed: string;
  updated_at: string;
}

const BATCH = 1_000;

export async function importSqlite(options: {
  client: pg.PoolClient;
  sqlitePath: string;
  /** The key the SQLite deployment sealed provider keys with. */
  fromMasterKey: Buffer;
  /** The key instances sharing Postgres use. */
  toMasterKey: Buffer;
}): Promise<ImportCounts> {
  const { client } = options;
  const db = new Database(options.sqlitePath, { readonly: true, fileMustExist: true });
  try {
    const counts: ImportCounts = { organizations: 0, apiKeys: 0, providerKeys: 0, usageRows: 0 };
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
    await client.query('COMMIT');
    return counts;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    db.close();
  }
}
