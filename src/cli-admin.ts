// The command line's management verbs: organizations, key settings, provider keys, the admin
// token. Each calls the same admin operations as the HTTP API (src/admin/).
import { parseArgs } from 'node:util';
import { ADMIN } from './admin/viewer.js';
import type { AdminOperations } from './admin/operations.js';
import { createAdminOperations } from './admin/operations.js';
import { rotateAdminToken } from './admin/token.js';
import { loadConfig } from './config.js';
import { resolveMasterKey } from './server/provider-keys.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';

export async function withAdmin<T>(fn: (ops: AdminOperations, store: Store) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore(config);
  try {
    return await fn(createAdminOperations({ store, masterKey: resolveMasterKey(config) }), store);
  } finally {
    await store.close();
  }
}

const out = (text: string): void => void process.stdout.write(text);

export const SETTINGS_OPTIONS = {
  'default-start-within': { type: 'string' },
  'allowed-models': { type: 'string' },
  rpm: { type: 'string' },
  budget: { type: 'string' },
} as const;

/** Flags → the settings patch the API takes; "none" removes a setting. */
export function settingsFromFlags(values: Partial<Record<keyof typeof SETTINGS_OPTIONS, string>>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const none = (v: string): boolean => v === 'none';
  const number = (v: string): number | string => (/^\s*[-+]?[\d.]+(e[-+]?\d+)?\s*$/i.test(v) ? Number(v) : v);
  if (values['default-start-within'] !== undefined) patch.default_start_within = none(values['default-start-within']) ? null : values['default-start-within'];
  if (values['allowed-models'] !== undefined) {
    patch.allowed_models = none(values['allowed-models']) ? null : values['allowed-models'].split(',').map((m) => m.trim()).filter(Boolean);
  }
  if (values.rpm !== undefined) patch.requests_per_minute = none(values.rpm) ? null : number(values.rpm);
  if (values.budget !== undefined) patch.monthly_budget_usd = none(values.budget) ? null : number(values.budget);
  return patch;
}

export function describeSettings(s: { default_start_within: string | null; allowed_models: string[] | null; requests_per_minute: number | null; monthly_budget_usd: number | null }): string {
  const parts = [
    s.default_start_within && `default_start_within=${s.default_start_within}`,
    s.allowed_models && `allowed_models=${s.allowed_models.join(',')}`,
    s.requests_per_minute !== null && `rpm=${s.requests_per_minute}`,
    s.monthly_budget_usd !== null && `budget=$${s.monthly_budget_usd}/month`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : 'no settings';
}

export function orgs(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
  return withAdmin(async (ops) => {
    switch (sub) {
      case 'list':
        for (const o of (await ops.listOrganizations(ADMIN)).data) out(`${o.id}  ${o.name}  created ${o.created_at}\n`);
        return 0;
      case 'create': {
        const o = await ops.createOrganization(ADMIN, { name: positionals[0] });
        out(`Created organization "${o.name}" (${o.id}).\n`);
        return 0;
      }
      case 'rename': {
        const [from, to] = positionals;
        if (!from || !to) throw new Error('orgs rename needs <org> <new name>');
        const o = await ops.renameOrganization(ADMIN, from, { name: to });
        out(`Renamed organization ${o.id} to "${o.name}".\n`);
        return 0;
      }
      case 'delete': {
        if (!positionals[0]) throw new Error('orgs delete needs <org> (name or id)');
        const gone = await ops.deleteOrganization(ADMIN, positionals[0]);
        out(`Deleted organization ${gone.id} with its API keys and provider keys (its usage rows are kept).\n`);
        return 0;
      }
      default:
        throw new Error(`orgs: unknown subcommand ${JSON.stringify(sub ?? '')}; use list, create, rename or delete`);
    }
  });
}

export function keySettings(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: SETTINGS_OPTIONS });
  const id = positionals[0];
  if (!id) throw new Error('keys settings needs a key id (from `flexinference keys list`)');
  const patch = settingsFromFlags(values);
  return withAdmin(async (ops) => {
    const key = Object.keys(patch).length > 0 ? await ops.updateKey(ADMIN, id, { settings: patch }) : (await ops.listKeys(ADMIN)).data.find((k) => k.id === id);
    if (!key) throw new Error(`no API key with id ${id}`);
    out(`${key.id}  ${describeSettings(key.settings)}\n`);
    return 0;
  });
}

export function providerKeysListOrDelete(sub: 'list' | 'delete', argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { org: { type: 'string' }, provider: { type: 'string' } } });
  return withAdmin(async (ops) => {
    if (sub === 'list') {
      const orgs = new Map((await ops.listOrganizations(ADMIN)).data.map((o) => [o.id, o.name]));
      for (const p of (await ops.listProviderKeys(ADMIN, values.org)).data) {
        out(`${orgs.get(p.organization_id) ?? p.organization_id}  ${p.provider}  …${p.last_four}  updated ${p.updated_at}\n`);
      }
      return 0;
    }
    if (!values.org || !values.provider) throw new Error('provider-keys delete needs --org <org> --provider openai|gemini|anthropic');
    await ops.deleteProviderKey(ADMIN, values.org, values.provider);
    out(`Deleted the ${values.provider} key of organization "${values.org}".\n`);
    return 0;
  });
}

export async function adminToken(argv: string[]): Promise<number> {
  if (argv[0] !== 'rotate') throw new Error('admin-token: the only subcommand is `rotate`');
  if (loadConfig().adminToken) throw new Error('FLEX_ADMIN_TOKEN is set: the admin token is that variable; change it there');
  const config = loadConfig();
  const store = await openStore(config);
  try {
    const token = await rotateAdminToken(store);
    out(`New admin token (shown only once; the previous one no longer works):\n${token}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
