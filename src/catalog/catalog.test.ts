import { describe, expect, it, onTestFinished } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CATALOG_PATH, loadCatalog, loadReloadableCatalog, priceFor, providerForModel } from './catalog.js';

describe('model catalog', () => {
  it('lists the launch flex-capable models with flex at half the standard price', () => {
    const catalog = loadCatalog();
    const launch = ['gpt-5.5', 'gpt-5.5-pro', 'gpt-5.4', 'gpt-5.4-mini', 'gpt-5.4-nano', 'gpt-5.4-pro', 'gpt-5.2', 'gpt-5.2-pro', 'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-5.1', 'o3', 'o4-mini',
      'gemini-3.5-flash', 'gemini-3.1-pro-preview', 'gemini-3.1-flash-lite', 'gemini-3-flash-preview', 'gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite'];
    for (const id of launch) {
      const m = catalog.get(id);
      expect(m?.flex_capable, id).toBe(true);
      expect(m!.provider).toBe(providerForModel(id));
      expect(priceFor(m!, 'flex').output).toBeCloseTo(m!.pricing.standard.output / 2, 10);
    }
    expect(catalog.models.filter((m) => m.provider === 'anthropic').every((m) => !m.flex_capable)).toBe(true);
  });

  it('reloads from its file, and keeps the old catalog when the new file is broken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexinf-cat-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'models.json');
    writeFileSync(path, readFileSync(DEFAULT_CATALOG_PATH));
    const catalog = loadReloadableCatalog(path);
    expect(catalog.get('my-model')).toBeUndefined();
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { models: unknown[] };
    doc.models.push({ id: 'my-model', provider: 'openai', flex_capable: false, pricing: { standard: { input: 1, cached_input: 0.1, output: 2 } } });
    writeFileSync(path, JSON.stringify(doc));
    catalog.reload();
    expect(catalog.get('my-model')?.provider).toBe('openai');
    writeFileSync(path, '{"models": [{"id": 1}]}');
    expect(() => catalog.reload()).toThrow(/needs id/);
    expect(catalog.get('my-model')).toBeDefined();
  });
});
