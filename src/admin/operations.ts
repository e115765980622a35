// The admin API's operations: one implementation that the HTTP routes, the CLI and the dashboard
// all call. Inputs are validated here; results are the API's JSON objects.
import type { ProviderName } from '../canonical/types.js';
import { FlexError } from '../errors/catalog.js';
import { displayPrefix, generateApiKey, hashApiKey } from '../store/api-keys.js';
import { seal, unseal } from '../store/secrets.js';
import type { ApiKeyRecord, OrganizationRecord, ProviderKeyRecord, Store } from '../store/store.js';
import { asObject, optionalName, requireName, invalid } from './input.js';
import type { KeySettingsView } from './settings.js';
import { isEmptySettings, patchSettings, settingsView } from './settings.js';
import type { Viewer } from './viewer.js';
import { requireAdmin } from './viewer.js';

export const PROVIDERS: readonly ProviderName[] = ['openai', 'gemini', 'anthropic'];

export interface OrganizationView {
  object: 'organization';
  id: string;
  name: string;
  created_at: string;
}

export interface ApiKeyView {
  object: 'api_key';
  id: string;
  organization_id: string;
  organization: string;
  name: string | null;
  prefix: string;
  status: 'active' | 'revoked';
  created_at: string;
  revoked_at: string | null;
  settings: KeySettingsView;
}

export interface ProviderKeyView {
  object: 'provider_key';
  organization_id: string;
  provider: ProviderName;
  /** The last four characters; the key itself is never returned. */
  last_four: string;
  updated_at: string;
}

export interface ListView<T> {
  object: 'list';
  data: T[];
}

const list = <T>(data: T[]): ListView<T> => ({ object: 'list', data });

const orgView = (o: OrganizationRecord): OrganizationView => ({ object: 'organization', id: o.id, name: o.name, created_at: o.createdAt });

function notFound(what: string, ref: string): FlexError {
  return new FlexError('not_found', { detail: `No ${what} ${JSON.stringify(ref.slice(0, 100))}.` });
}

export function parseProvider(value: unknown): ProviderName {
  const provider = PROVIDERS.find((p) => p === value);
  if (!provider) throw invalid('provider', `\`provider\` must be one of ${PROVIDERS.join(', ')}.`);
  return provider;
}

export interface AdminOperations {
  listOrganizations(viewer: Viewer): ListView<OrganizationView>;
  /** The organization by id or name, if the viewer may see it. */
  organization(viewer: Viewer, ref: string): OrganizationView;
  createOrganization(viewer: Viewer, input: unknown): OrganizationView;
  renameOrganization(viewer: Viewer, ref: string, input: unknown): OrganizationView;
  deleteOrganization(viewer: Viewer, ref: string): { object: 'organization.deleted'; id: string; deleted: true };
  listKeys(viewer: Viewer, orgRef?: string): ListView<ApiKeyView>;
  /** The key is in the answer this once (`key`); only its hash is stored. */
  createKey(viewer: Viewer, orgRef: string, input: unknown): ApiKeyView & { key: string };
  updateKey(viewer: Viewer, keyId: string, input: unknown): ApiKeyView;
  revokeKey(viewer: Viewer, keyId: string): ApiKeyView;
  listProviderKeys(viewer: Viewer, orgRef?: string): ListView<ProviderKeyView>;
  /** Sets or rotates (replaces) the organization's key for the provider. */
  setProviderKey(viewer: Viewer, orgRef: string, provider: string, input: unknown): ProviderKeyView;
  deleteProviderKey(viewer: Viewer, orgRef: string, provider: string): { object: 'provider_key.deleted'; provider: ProviderName; deleted: true };
}

export function createAdminOperations(deps: { store: Store; masterKey: Buffer }): AdminOperations {
  const { store, masterKey } = deps;

  const findOrg = (viewer: Viewer, ref: string): OrganizationRecord => {
    const orgs = store.listOrganizations();
    const org = orgs.find((o) => o.id === ref) ?? orgs.find((o) => o.name === ref);
    // Another organization's existence is not revealed to an organization key.
    if (!org || (viewer.role === 'organization' && org.id !== viewer.orgId)) throw notFound('organization', ref);
    return org;
  };
  /** The organization a listing is limited to: the viewer's own, or the one asked for, or all. */
  const scopeOf = (viewer: Viewer, orgRef: string | undefined): string | undefined => {
    if (orgRef) return findOrg(viewer, orgRef).id;
    return viewer.role === 'organization' ? viewer.orgId : undefined;
  };
  const keyView = (k: ApiKeyRecord): ApiKeyView => ({
    object: 'api_key',
    id: k.id,
    organization_id: k.orgId,
    organization: k.orgName,
    name: k.name,
    prefix: k.prefix,
    status: k.revokedAt ? 'revoked' : 'active',
    created_at: k.createdAt,
    revoked_at: k.revokedAt,
    settings: settingsView(store.getKeySettings(k.id)),
  });
  const findKey = (viewer: Viewer, keyId: string): ApiKeyRecord => {
    const key = store.listApiKeys(viewer.role === 'organization' ? viewer.orgId : undefined).find((k) => k.id === keyId);
    if (!key) throw notFound('API key', keyId);
    return key;
  };
  const providerKeyView = (p: ProviderKeyRecord): ProviderKeyView => {
    let lastFour = '????';
    try {
      const secret = unseal(p.sealed, masterKey);
      lastFour = secret.length >= 8 ? secret.slice(-4) : '****';
    } catch {
      // Sealed under another master key: still listed, so it can be rotated or deleted.
    }
    return { object: 'provider_key', organization_id: p.orgId, provider: p.provider, last_four: lastFour, updated_at: p.updatedAt };
  };
  const applySettings = (keyId: string, input: unknown): void => {
    const next = patchSettings(store.getKeySettings(keyId), input);
    store.setKeySettings(keyId, isEmptySettings(next) ? null : next);
  };

  return {
    listOrganizations: (viewer) =>
      list(store.listOrganizations().filter((o) => viewer.role === 'admin' || o.id === viewer.orgId).map(orgView)),
    organization: (viewer, ref) => orgView(findOrg(viewer, ref)),
    createOrganization(viewer, input) {
      requireAdmin(viewer);
      const name = requireName(asObject(input).name, 'name');
      if (store.findOrganization(name)) throw new FlexError('conflict', { param: 'name', detail: `An organization named ${JSON.stringify(name)} exists.` });
      const org = store.ensureOrganization(name);
      return orgView(findOrg(viewer, org.id));
    },
    renameOrganization(viewer, ref, input) {
      requireAdmin(viewer);
      const org = findOrg(viewer, ref);
      const name = requireName(asObject(input).name, 'name');
      const other = store.findOrganization(name);
      if (other && other.id !== org.id) throw new FlexError('conflict', { param: 'name', detail: `An organization named ${JSON.stringify(name)} exists.` });
      store.renameOrganization(org.id, name);
      return orgView({ ...org, name });
    },
    deleteOrganization(viewer, ref) {
      requireAdmin(viewer);
      const org = findOrg(viewer, ref);
      store.deleteOrganization(org.id);
      return { object: 'organization.deleted', id: org.id, deleted: true };
    },
    listKeys: (viewer, orgRef) => list(store.listApiKeys(scopeOf(viewer, orgRef)).map(keyView)),
    createKey(viewer, orgRef, input) {
      requireAdmin(viewer);
      const org = findOrg(viewer, orgRef);
      const body = asObject(input);
      const name = optionalName(body.name, 'name');
      const key = generateApiKey();
      const record = store.insertApiKey({ orgId: org.id, name, prefix: displayPrefix(key), hash: hashApiKey(key) });
      if (body.settings !== undefined && body.settings !== null) {
        try {
          applySettings(record.id, body.settings);
        } catch (err) {
          store.revokeApiKey(record.id); // a key with settings it was refused must not stay usable
          throw err;
        }
      }
      return { ...keyView(record), key };
    },
    updateKey(viewer, keyId, input) {
      requireAdmin(viewer);
      const key = findKey(viewer, keyId);
      const body = asObject(input);
      const unknown = Object.keys(body).find((k) => k !== 'settings');
      if (unknown !== undefined) throw invalid(unknown, `\`${unknown}\` cannot be changed; send {"settings": {…}}.`);
      if (body.settings === null) store.setKeySettings(key.id, null);
      else if (body.settings !== undefined) applySettings(key.id, body.settings);
      return keyView(key);
    },
    revokeKey(viewer, keyId) {
      requireAdmin(viewer);
      const key = findKey(viewer, keyId);
      if (!key.revokedAt) store.revokeApiKey(key.id);
      return keyView(findKey(viewer, keyId));
    },
    listProviderKeys: (viewer, orgRef) => list(store.listProviderKeys(scopeOf(viewer, orgRef)).map(providerKeyView)),
    setProviderKey(viewer, orgRef, providerName, input) {
      requireAdmin(viewer);
      const org = findOrg(viewer, orgRef);
      const provider = parseProvider(providerName);
      const secret = asObject(input).key;
      if (typeof secret !== 'string' || secret.trim().length < 8 || secret.length > 4096) {
        throw invalid('key', '`key` must be the provider\'s API key as a string (8 to 4096 characters).');
      }
      store.setProviderKey(org.id, provider, seal(secret.trim(), masterKey));
      const stored = store.listProviderKeys(org.id).find((p) => p.provider === provider);
      if (!stored) throw new Error('stored provider key not found');
      return providerKeyView(stored);
    },
    deleteProviderKey(viewer, orgRef, providerName) {
      requireAdmin(viewer);
      const org = findOrg(viewer, orgRef);
      const provider = parseProvider(providerName);
      if (!store.deleteProviderKey(org.id, provider)) throw notFound(`${provider} key for organization`, org.name);
      return { object: 'provider_key.deleted', provider, deleted: true };
    },
  };
}
