// A short-lived in-process cache in front of the store for the lookups every request makes
// (API key by hash, the key's settings, organization provider key). Changes made through this process apply at once;
// changes made elsewhere (the CLI, another instance) apply within `ttlMs`, or at once when a
// revocation broadcast reaches `forgetKeys()`. When the store cannot answer (a database gone
// away), an entry already seen keeps serving: keys already seen keep working.
import type { ProviderName } from '../canonical/types.js';
import type { ApiKeyRecord, KeySettings, Store } from './store.js';

interface Entry<T> {
  value: Promise<T>;
  until: number;
  /** The last value the store gave: served when a refresh fails. */
  settled?: T;
}

class TtlCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly maxEntries = 50_000,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    const now = this.now();
    if (hit && hit.until > now) return hit.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    // Concurrent misses share one load.
    const entry = { until: now + this.ttlMs, ...(hit && 'settled' in hit ? { settled: hit.settled } : {}) } as Entry<T>;
    entry.value = load().then(
      (value) => {
        entry.settled = value;
        return value;
      },
      (err: unknown) => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
        if ('settled' in entry) {
          // Try the store again on the next call, serving what was seen meanwhile.
          const stale = entry.settled;
          this.entries.set(key, { value: Promise.resolve(stale), until: this.now() + Math.min(this.ttlMs, 1_000), settled: stale });
          return stale;
        }
        throw err;
      },
    );
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Forces the next lookup of every entry to ask the store (stale values stay as fallbacks). */
  expire(): void {
    for (const entry of this.entries.values()) entry.until = 0;
  }
}

export interface CachedStore extends Store {
  /** A key was revoked elsewhere: look every key up again on its next use. */
  forgetKeys(): void;
}

export function withLookupCache(store: Store, options: { ttlMs: number; now: () => number }): CachedStore {
  const keys = new TtlCache<ApiKeyRecord | undefined>(options.ttlMs, options.now);
  const providerKeys = new TtlCache<string | undefined>(options.ttlMs, options.now);
  const settings = new TtlCache<KeySettings | undefined>(options.ttlMs, options.now);
  return {
    ...store,
    findApiKeyByHash: (hash) => keys.get(hash, () => store.findApiKeyByHash(hash)),
    getKeySettings: (keyId) => settings.get(keyId, () => store.getKeySettings(keyId)),
    getProviderKey: (orgId: string, provider: ProviderName) =>
      providerKeys.get(`${orgId}\u0000${provider}`, () => store.getProviderKey(orgId, provider)),
    async revokeApiKey(idOrPrefix) {
      const n = await store.revokeApiKey(idOrPrefix);
      keys.expire();
      return n;
    },
    async setKeySettings(keyId, value) {
      await store.setKeySettings(keyId, value);
      settings.expire();
    },
    async setProviderKey(orgId, provider, sealed) {
      await store.setProviderKey(orgId, provider, sealed);
      providerKeys.expire();
    },
    async deleteProviderKey(orgId, provider) {
      const deleted = await store.deleteProviderKey(orgId, provider);
      providerKeys.expire();
      return deleted;
    },
    async deleteOrganization(id) {
      const deleted = await store.deleteOrganization(id);
      keys.expire();
      settings.expire();
      providerKeys.expire();
      return deleted;
    },
    forgetKeys: () => keys.expire(),
  };
}
