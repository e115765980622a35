import { describe, expect, it, onTestFinished } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { displayPrefix, generateApiKey, hashApiKey, isWellFormedApiKey } from './api-keys.js';
import { deriveKey, seal, unseal } from './secrets.js';
import { openSqliteStore } from './sqlite.js';

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
  it('stores only a hash, finds by hash, lists and revokes; survives reopening', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexinf-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'db.sqlite');
    const store = openSqliteStore(path);
    const org = store.ensureOrganization('acme');
    expect(store.ensureOrganization('acme').id).toBe(org.id);
    const key = generateApiKey();
    const rec = store.insertApiKey({ orgId: org.id, name: 'ci', prefix: displayPrefix(key), hash: hashApiKey(key) });
    expect(JSON.stringify(store.listApiKeys())).not.toContain(key);
    expect(store.findApiKeyByHash(hashApiKey(key))).toMatchObject({ id: rec.id, orgName: 'acme', revokedAt: null });
    store.close();
    const again = openSqliteStore(path);
    expect(again.revokeApiKey(rec.prefix)).toBe(1);
    expect(again.findApiKeyByHash(hashApiKey(key))?.revokedAt).not.toBeNull();
    again.close();
  });

  it('keeps one flex statistics snapshot, the latest, across reopening', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexinf-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'db.sqlite');
    const store = openSqliteStore(path);
    expect(store.loadFlexStats()).toBeUndefined();
    store.saveFlexStats('{"version":1,"first":true}');
    store.saveFlexStats('{"version":1,"second":true}');
    store.close();
    const again = openSqliteStore(path);
    expect(again.loadFlexStats()).toBe('{"version":1,"second":true}');
    again.close();
  });

  it('seals provider keys so the stored value does not contain them', () => {
    const store = openSqliteStore(':memory:');
    const org = store.ensureOrganization('acme');
    const k = deriveKey('master');
    store.setProviderKey(org.id, 'openai', seal('sk-secret-value-123', k));
    const sealed = store.getProviderKey(org.id, 'openai')!;
    expect(sealed).not.toContain('sk-secret');
    expect(unseal(sealed, k)).toBe('sk-secret-value-123');
    expect(() => unseal(sealed, deriveKey('other'))).toThrow();
  });
});
