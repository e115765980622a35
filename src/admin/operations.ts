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
  listOrganizations(viewer: Viewer): Promise<ListView<OrganizationView>>;
  /** The organization by id or name, if the viewer may see it. */
  organization(viewer: Viewer, ref: string): Promise<OrganizationView>;
  createOrganization(viewer: Viewer, input: unknown): Promise<OrganizationView>;
  renameOrganization(viewer: Viewer, ref: string, input: unknown): Promise<OrganizationView>;
  deleteOrganization(viewer: Viewer, ref: string): Promise<{ object: 'organization.deleted'; id: string; deleted: true }>;
  listKeys(viewer: Viewer, orgRef?: string): Promise<ListView<ApiKeyView>>;
  /** The key is in the answer this once (`key`); only its hash is stored. */
  createKey(viewer: Viewer, orgRef: string, input: unknown): Promise<ApiKeyView & { key: string }>;
  updateKey(viewer: Viewer, keyId: string, input: unknown): Promise<ApiKeyView>;
  revokeKey(viewer: Viewer, keyId: string): Promise<ApiKeyView>;
  listProviderKeys(viewer: Viewer, orgRef?: string): Promise<ListView<ProviderKeyView>>;
  /** Sets or rotates (replaces) the organization's key for the provider. */
  setProviderKey(viewer: Viewer, orgRef: string, provider: string, input: unknown): Promise<ProviderKeyView>;
  deleteProviderKey(viewer: Viewer, orgRef: string, provider: string): Promise<{ object: 'provider_key.deleted'; provider: ProviderName; deleted: true }>;
}

export function createAdminOperations(deps: { store: Store; masterKey: Buffer }): AdminOperations {
  const { store, masterKey } = deps;

  const findOrg = async (viewer: Viewer, ref: string): Promise<OrganizationRecord> => {
    const orgs = await store.listOrganizations();
    const org = orgs.find((o) => o.id === ref) ?? orgs.find((o) => o.name === ref);
    // Another organization's existence is not revealed to an organization key.
    if (!org || (viewer.role === 'organization' && org.id !== viewer.orgId)) throw notFound('organization', ref);
    return org;
  };
  /** The organization a listing is limited to: the viewer's own, or the one asked for, or all. */
  const scopeOf = async (viewer: Viewer, orgRef: string | undefined): Promise<string | undefined> => {
    if (orgRef) return (await findOrg(viewer, orgRef)).id;
    return viewer.role === 'organization' ? viewer.orgId : undefined;
  };
  const keyView = async (k: ApiKeyRecord): Promise<ApiKeyView> => ({
    object: 'api_key',
    id: k.id,
    organization_id: k.orgId,
    organization: k.orgName,
    name: k.name,
    prefix: k.prefix,
    status: k.revokedAt ? 'revoked' : 'active',
    created_at: k.createdAt,
    revoked_at: k.revokedAt,
    settings: settingsView(await store.getKeySettings(k.id)),
  });
  const findKey = async (viewer: Viewer, keyId: string): Promise<ApiKeyRecord> => {
    const keys = await store.listApiKeys(viewer.role === 'organization' ? viewer.orgId : undefined);
    const key = keys.find((k) => k.id === keyId);
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
  const applySettings = async (keyId: string, input: unknown): Promise<void> => {
    const next = patchSettings(await store.getKeySettings(keyId), input);
    await store.setKeySettings(keyId, isEmptySettings(next) ? null : next);
  };
  const conflictIfTaken = async (name: string, except?: string): Promise<void> => {
    const other = await store.findOrganization(name);
    if (other && other.id !== except) throw new FlexError('conflict', { param: 'name', detail: `An organization named ${JSON.stringify(name)} exists.` });
  };

  return {
    listOrganizations: async (viewer) =>
      list((await store.listOrganizations()).filter((o) => viewer.role === 'admin' || o.id === viewer.orgId).map(orgView)),
    organization: async (viewer, ref) => orgView(await findOrg(viewer, ref)),
    async createOrganization(viewer, input) {
      requireAdmin(viewer);
      const name = requireName(asObject(input).name, 'name');
      await conflictIfTaken(name);
      const org = await store.ensureOrganization(name);
      return orgView(await findOrg(viewer, org.id));
    },
    async renameOrganization(viewer, ref, input) {
      requireAdmin(viewer);
      const org = await findOrg(viewer, ref);
      const name = requireName(asObject(input).name, 'name');
      await conflictIfTaken(name, org.id);
      await store.renameOrganization(org.id, name);
      return orgView({ ...org, name });
    },
    async deleteOrganization(viewer, ref) {
      requireAdmin(viewer);
      const org = await findOrg(viewer, ref);
      await store.deleteOrganization(org.id);
      return { object: 'organization.deleted', id: org.id, deleted: true };
    },
    listKeys: async (viewer, orgRef) => list(await Promise.all((await store.listApiKeys(await scopeOf(viewer, orgRef))).map(keyView))),
    async createKey(viewer, orgRef, input) {
      requireAdmin(viewer);
      const org = await findOrg(viewer, orgRef);
      const body = asObject(input);
      const name = optionalName(body.name, 'name');
      // Settings are checked before the key exists, so a refused request leaves nothing behind.
      const settings = body.settings === undefined || body.settings === null ? undefined : patchSettings(undefined, body.settings);
      const key = generateApiKey();
      const record = await store.insertApiKey({ orgId: org.id, name, prefix: displayPrefix(key), hash: hashApiKey(key) });
      if (settings && !isEmptySettings(settings)) await store.setKeySettings(record.id, settings);
      return { ...(await keyView(record)), key };
    },
    async updateKey(viewer, keyId, input) {
      requireAdmin(viewer);
      const key = await findKey(viewer, keyId);
      const body = asObject(input);
      const unknown = Object.keys(body).find((k) => k !== 'settings');
      if (unknown !== undefined) throw invalid(unknown, `\`${unknown}\` cannot be changed; send {"settings": {…}}.`);
      if (body.settings === null) await store.setKeySettings(key.id, null);
      else if (body.settings !== undefined) await applySettings(key.id, body.settings);
      return keyView(key);
    },
    async revokeKey(viewer, keyId) {
      requireAdmin(viewer);
      const key = await findKey(viewer, keyId);
      if (!key.revokedAt) await store.revokeApiKey(key.id);
      return keyView(await findKey(viewer, keyId));
    },
    listProviderKeys: async (viewer, orgRef) => list((await store.listProviderKeys(await scopeOf(viewer, orgRef))).map(providerKeyView)),
    async setProviderKey(viewer, orgRef, providerName, input) {
      requireAdmin(viewer);
      const org = await findOrg(viewer, orgRef);
      const provider = parseProvider(providerName);
      const secret = asObject(input).key;
      if (typeof secret !== 'string' || secret.trim().length < 8 || secret.length > 4096) {
        throw invalid('key', '`key` must be the provider\'s API key as a string (8 to 4096 characters).');
      }
      await store.setProviderKey(org.id, provider, seal(secret.trim(), masterKey));
      const stored = (await store.listProviderKeys(org.id)).find((p) => p.provider === provider);
      if (!stored) throw new Error('stored provider key not found');
      return providerKeyView(stored);
    },
    async deleteProviderKey(viewer, orgRef, providerName) {
      requireAdmin(viewer);
      const org = await findOrg(viewer, orgRef);
      const provider = parseProvider(providerName);
      if (!(await store.deleteProviderKey(org.id, provider))) throw notFound(`${provider} key for organization`, org.name);
      return { object: 'provider_key.deleted', provider, deleted: true };
    },
  };
}
