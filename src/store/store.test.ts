import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { displayPrefix, generateApiKey, hashApiKey, isWellFormedApiKey } from './api-keys.js';
import { deriveKey, seal, unseal } from './secrets.js';
import { openSqliteStore } from './sqlite.js';
import { openPostgresStore } from './postgres/index.js';
import { storeContract, usageRow } from './test-support/contract.js';
import type { TestDatabase } from '../test-support/services.js';
import { createTestDatabase, postgresAbsent } from '../test-support/services.js';

describe('api keys', () => {
  it('have the documented format with a checksum that catches typos', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^flex_live_[0-9a-f]{24}[0-9a-f]{6}$/);
    expect(isWellFormedApiKey(key)).toBe(true);
    const last = key.at(-1) === '0' ? '1' : '0';
    expect(isWellFormedApiKey(key.slice(0, -1) + last)).toBe(false);
    const body = key.at(12) === 'a' ? 'b' : 'a';
    expect(isWellFormedApiKey(key.slice(0, 12) + body + key.slice(13))).toBe(false);
    expect(isWellFormedApiKey(key.toUpperCase())).toBe(false);
    expect(isWellFormedApiKey('sk-123')).toBe(false);
  });
});

describe('sqlite store', () => {
  it('stores only a hash, finds by hash, lists and revokes; survives reopening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexinf-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'db.sqlite');
    const store = openSqliteStore(path);
    const org = await store.ensureOrganization('acme');
    expect((await store.ensureOrganization('acme')).id).toBe(org.id);
    const key = generateApiKey();
    const rec = await store.insertApiKey({ orgId: org.id, name: 'ci', prefix: displayPrefix(key), hash: hashApiKey(key) });
    expect(JSON.stringify(await store.listApiKeys())).not.toContain(key);
    expect(await store.findApiKeyByHash(hashApiKey(key))).toMatchObject({ id: rec.id, orgName: 'acme', revokedAt: null });
    await store.close();
    const again = openSqliteStore(path);
    expect(await again.revokeApiKey(rec.prefix)).toBe(1);
    expect((await again.findApiKeyByHash(hashApiKey(key)))?.revokedAt).not.toBeNull();
    await again.close();
  });

  it('adds the warnings column to a file whose usage table predates it; its old rows read as without warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexinf-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'old.sqlite');
    const old = new Database(path);
    // The usage table as the first release created it.
    old.exec(`CREATE TABLE usage (
      request_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, key_id TEXT NOT NULL, surface TEXT NOT NULL,
      provider TEXT NOT NULL, model TEXT NOT NULL, start_within TEXT NOT NULL, served_tier TEXT,
      route TEXT NOT NULL, status TEXT NOT NULL, error_code TEXT, admission_ms REAL, first_byte_ms REAL,
      duration_ms REAL, input_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL,
      output_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL,
      standard_cost_usd REAL NOT NULL, saving_usd REAL NOT NULL, created_at TEXT NOT NULL)`);
    old.exec(`INSERT INTO usage VALUES ('old', 'o', 'k', 'responses', 'openai', 'gpt-5-mini', 'default', 'standard', 'direct',
      'completed', NULL, 1, 2, 3, 10, 0, 5, 0, 0.1, 0.1, 0, '2026-11-01T00:00:00.000Z')`);
    old.close();
    for (let open = 0; open < 2; open++) {
      const store = openSqliteStore(path);
      const warnings = [{ code: 'output_limit_raised' as const, field: 'max_output_tokens', message: 'raised' }];
      await store.upsertUsage([usageRow('new', { warnings })]);
      const rows = new Map((await store.queryUsage({})).map((r) => [r.requestId, r.warnings]));
      expect([rows.get('old'), rows.get('new')]).toEqual([[], warnings]);
      await store.close();
    }
  });

  it('seals provider keys so the stored value does not contain them', async () => {
    const store = openSqliteStore(':memory:');
    const org = await store.ensureOrganization('acme');
    const k = deriveKey('master');
    await store.setProviderKey(org.id, 'openai', seal('sk-secret-value-123', k));
    const sealed = (await store.getProviderKey(org.id, 'openai'))!;
    expect(sealed).not.toContain('sk-secret');
    expect(unseal(sealed, k)).toBe('sk-secret-value-123');
    expect(() => unseal(sealed, deriveKey('other'))).toThrow();
  });
});

describe('store contract: SQLite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flexinf-contract-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  storeContract({ open: async () => openSqliteStore(join(dir, 'contract.db')) });
});

const pgAbsent = await postgresAbsent();
if (pgAbsent) console.warn(`skipping the Postgres store contract: ${pgAbsent}`);

describe.skipIf(pgAbsent !== undefined)('store contract: Postgres (a database of its own per test)', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(() => db.drop());
  storeContract({ open: () => openPostgresStore({ url: db.url }) });
});
