// The store contract: every Store implementation (SQLite, Postgres) passes these same tests.
import { expect, it } from 'vitest';
import { displayPrefix, generateApiKey, hashApiKey } from '../api-keys.js';
import type { Store, UsageRow } from '../store.js';

export interface StoreUnderTest {
  /** Opens the store on the same database each time (a second call is a restart or another instance). */
  open(): Promise<Store>;
}

export function usageRow(requestId: string, overrides: Partial<UsageRow> = {}): UsageRow {
  return {
    requestId, orgId: 'org_a', keyId: 'key_a', surface: 'responses', provider: 'openai', model: 'gpt-5-mini',
    startWithin: '00h-00m-30s', servedTier: 'flex', route: 'flex_admitted', status: 'completed', errorCode: null,
    admissionMs: 700.5, firstByteMs: 710, durationMs: 900, inputTokens: 1000, cachedTokens: 100, outputTokens: 500,
    reasoningTokens: 20, costUsd: 0.001, standardCostUsd: 0.002, savingUsd: 0.001, createdAt: '2026-11-26T12:00:00.000Z',
    warnings: [], ...overrides,
  };
}

export function storeContract(subject: StoreUnderTest): void {
  const withStore = async (fn: (store: Store) => Promise<void>): Promise<void> => {
    const store = await subject.open();
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  };

  it('kept items: found per organization until they expire, in the order asked; a later keep replaces', () =>
    withStore(async (store) => {
      await store.keepItems('org_a', [{ id: 'rs_1', json: '{"v":1}' }, { id: 'rs_2', json: '{"v":2}' }], 2_000, 1_000);
      await store.keepItems('org_b', [{ id: 'rs_1', json: '{"other":true}' }], 2_000, 1_000);
      expect(await store.findItems('org_a', ['rs_2', 'rs_1', 'rs_9'], 1_500)).toEqual([
        { id: 'rs_2', json: '{"v":2}' },
        { id: 'rs_1', json: '{"v":1}' },
      ]);
      expect(await store.findItems('org_b', ['rs_1'], 1_500)).toEqual([{ id: 'rs_1', json: '{"other":true}' }]);
      await store.keepItems('org_a', [{ id: 'rs_1', json: '{"v":3}' }], 5_000, 1_500);
      expect(await store.findItems('org_a', ['rs_1'], 2_500)).toEqual([{ id: 'rs_1', json: '{"v":3}' }]);
      expect(await store.findItems('org_a', ['rs_2'], 2_500)).toEqual([]);
    }));

  it('organizations: ensure is idempotent, find by name', () =>
    withStore(async (store) => {
      const org = await store.ensureOrganization('acme');
      expect(org.name).toBe('acme');
      expect(await store.ensureOrganization('acme')).toEqual(org);
      expect(await store.findOrganization('acme')).toEqual(org);
      expect(await store.findOrganization('nobody')).toBeUndefined();
      const [a, b] = await Promise.all([store.ensureOrganization('same'), store.ensureOrganization('same')]);
      expect(a).toEqual(b);
    }));

  it('api keys: only the hash is stored; found by hash, listed in creation order, revoked by prefix or id', () =>
    withStore(async (store) => {
      const acme = await store.ensureOrganization('acme');
      const other = await store.ensureOrganization('other');
      const keys = [generateApiKey(), generateApiKey(), generateApiKey()];
      const records = [];
      for (const [i, key] of keys.entries()) {
        const orgId = i < 2 ? acme.id : other.id;
        records.push(await store.insertApiKey({ orgId, name: i === 0 ? null : `k${i}`, prefix: displayPrefix(key), hash: hashApiKey(key) }));
      }
      expect(records[0]).toMatchObject({ orgId: acme.id, orgName: 'acme', name: null, revokedAt: null, hash: hashApiKey(keys[0]!) });
      expect(Date.parse(records[0]!.createdAt)).not.toBeNaN();
      expect(await store.findApiKeyByHash(hashApiKey(keys[1]!))).toEqual(records[1]);
      expect(await store.findApiKeyByHash(hashApiKey(generateApiKey()))).toBeUndefined();
      const all = await store.listApiKeys();
      expect(all.map((k) => k.id)).toEqual(records.map((r) => r.id));
      expect(JSON.stringify(all)).not.toContain(keys[0]);
      expect((await store.listApiKeys(other.id)).map((k) => k.id)).toEqual([records[2]!.id]);
      expect(await store.countApiKeys()).toBe(3);
      expect(await store.revokeApiKey(records[0]!.prefix)).toBe(1);
      expect(await store.revokeApiKey(records[0]!.prefix)).toBe(0); // already revoked
      expect(await store.revokeApiKey(records[1]!.id)).toBe(1);
      expect(await store.revokeApiKey('key_nothing')).toBe(0);
      const revoked = await store.findApiKeyByHash(hashApiKey(keys[0]!));
      expect(Date.parse(revoked!.revokedAt!)).not.toBeNaN();
      expect((await store.findApiKeyByHash(hashApiKey(keys[2]!)))?.revokedAt).toBeNull();
    }));

  it('api keys: a prefix shared by two active keys revokes neither', () =>
    withStore(async (store) => {
      const org = await store.ensureOrganization('acme');
      const a = await store.insertApiKey({ orgId: org.id, name: 'a', prefix: 'flex_live_shared', hash: hashApiKey(generateApiKey()) });
      await store.insertApiKey({ orgId: org.id, name: 'b', prefix: 'flex_live_shared', hash: hashApiKey(generateApiKey()) });
      await expect(store.revokeApiKey('flex_live_shared')).rejects.toThrow(/matches 2 active keys/);
      expect(await store.revokeApiKey(a.id)).toBe(1);
      expect(await store.revokeApiKey('flex_live_shared')).toBe(1);
    }));

  it('provider keys: set, replace, read per organization and provider', () =>
    withStore(async (store) => {
      const org = await store.ensureOrganization('acme');
      expect(await store.getProviderKey(org.id, 'openai')).toBeUndefined();
      await store.setProviderKey(org.id, 'openai', 'sealed-1');
      await store.setProviderKey(org.id, 'openai', 'sealed-2');
      await store.setProviderKey(org.id, 'gemini', 'sealed-g');
      expect(await store.getProviderKey(org.id, 'openai')).toBe('sealed-2');
      expect(await store.getProviderKey(org.id, 'gemini')).toBe('sealed-g');
      expect(await store.getProviderKey(org.id, 'anthropic')).toBeUndefined();
    }));

  it('usage: rows are inserted and replaced by request id, exactly as written; filtered by time and organization', () =>
    withStore(async (store) => {
      const first = usageRow('r1', { status: 'in_progress', servedTier: null, route: 'pending', admissionMs: null, firstByteMs: null, durationMs: null });
      await store.upsertUsage([first, usageRow('r2', { orgId: 'org_b', createdAt: '2026-11-27T00:00:00.000Z' })]);
      expect(await store.queryUsage({})).toEqual([first, usageRow('r2', { orgId: 'org_b', createdAt: '2026-11-27T00:00:00.000Z' })]);
      const closed = usageRow('r1');
      await store.upsertUsage([closed]);
      expect((await store.queryUsage({ orgId: 'org_a' }))).toEqual([closed]);
      expect((await store.queryUsage({ since: '2026-11-26T18:00:00.000Z' })).map((r) => r.requestId)).toEqual(['r2']);
    }));

  it('usage: a row keeps its warnings, in order, through writes, pages and recovery', () =>
    withStore(async (store) => {
      const warnings: UsageRow['warnings'] = [
        { code: 'sampling_dropped', field: 'temperature', message: 'gpt-5-mini supports only the default temperature; temperature was not sent.' },
        { code: 'translated', field: 'messages.0.content.1', message: 'The document title/context were dropped; "quoted" text.' },
      ];
      await store.upsertUsage([usageRow('w', { warnings }), usageRow('none')]);
      await store.recoverUsage([usageRow('open', { status: 'interrupted', warnings })]);
      const rows = new Map((await store.queryUsage({})).map((r) => [r.requestId, r.warnings]));
      expect([rows.get('w'), rows.get('none'), rows.get('open')]).toEqual([warnings, [], warnings]);
      expect((await store.pageUsage({ limit: 10 })).find((r) => r.requestId === 'w')?.warnings).toEqual(warnings);
    }));

  it('usage: one group commit of thousands of rows (the last version of a request wins)', () =>
    withStore(async (store) => {
      const rows = Array.from({ length: 2_500 }, (_, i) => usageRow(`bulk${String(i).padStart(5, '0')}`, { outputTokens: i }));
      await store.upsertUsage([...rows, usageRow('bulk00000', { outputTokens: 99_999 })]);
      const stored = await store.queryUsage({});
      expect(stored).toHaveLength(2_500);
      expect(stored.find((r) => r.requestId === 'bulk00000')?.outputTokens).toBe(99_999);
    }));

  it('usage: aggregates by model and route, computed by the store', () =>
    withStore(async (store) => {
      await store.upsertUsage([
        usageRow('a'),
        usageRow('b', { servedTier: 'standard', route: 'flex_timeout', costUsd: 0.002, savingUsd: 0 }),
        usageRow('c', { model: 'gemini-2.5-flash', provider: 'gemini' }),
        usageRow('d', { orgId: 'org_b' }),
      ]);
      const byOrg = await store.aggregateUsage({ orgId: 'org_a' });
      expect(byOrg.map((a) => [a.model, a.route, a.requests, a.flexServed])).toEqual([
        ['gemini-2.5-flash', 'flex_admitted', 1, 1],
        ['gpt-5-mini', 'flex_admitted', 1, 1],
        ['gpt-5-mini', 'flex_timeout', 1, 0],
      ]);
      const total = (await store.aggregateUsage({})).reduce((sum, a) => sum + a.spendUsd, 0);
      expect(total).toBeCloseTo(0.005, 12);
      expect(await store.aggregateUsage({ since: '2030-01-01T00:00:00.000Z' })).toEqual([]);
    }));

  it('usage recovery never replaces a closed row, but completes an open or interrupted one', () =>
    withStore(async (store) => {
      await store.upsertUsage([usageRow('closed', { outputTokens: 9 }), usageRow('open', { status: 'in_progress' })]);
      await store.recoverUsage([usageRow('closed', { status: 'interrupted', outputTokens: 0 }), usageRow('open', { outputTokens: 4 }), usageRow('new', { status: 'interrupted' })]);
      const rows = new Map((await store.queryUsage({})).map((r) => [r.requestId, r]));
      expect([rows.get('closed')?.status, rows.get('closed')?.outputTokens]).toEqual(['completed', 9]);
      expect([rows.get('open')?.status, rows.get('open')?.outputTokens]).toEqual(['completed', 4]);
      expect(rows.get('new')?.status).toBe('interrupted');
    }));

  it('rows left open by a gateway that stopped are closed as interrupted by the next one; the data survives', async () => {
    const before = await subject.open();
    const org = await before.ensureOrganization('acme');
    await before.upsertUsage([usageRow('cut', { status: 'in_progress' }), usageRow('done')]);
    await before.close();
    await withStore(async (after) => {
      expect(await after.findOrganization('acme')).toEqual(org);
      expect(await after.closeInterruptedUsage()).toBe(1);
      const rows = await after.queryUsage({});
      expect(rows.map((r) => [r.requestId, r.status, r.errorCode])).toEqual([['cut', 'interrupted', 'interrupted'], ['done', 'completed', null]]);
    });
  });

  // Operator data: settings, provider keys, organizations, metadata, series and pages.
  const row = (over: Partial<UsageRow>): UsageRow => ({
    requestId: 'r', orgId: 'o', keyId: 'k', surface: 'responses', provider: 'openai', model: 'gpt-5-mini',
    startWithin: '00h-00m-10s', servedTier: 'flex', route: 'flex_admitted', status: 'completed', errorCode: null,
    admissionMs: 500, firstByteMs: 900, durationMs: 1000, inputTokens: 10, cachedTokens: 0, outputTokens: 5,
    reasoningTokens: 0, costUsd: 1, standardCostUsd: 2, savingUsd: 1, createdAt: '2026-11-01T10:15:00.000Z', warnings: [], ...over,
  });

  it('key settings, provider key listing, organization rename and delete with its keys', async () => {
    const store = await subject.open();
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
    const store = await subject.open();
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
}
