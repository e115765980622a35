// The model catalog: which provider serves a model, whether it has a flex tier, and its prices.
// Data lives in models.json (editable, reloadable); this module only reads and indexes it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ProviderName, ServedTier } from '../canonical/types.js';

export interface TierPrice {
  /** USD per million tokens. */
  input: number;
  cached_input: number;
  output: number;
}

export interface CatalogModel {
  id: string;
  provider: ProviderName;
  flex_capable: boolean;
  pricing: { standard: TierPrice; flex?: TierPrice; priority?: TierPrice };
}

export interface ModelCatalog {
  readonly models: readonly CatalogModel[];
  get(model: string): CatalogModel | undefined;
}

export interface ReloadableCatalog extends ModelCatalog {
  /** Re-reads the file; on error the current catalog stays in use and the error is thrown. */
  reload(): void;
}

/** A catalog that can be re-read while serving (the CLI reloads it on SIGHUP). */
export function loadReloadableCatalog(path: string = DEFAULT_CATALOG_PATH): ReloadableCatalog {
  let current = loadCatalog(path);
  return {
    get models() {
      return current.models;
    },
    get: (model) => current.get(model),
    reload() {
      current = loadCatalog(path);
    },
  };
}

/** Provider by model name (docs/product.md §5): claude-* → Anthropic, gemini-* → Gemini, else OpenAI. */
export function providerForModel(model: string): ProviderName {
  if (model.startsWith('claude-')) return 'anthropic';
  if (model.startsWith('gemini-')) return 'gemini';
  return 'openai';
}

/** Works from src/catalog (tests) and dist/catalog (built): both sit two levels below the repo root. */
export const DEFAULT_CATALOG_PATH = fileURLToPath(new URL('../../src/catalog/models.json', import.meta.url));

export function loadCatalog(path: string = DEFAULT_CATALOG_PATH): ModelCatalog {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { models?: unknown };
  if (!Array.isArray(parsed.models)) throw new Error(`catalog ${path}: "models" must be an array`);
  const models = parsed.models.map((raw, i) => checkModel(raw, `${path} models[${i}]`));
  const byId = new Map(models.map((m) => [m.id, m]));
  return { models, get: (model) => byId.get(model) };
}

function checkModel(raw: unknown, where: string): CatalogModel {
  const m = raw as Partial<CatalogModel> | null;
  const ok =
    m !== null &&
    typeof m === 'object' &&
    typeof m.id === 'string' &&
    (m.provider === 'openai' || m.provider === 'gemini' || m.provider === 'anthropic') &&
    typeof m.flex_capable === 'boolean' &&
    typeof m.pricing?.standard?.input === 'number' &&
    (!m.flex_capable || typeof m.pricing.flex?.input === 'number');
  if (!ok) throw new Error(`${where}: needs id, provider, flex_capable and pricing.standard (and pricing.flex when flex_capable)`);
  return m as CatalogModel;
}

/** Price of one tier; priority falls back to twice standard when the catalog gives none. */
export function priceFor(model: CatalogModel, tier: ServedTier): TierPrice {
  const { standard, flex, priority } = model.pricing;
  if (tier === 'flex') return flex ?? standard;
  if (tier === 'priority') {
    return priority ?? { input: standard.input * 2, cached_input: standard.cached_input * 2, output: standard.output * 2 };
  }
  return standard;
}
