import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { displayPrefix, generateApiKey, hashApiKey, isWellFormedApiKey } from './api-keys.js';
import { deriveKey, seal, unseal } from './secrets.js';
import { openSqliteStore } from './sqlite.js';
import { openPostgresStore } from './postgres/index.js';
import { storeContract } from './test-support/contract.js';
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
