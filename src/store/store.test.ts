import { describe, expect, it, onTestFinished } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { displayPrefix, generateApiKey, hashApiKey, isWellFormedApiKey } from './api-keys.js';
import { deriveKey, seal, unseal } from './secrets.js';
import { openSqliteStore } from './sqlite.js';
import type { UsageRow } from './store.js';

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

describe('sqlite store: operator data', () => {
  const row = (over: Partial<UsageRow>): UsageRow => ({
    requestId: 'r', orgId: 'o', keyId: 'k', surface: 'responses', provider: 'openai', model: 'gpt-5-mini',
    startWithin: '00h-00m-10s', servedTier: 'flex', route: 'flex_admitted', status: 'completed', errorCode: null,
    admissionMs: 500, firstByteMs: 900, durationMs: 1000, inputTokens: 10, cachedTokens: 0, outputTokens: 5,
    reasoningTokens: 0, costUsd: 1, standardCostUsd: 2, savingUsd: 1, createdAt: '2026-11-01T10:15:00.000Z', ...over,
  });

  it('key settings, provider key listing, organization rename and delete with its keys', async () => {
    const store = openSqliteStore(':memory:');
    const org = await store.ensureOrganization('acme');
    const key = await store.insertApiKey({ orgId: org.id, name: null, prefix: 'p', hash: 'aa' });
    expect(await store.getKeySettings(key.id)).toBeUndefined();
    const settings = { defaultStartWithin: '00h-00m-30s', allowedModels: ['gpt-5-mini'], requestsPerMinute: 60, monthlyBudgetUsd: 12.5 };
    await store.setKeySettings(key.id, settings);
    expect(await store.getKeySettings(key.id)).toEqual(settings);
    await store.setProviderKey(org.id, 'gemini', 'sealed');
    expect(await store.listProviderKeys(org.id)).toEqual([expect.objectContaining({ provider: 'gemini', sealed: 'sealed' })]);
    expect(await store.renameOrganization(org.id, 'acme-2')).toBe(true);
    expect((await store.listOrganizations()).map((o) => o.name)).toEqual(['acme-2']);
    expect(await store.deleteOrganization(org.id)).toBe(true);
    expect(await store.listApiKeys()).toEqual([]);
    expect(await store.getKeySettings(key.id)).toBeUndefined();
    expect(await store.listProviderKeys()).toEqual([]);
    expect(await store.setMeta('m', 'one', { onlyIfAbsent: true })).toBe(true);
    expect(await store.setMeta('m', 'two', { onlyIfAbsent: true })).toBe(false);
    expect(await store.getMeta('m')).toBe('one');
    await store.close();
  });

  it('series by hour with deadline hits, pages newest first, filters by key and time', async () => {
    const store = openSqliteStore(':memory:');
    await store.upsertUsage([
      row({ requestId: 'a' }),
      row({ requestId: 'b', firstByteMs: 12_000, servedTier: 'standard', route: 'flex_timeout', costUsd: 2, savingUsd: 0 }),
      row({ requestId: 'c', startWithin: 'default', route: 'direct', createdAt: '2026-11-01T11:05:00.000Z', keyId: 'k2' }),
      row({ requestId: 'd', status: 'in_progress', createdAt: '2026-11-01T11:06:00.000Z' }),
    ]);
    const series = await store.usageSeries({}, 'hour');
    expect(series.map((s) => [s.bucket, s.route, s.requests, s.deadlineRequests, s.deadlineHits])).toEqual([
      ['2026-11-01T10:00:00.000Z', 'flex_admitted', 1, 1, 1],
      ['2026-11-01T10:00:00.000Z', 'flex_timeout', 1, 1, 0],
      ['2026-11-01T11:00:00.000Z', 'direct', 1, 0, 0],
      ['2026-11-01T11:00:00.000Z', 'flex_admitted', 1, 0, 0],
    ]);
    const daily = await store.usageSeries({ since: '2026-11-01T11:00:00.000Z' }, 'day');
    expect(daily.map((s) => s.bucket)).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z']);
    const first = await store.pageUsage({ limit: 2 });
    expect(first.map((r) => r.requestId)).toEqual(['d', 'c']);
    const last = first.at(-1)!;
    const next = await store.pageUsage({ limit: 5, before: { createdAt: last.createdAt, requestId: last.requestId } });
    expect(next.map((r) => r.requestId)).toEqual(['b', 'a']);
    expect((await store.pageUsage({ limit: 5, keyId: 'k2' })).map((r) => r.requestId)).toEqual(['c']);
    const spend = await store.aggregateUsage({ keyId: 'k', until: '2026-11-01T11:00:00.000Z' });
    expect(spend.reduce((sum, a) => sum + a.spendUsd, 0)).toBe(3);
    await store.close();
  });
});
