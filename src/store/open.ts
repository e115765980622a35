// Which store the environment selects: Postgres when DATABASE_URL is set, else the SQLite file.
import type { Config } from '../config.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** Errors of idle database connections (logged; the pool reconnects). */
  onError?: (err: Error) => void;
}

export async function openStore(config: Config, options: OpenStoreOptions = {}): Promise<Store> {
  if (config.databaseUrl === undefined) return openSqliteStore(config.dbPath);
  if (config.masterKey === undefined) {
    // Instances sharing one database must seal and open provider keys with the same key.
    throw new Error('DATABASE_URL is set but FLEX_MASTER_KEY is not: every instance sharing the database needs the same FLEX_MASTER_KEY');
  }
  // Loaded only when used: the embedded default does not load the Postgres client.
  const { openPostgresStore } = await import('./postgres/index.js');
  return openPostgresStore({ url: config.databaseUrl, ...(options.onError ? { onError: options.onError } : {}) });
}
