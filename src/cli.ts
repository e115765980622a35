// The `flexinference` command line: serve | orgs | keys | provider-keys | admin-token | emulator | usage | bench.
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ADMIN } from './admin/viewer.js';
import { ADMIN_TOKEN_META, ensureAdminToken } from './admin/token.js';
import type { ProviderName } from './canonical/types.js';
import { SETTINGS_OPTIONS, adminToken, describeSettings, keySettings, orgs, providerKeysListOrDelete, settingsFromFlags, withAdmin } from './cli-admin.js';
import type { Config } from './config.js';
import { loadConfig } from './config.js';
import { runEmulatorCli } from './emulator/index.js';
import { startGateway } from './server/bootstrap.js';
import { joinCluster, runPrimary } from './server/cluster.js';
import { resolveMasterKey } from './server/provider-keys.js';
import { createKey, displayPrefix, hashApiKey, isWellFormedApiKey } from './store/api-keys.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';
import { summarizeUsage } from './usage/summary.js';

const USAGE = `Usage: flexinference <command>

  serve [--port N] [--host H] [--workers N]
                                         start the gateway (PORT, HOST, FLEX_DB, provider keys from env);
                                         --workers N (FLEX_WORKERS) runs N processes on one port
  orgs list | create <name> | rename <org> <new name> | delete <org>
                                         manage organizations (delete removes their keys and provider keys)
  keys create --org <org> [--name <n>] [settings]
                                         create an API key; prints it once, alone on the last line
  keys list [--org <org>]                list keys (prefix, name, status, settings)
  keys settings <key-id> [settings]      show or change a key's settings
        settings: --default-start-within <value|none> --allowed-models <m1,m2|none> --rpm <n|none> --budget <usd|none>
  keys revoke <key-id | prefix | key>    revoke a key
  provider-keys set --org <org> --provider openai|gemini|anthropic [--key K]
                                         store (or rotate) an organization's provider key (sealed); reads stdin without --key
  provider-keys list [--org <org>]       list provider keys by their last four characters
  provider-keys delete --org <org> --provider openai|gemini|anthropic
  admin-token rotate                     print a new admin token (when FLEX_ADMIN_TOKEN is not set)
  emulator [--port N] [--seed S] [--profile calm|slow-flex|congested|outage|flapping|instant] [--time-scale X]
                                         run the standalone provider emulator
  usage [--since <ISO date>] [--org <org>] print the usage summary
  migrate [--from-sqlite <file>]         apply the Postgres schema migrations (DATABASE_URL); with
                                         --from-sqlite, then copy that SQLite deployment's keys and ledger in
  bench overhead [--rps N] [--seconds S] [--quick]
                                         gateway overhead vs direct-to-emulator
  bench streams [--open N] [--workers W] [--sources K]
                                         gateway memory per open stream (N held open at once)
  bench flex [--profile P]… [--requests N] [--factor X] [--seeds S,S,…] [--misses] [--windows=false]
                                         flex economics per capacity profile and policy
`;

function workerCount(raw: string | undefined): number {
  const n = Number(raw ?? 1);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`--workers (FLEX_WORKERS) must be a whole number from 1 to 256 (got ${JSON.stringify(raw)})`);
  return n;
}

/** `serve --workers N`, primary side: the first key once, then the workers (each a full gateway). */
/** At first start without FLEX_ADMIN_TOKEN: generates the admin token and prints it, once. */
async function announceAdminToken(store: Store, config: Config): Promise<void> {
  const token = await ensureAdminToken(store, config.adminToken);
  if (token === undefined) return;
  process.stdout.write(`  Admin token for the admin API and the dashboard (shown only once, store it now; or set FLEX_ADMIN_TOKEN):\n\n    ${token}\n\n`);
}

async function servePrimary(config: Config, workers: number): Promise<number> {
  const log = pino({ level: config.logLevel });
  resolveMasterKey(config, log); // created once here, not raced by the workers
  const key = await withStore(async (store) => ((await store.countApiKeys()) === 0 ? createKey(store, 'default', 'first key') : undefined));
  if (key !== undefined) {
    process.stdout.write(`\n  First start: created organization "default" and this API key (shown only once, store it now):\n\n    ${key}\n\n`);
  }
  await withStore((store) => announceAdminToken(store, config));
  const emulated = (['openai', 'gemini', 'anthropic'] as const).filter((p) => config[p].emulated);
  if (emulated.length > 0) {
    process.stdout.write(
      `\n  *** No provider key set for ${emulated.join(', ')}: those requests go to the BUILT-IN EMULATOR (one per worker),\n` +
        `  *** not to the real provider. Set OPENAI_API_KEY / GEMINI_API_KEY / ANTHROPIC_API_KEY to use real providers.\n\n`,
    );
  }
  return runPrimary({
    workers,
    log,
    onListening(url) {
      process.stdout.write(`  FlexInference listening on ${url}  (OpenAI SDK baseURL: ${url}/v1), ${workers} worker processes\n\n`);
      log.info({ url, workers }, 'listening');
    },
  });
}

async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, host: { type: 'string' }, workers: { type: 'string' } } });
  const flags: { port?: string; host?: string } = {};
  if (values.port !== undefined) flags.port = values.port;
  if (values.host !== undefined) flags.host = values.host;
  const config = loadConfig(process.env, flags);
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65_535) {
    throw new Error(`the port must be a whole number from 0 to 65535 (got ${JSON.stringify(values.port ?? process.env.PORT)})`);
  }
  const workers = workerCount(values.workers ?? (process.env.FLEX_WORKERS || undefined));
  if (workers > 1 && cluster.isPrimary) return servePrimary(config, workers);
  // A worker is quiet: the primary announces the deployment once.
  const link = joinCluster();
  const say = (text: string): void => {
    if (!link) process.stdout.write(text);
  };
  const running = await startGateway({ config, ...(link ? { link } : {}) }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`port ${config.port} on ${config.host} is already in use; choose another with PORT=<n> or --port <n>`);
    }
    throw err;
  });
  const { store, log } = running.deps;
  // Signal handlers first: a supervisor may send SIGTERM as soon as it reads the announcement.
  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return; // SIGINT from a terminal reaches a worker directly and through the primary
      stopping = true;
      process.off('SIGHUP', reloadCatalog);
      log.info({ signal }, 'shutting down: finishing in-flight requests');
      running.stop().then(resolve, (err: unknown) => {
        log.error({ err: String(err) }, 'shutdown failed');
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  const reloadCatalog = (): void => {
    try {
      running.catalog.reload();
      log.info({ models: running.catalog.models.length }, 'model catalog reloaded');
    } catch (err) {
      log.error({ err: String(err) }, 'model catalog reload failed; keeping the previous catalog');
    }
  };
  process.on('SIGHUP', reloadCatalog);
  if ((await store.countApiKeys()) === 0) {
    const key = await createKey(store, 'default', 'first key');
    process.stdout.write(
      `\n  First start: created organization "default" and this API key (shown only once, store it now):\n\n    ${key}\n\n`,
    );
  }
  await announceAdminToken(store, config);
  const { describeDatabaseUrl } = await import('./store/postgres/index.js');
  if (config.databaseUrl !== undefined) {
    say(`  Storage: PostgreSQL at ${describeDatabaseUrl(config.databaseUrl)} (keys, organizations, usage shared by every instance)\n`);
  }
  if (config.redisUrl !== undefined) {
    say(`  Shared state: Redis at ${describeDatabaseUrl(config.redisUrl)} (rate limits, revocations, flex statistics)\n`);
  }
  const emulated = (['openai', 'gemini', 'anthropic'] as const).filter((p) => running.deps.config[p].emulated);
  if (emulated.length > 0) {
    say(
      `\n  *** No provider key set for ${emulated.join(', ')}: those requests go to the BUILT-IN EMULATOR (${running.emulator?.url ?? ''}),\n` +
        `  *** not to the real provider. Set OPENAI_API_KEY / GEMINI_API_KEY / ANTHROPIC_API_KEY to use real providers.\n\n`,
    );
  }
  // A wildcard bind is reachable on loopback; show an address a browser or SDK can use.
  const shown = running.url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//127.0.0.1:');
  say(`  FlexInference listening on ${shown}  (OpenAI SDK baseURL: ${shown}/v1)\n\n`);
  log.info({ url: running.url, emulated }, 'listening');
  link?.listening(shown);
  await stopped;
  link?.leave();
  return 0;
}

async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(loadConfig());
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function keys(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'settings') return keySettings(rest);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { org: { type: 'string' }, name: { type: 'string' }, ...SETTINGS_OPTIONS },
  });
  switch (sub) {
    case 'create': {
      if (!values.org) throw new Error('keys create needs --org <org>');
      const org = values.org;
      const settings = settingsFromFlags(values);
      const created = await withAdmin(async (ops, store) => {
        await store.ensureOrganization(org);
        return ops.createKey(ADMIN, org, { name: values.name ?? null, ...(Object.keys(settings).length > 0 ? { settings } : {}) });
      });
      process.stdout.write(`Created key ${created.id} for organization "${org}" (${describeSettings(created.settings)}). It is shown only once:\n${created.key}\n`);
      return 0;
    }
    case 'list':
      return withAdmin(async (ops) => {
        for (const k of (await ops.listKeys(ADMIN, values.org)).data) {
          const status = k.revoked_at ? `revoked ${k.revoked_at}` : 'active';
          process.stdout.write(
            `${k.id}  ${k.prefix}…  org=${k.organization}  name=${k.name ?? '-'}  ${status}  created ${k.created_at}  ${describeSettings(k.settings)}\n`,
          );
        }
        return 0;
      });
    case 'revoke': {
      const given = positionals[0];
      if (!given) throw new Error('keys revoke needs a key id, the prefix shown by `keys list`, or the full key');
      const n = await withStore(async (store) => {
        // A full key is looked up by its hash; ids and prefixes as they are.
        const target = isWellFormedApiKey(given) ? (await store.findApiKeyByHash(hashApiKey(given)))?.id : given;
        return target === undefined ? 0 : store.revokeApiKey(target);
      });
      const { redisUrl, redisPrefix } = loadConfig();
      // Running instances refuse the key at once; without Redis, within their 2 s key cache.
      if (n > 0 && redisUrl !== undefined) await (await import('./shared-state/redis.js')).publishRevocation(redisUrl, redisPrefix);
      process.stdout.write(
        n > 0 ? `Revoked ${n} key(s).\n` : `No active key matches ${displayPrefix(given)}…; use a key id or prefix from \`flexinference keys list\`.\n`,
      );
      return n > 0 ? 0 : 1;
    }
    default:
      process.stderr.write(`flexinference keys: unknown subcommand ${JSON.stringify(sub ?? '')}\n\n${USAGE}`);
      return 2;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

async function providerKeys(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list' || sub === 'delete') return providerKeysListOrDelete(sub, rest);
  const { values } = parseArgs({
    args: rest,
    options: { org: { type: 'string' }, provider: { type: 'string' }, key: { type: 'string' } },
  });
  const provider = values.provider as ProviderName | undefined;
  const problem =
    sub !== 'set'
      ? `unknown subcommand ${JSON.stringify(sub ?? '')}`
      : !values.org
        ? 'missing --org <org>'
        : !provider || !['openai', 'gemini', 'anthropic'].includes(provider)
          ? `--provider must be openai, gemini or anthropic (got ${JSON.stringify(values.provider ?? '')})`
          : undefined;
  if (problem || !values.org || !provider) {
    process.stderr.write(`flexinference provider-keys: ${problem ?? 'bad arguments'}\n\n${USAGE}`);
    return 2;
  }
  const secret = values.key ?? (await readStdin());
  if (!secret) throw new Error('no provider key given (use --key or pipe it on stdin)');
  const org = values.org;
  const stored = await withAdmin(async (ops, store) => {
    await store.ensureOrganization(org);
    return ops.setProviderKey(ADMIN, org, provider, { key: secret });
  });
  process.stdout.write(`Stored the ${provider} key …${stored.last_four} for organization "${org}" (encrypted at rest).\n`);
  return 0;
}

async function usage(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { since: { type: 'string' }, org: { type: 'string' } } });
  return withStore(async (store) => {
    const orgId = values.org ? (await store.findOrganization(values.org))?.id : undefined;
    if (values.org && !orgId) throw new Error(`no organization named ${values.org}`);
    if (values.since !== undefined && Number.isNaN(Date.parse(values.since))) {
      throw new Error(`--since must be an ISO 8601 date such as 2026-11-01 (got ${JSON.stringify(values.since)})`);
    }
    const since = values.since ? new Date(values.since).toISOString() : undefined;
    const summary = summarizeUsage(await store.aggregateUsage({ ...(orgId ? { orgId } : {}), ...(since ? { since } : {}) }));
    const line = (label: string, g: typeof summary.total): string =>
      `${label.padEnd(34)} ${String(g.requests).padStart(8)} ${(g.flexShare * 100).toFixed(1).padStart(7)}% ` +
      `${g.spendUsd.toFixed(4).padStart(12)} ${g.savingUsd.toFixed(4).padStart(12)}\n`;
    process.stdout.write(`${'group'.padEnd(34)} ${'requests'.padStart(8)} ${'flex'.padStart(8)} ${'spend $'.padStart(12)} ${'saving $'.padStart(12)}\n`);
    process.stdout.write(line('total', summary.total));
    for (const [model, g] of Object.entries(summary.byModel)) process.stdout.write(line(`model ${model}`, g));
    for (const [route, g] of Object.entries(summary.byRoute)) process.stdout.write(line(`route ${route}`, g));
    return 0;
  });
}

async function migrateCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'from-sqlite': { type: 'string' } } });
  const config = loadConfig();
  if (config.databaseUrl === undefined) throw new Error('migrate works on Postgres: set DATABASE_URL=postgres://…');
  if (config.masterKey === undefined) throw new Error('DATABASE_URL is set but FLEX_MASTER_KEY is not: set the master key every instance will share');
  const { importSqliteDatabase, migrateDatabase } = await import('./store/postgres/index.js');
  const target = { url: config.databaseUrl };
  const from = values['from-sqlite'];
  if (from === undefined) {
    const { applied, current } = await migrateDatabase(target);
    process.stdout.write(
      applied.length > 0 ? `Applied migrations ${applied.join(', ')}; the schema is at version ${current}.\n` : `Nothing to apply; the schema is at version ${current}.\n`,
    );
    return 0;
  }
  const sqlitePath = resolve(from);
  if (!existsSync(sqlitePath)) throw new Error(`--from-sqlite: no such file ${sqlitePath}`);
  // The SQLite deployment sealed provider keys with its master.key file, or with FLEX_MASTER_KEY.
  const fromMasterKey = resolveMasterKey({ ...config, masterKey: existsSync(join(dirname(sqlitePath), 'master.key')) ? undefined : config.masterKey, dbPath: sqlitePath });
  // The generated admin token goes along, so the operator's token (and the dashboard) keep working.
  const { migrated, imported } = await importSqliteDatabase(target, {
    sqlitePath,
    fromMasterKey,
    toMasterKey: resolveMasterKey(config),
    metaNames: [ADMIN_TOKEN_META],
  });
  const adminToken = imported.meta.includes(ADMIN_TOKEN_META) ? ' and the admin token' : '';
  process.stdout.write(
    `Schema at version ${migrated.current}. Copied from ${sqlitePath}: ${imported.organizations} organization(s), ${imported.apiKeys} API key(s), ` +
      `${imported.keySettings} key setting(s), ${imported.providerKeys} provider key(s), ${imported.usageRows} usage row(s)${adminToken} ` +
      `(already present ones kept).\n`,
  );
  return 0;
}

async function bench(argv: string[]): Promise<number> {
  const [which, ...rest] = argv;
  if (which === 'overhead') return (await import('./bench/overhead.js')).runOverheadBench(rest);
  if (which === 'flex') return (await import('./bench/flex.js')).runFlexBench(rest);
  if (which === 'streams') return (await import('./bench/streams.js')).runStreamsBench(rest);
  process.stderr.write(USAGE);
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'orgs':
      return orgs(rest);
    case 'keys':
      return keys(rest);
    case 'admin-token':
      return adminToken(rest);
    case 'provider-keys':
      return providerKeys(rest);
    case 'emulator':
      return runEmulatorCli(rest);
    case 'usage':
      return usage(rest);
    case 'bench':
      return bench(rest);
    case 'migrate':
      return migrateCommand(rest);
    default: {
      const help = command === undefined || command === 'help' || command === '--help';
      if (!help) process.stderr.write(`flexinference: unknown command ${JSON.stringify(command)}\n\n`);
      process.stdout.write(USAGE);
      return help ? 0 : 2;
    }
  }
}
