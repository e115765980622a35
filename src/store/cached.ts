// A short-lived in-process cache in front of the store for the lookups every request makes
// (API key by hash, the key's settings, organization provider key). Changes made through this process apply at once;
// changes made elsewhere (the CLI, another instance) apply within `ttlMs`.
import type { ProviderName } from '../canonical/types.js';
import type { ApiKeyRecord, KeySettings, Store } from './store.js';

interface Entry<T> {
  value: T;
  until: number;
}

class TtlCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly maxEntries = 50_000,
  ) {}
  get(key: string, load: () => T): T {
    const hit = this.entries.get(key);
    const now = this.now();
    if (hit && hit.until > now) return hit.value;
    const value = load();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, until: now + this.ttlMs });
    return value;
  }
  clear(): void {
    this.entries.clear();
  }
}

export function withLookupCache(store: Store, options: { ttlMs: number; now: () => number }): Store {
  const keys = new TtlCache<ApiKeyRecord | undefined>(options.ttlMs, options.now);
  const providerKeys = new TtlCache<string | undefined>(options.ttlMs, options.now);
  const settings = new TtlCache<KeySettings | undefined>(options.ttlMs, options.now);
  return {
    ...store,
    findApiKeyByHash: (hash) => keys.get(hash, () => store.findApiKeyByHash(hash)),
    getKeySettings: (keyId) => settings.get(keyId, () => store.getKeySettings(keyId)),
    getProviderKey: (orgId: string, provider: ProviderName) =>
      providerKeys.get(`${orgId}\u0000${provider}`, () => store.getProviderKey(orgId, provider)),
    revokeApiKey(idOrPrefix) {
      keys.clear();
      return store.revokeApiKey(idOrPrefix);
    },
    setKeySettings(keyId, value) {
      settings.clear();
      store.setKeySettings(keyId, value);
    },
    setProviderKey(orgId, provider, sealed) {
      providerKeys.clear();
      store.setProviderKey(orgId, provider, sealed);
    },
    deleteProviderKey(orgId, provider) {
      providerKeys.clear();
      return store.deleteProviderKey(orgId, provider);
    },
    deleteOrganization(id) {
      keys.clear();
      settings.clear();
      providerKeys.clear();
      return store.deleteOrganization(id);
    },
  };
}
