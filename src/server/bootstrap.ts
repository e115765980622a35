// Builds the running gateway from a Config: store, catalog, providers (or the built-in emulator),
// surfaces, limits, ledger. Tests call it with overrides; `serve` calls it with the environment.
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pino from 'pino';
import type { Logger } from 'pino';
import { createAdminOperations } from '../admin/operations.js';
import { createAdminTokenCheck } from '../admin/token.js';
import { createUsageOperations } from '../admin/usage.js';
import type { ProviderName } from '../canonical/types.js';
import { loadReloadableCatalog } from '../catalog/catalog.js';
import type { ReloadableCatalog } from '../catalog/catalog.js';
import type { Config } from '../config.js';
import type { RunningEmulator } from '../emulator/index.js';
import { parseProfileName, startEmulator } from '../emulator/index.js';
import { createAnthropicProvider } from '../providers/anthropic/index.js';
import { createGeminiProvider } from '../providers/gemini/index.js';
import { createOpenAIProvider } from '../providers/openai/index.js';
import { createUpstreamTransport } from '../providers/upstream-stream.js';
import type { Provider } from '../providers/provider.js';
import { systemClock, type Clock } from '../clock.js';
import { createInProcessStats } from '../routing/stats.js';
import type { FlexStats } from '../routing/stats.js';
import type { RoutingPolicy } from '../routing/tier-plan.js';
import { withLookupCache } from '../store/cached.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { chatSurface } from '../surfaces/chat/index.js';
import { interactionsSurface } from '../surfaces/interactions/index.js';
import { messagesSurface } from '../surfaces/messages/index.js';
import { responsesSurface } from '../surfaces/responses/index.js';
import { JOURNAL_HEARTBEAT_MS, JOURNAL_STALE_MS, openJournal, replayJournals } from '../usage/journal.js';
import { Ledger } from '../usage/ledger.js';
import { loadTracing } from '../telemetry/tracing.js';
import { createSpendTracker } from '../usage/budget.js';
import type { AdminHandlers } from './admin-routes.js';
import { createAdminAuth } from './admin-auth.js';
import type { Gateway } from './app.js';
import { createGateway } from './app.js';
import { createAuthenticator } from './auth.js';
import type { Authenticator } from './auth.js';
import type { ClusterLink } from './cluster.js';
import { sharedLimiter, sharedStats } from './cluster.js';
import { createKeyLimits } from './key-limits.js';
import type { GatewayDeps } from './deps.js';
import { createClientAddressResolver } from './client-address.js';
import { createProviderKeyResolver, resolveMasterKey } from './provider-keys.js';
import { createLocalState } from '../shared-state/local.js';
import { createRedisState } from '../shared-state/redis.js';
import type { SharedState } from '../shared-state/shared-state.js';
import type { RateLimiter } from './rate-limit.js';
import { keepStatsSnapshots } from './stats-snapshots.js';

/** The key the built-in emulator accepts; never sent anywhere else. */
export const EMULATOR_API_KEY = 'emulator-local-key';

export interface StartOptions {
  config: Config;
  log?: Logger;
  store?: Store;
  clock?: Clock;
  random?: () => number;
  stats?: FlexStats;
  /** Flex race policy; benchmarks compare the others against the default `deadline-aware`. */
  policy?: RoutingPolicy;
  /** Replaces provider adapters (tests inject faulty or scripted providers). */
  providers?: Partial<Record<ProviderName, Provider>>;
  /** A `serve --workers N` worker's link to the others: statistics and limits are shared through it. */
  link?: ClusterLink;
}

export interface RunningGateway {
  url: string;
  catalog: ReloadableCatalog;
  gateway: Gateway;
  deps: GatewayDeps;
  emulator: RunningEmulator | undefined;
  /** Graceful stop: drain in-flight requests, close emulator and store. */
  stop(graceMs?: number): Promise<void>;
}

const PROVIDERS: readonly ProviderName[] = ['openai', 'gemini', 'anthropic'];

/**
 * Replays the journals of gateways that died. Journals that may still have a live writer get one
 * more look once they would be stale; the returned function cancels that.
 */
async function recoverLedgerJournals(dbPath: string, store: Store, log: Logger): Promise<() => void> {
  const replay = async (): Promise<number> => {
    const { replayed, waiting } = await replayJournals(dbPath, store, log);
    if (replayed > 0) log.warn({ rows: replayed }, 'recovered usage rows from the crash journal of an earlier process');
    return waiting;
  };
  if ((await replay()) === 0) return () => undefined;
  const timer = setTimeout(() => void replay(), JOURNAL_STALE_MS + JOURNAL_HEARTBEAT_MS);
  timer.unref();
  return () => clearTimeout(timer);
}

/**
 * Where the ledger's crash journals go: beside the SQLite file, or with Postgres in the same local
 * directory under the name `postgres-ledger-<id>.jsonl` (each instance keeps its own).
 */
function ledgerJournalBase(config: Config): string {
  if (config.databaseUrl === undefined) return config.dbPath;
  mkdirSync(dirname(config.dbPath), { recursive: true });
  return join(dirname(config.dbPath), 'postgres');
}

/** Keys revoked through this gateway are announced to the other instances. */
function withRevocationBroadcast(store: Store, shared: SharedState, log: Logger): Store {
  return {
    ...store,
    async revokeApiKey(idOrPrefix) {
      const revoked = await store.revokeApiKey(idOrPrefix);
      if (revoked > 0) await shared.announceRevocation().catch((err: unknown) => log.warn({ err: String(err) }, 'revocation not announced to other instances; they apply it within 2 s'));
      return revoked;
    },
  };
}

/** The admin API and the dashboard: operations over the store, and who may call them. */
function createAdminHandlers(options: {
  store: Store;
  config: Config;
  masterKey: Buffer;
  authenticator: Authenticator;
  authFailures: RateLimiter;
}): AdminHandlers {
  const { store, config, masterKey } = options;
  const operations = createAdminOperations({ store, masterKey });
  return {
    operations,
    usage: createUsageOperations({ store, resolveOrg: (viewer, ref) => operations.organization(viewer, ref) }),
    auth: createAdminAuth({
      store,
      token: createAdminTokenCheck(store, config.adminToken),
      authenticator: options.authenticator,
      authFailures: options.authFailures,
      // Derived from the master key, which every instance shares, so any instance accepts a session.
      sessionKey: createHmac('sha256', masterKey).update('flexinference-dashboard-session').digest(),
      clientAddress: createClientAddressResolver(config.trustedProxies),
      now: Date.now,
    }),
  };
}

export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const config = { ...options.config };
  const log = options.log ?? pino({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  // First: a bad OTEL_* setting stops the start before anything is opened.
  const tracing = await loadTracing(process.env);
  // A bad emulator profile stops the start before the store is opened or created.
  const emulatorProfile = parseProfileName(config.emulator.profile, 'FLEX_EMULATOR_PROFILE');
  // The store first: a database that cannot be reached ends the start before anything listens.
  const opened = options.store ?? (await openStore(config, { onError: (err) => log.warn({ err: err.message }, 'database connection lost; reconnecting') }));
  const emulated = PROVIDERS.filter((p) => config[p].emulated);
  let emulator: RunningEmulator | undefined;
  if (emulated.length > 0) {
    emulator = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      seed: config.emulator.seed,
      profile: emulatorProfile,
      timeScale: config.emulator.timeScale,
    });
  }
  // One transport (one connection pool, one set of timeouts) for every upstream.
  const transport = createUpstreamTransport({ timeouts: config.upstreamTimeouts });
  const createProvider = (p: ProviderName, baseUrl: string): Provider =>
    p === 'openai'
      ? createOpenAIProvider({ baseUrl, transport })
      : p === 'gemini'
        ? createGeminiProvider({ baseUrl, transport })
        : createAnthropicProvider({ baseUrl, transport });
  // Emulated providers still have their real endpoint: an organization that stores its own key
  // for one of them reaches the real provider, not the emulator.
  const emulatorProviders: Partial<Record<ProviderName, Provider>> = {};
  if (emulator) {
    for (const p of emulated) emulatorProviders[p] = createProvider(p, p === 'openai' ? `${emulator.url}/v1` : emulator.url);
  }
  // Key revocations made elsewhere (CLI, other instances) take effect within this many ms.
  const cached = withLookupCache(opened, { ttlMs: 2_000, now: () => performance.now() });
  const shared = config.redisUrl
    ? createRedisState({ url: config.redisUrl, prefix: config.redisPrefix, now: () => performance.now(), log })
    : createLocalState({ now: () => clock.now() });
  // A revocation reaches every instance at once (and, through the cache's TTL, without Redis too).
  shared.onRevocation(() => cached.forgetKeys());
  const store = withRevocationBroadcast(cached, shared, log);
  // First the journals (their closing rows are newer than what the store holds), then the rows
  // that are still open are what crashes cut off.
  const journalBase = ledgerJournalBase(config);
  const recovery = options.store ? undefined : await recoverLedgerJournals(journalBase, store, log);
  const interrupted = await store.closeInterruptedUsage();
  if (interrupted > 0) log.warn({ rows: interrupted }, 'closed usage rows left open by an earlier crash as interrupted');
  const catalog = loadReloadableCatalog(config.catalogPath);
  const masterKey = resolveMasterKey(config, log);
  // The crash journal lives next to the database this gateway opened (not an injected store).
  const journal = options.store ? undefined : openJournal(journalBase);
  // With Redis every worker shares through it; without, the workers of one `serve --workers`
  // share through their primary.
  const { link } = options;
  const share = <T>(value: T, wrap: (value: T, link: ClusterLink) => T): T => (link && shared.kind === 'local' ? wrap(value, link) : value);
  const authFailures = share(
    shared.createLimiter({ name: 'auth-failures', limit: config.authFailuresPerMinute, windowMs: 60_000, retryAfterSeconds: 60 }),
    (limiter, l) => sharedLimiter(limiter, 'auth-failures', l),
  );
  const authenticator = createAuthenticator(store, authFailures);
  const ledger = new Ledger(store, catalog, (err) => log.error({ err: String(err) }, 'usage ledger write failed; will retry'), journal);
  const spend = createSpendTracker({ store, now: Date.now, flushLedger: () => ledger.flush() });
  const unsubscribeSpend = ledger.onClosed((row) => spend.observe(row));
  const deps: GatewayDeps = {
    config,
    store,
    catalog,
    providers: {
      openai: createProvider('openai', config.openai.baseUrl),
      gemini: createProvider('gemini', config.gemini.baseUrl),
      anthropic: createProvider('anthropic', config.anthropic.baseUrl),
      ...options.providers,
    },
    emulatorProviders,
    providerKeys: createProviderKeyResolver(store, config, masterKey, EMULATOR_API_KEY),
    stats: share(shared.shareStats(options.stats ?? createInProcessStats({ now: () => clock.now() })), sharedStats),
    shared,
    clock,
    random: options.random ?? Math.random,
    policy: options.policy ?? 'deadline-aware',
    authenticator,
    orgLimiter: share(
      shared.createLimiter({ name: 'org', limit: config.orgRequestsPerSecond * 5, windowMs: 5_000, retryAfterSeconds: 5 }),
      (limiter, l) => sharedLimiter(limiter, 'organization', l),
    ),
    keyLimits: createKeyLimits({
      store,
      spend,
      clock: () => clock.now(),
      wallClock: Date.now,
      share: (limiter, name) => share(limiter, (l, lnk) => sharedLimiter(l, name, lnk)),
    }),
    admin: createAdminHandlers({ store, config, masterKey, authenticator, authFailures }),
    ledger,
    log,
    surfaces: [responsesSurface, chatSurface, messagesSurface, interactionsSurface],
    tracing,
    ...(link ? { link } : {}),
  };
  const snapshots = await keepStatsSnapshots({ stats: deps.stats, store, log, everyMs: config.statsSnapshotMs });
  // At an abrupt exit the rows not yet committed stay in the journal for the next start.
  const flushAtExit = (): void => deps.ledger.stop();
  process.on('exit', flushAtExit);
  const gateway = createGateway(deps);
  let url: string;
  try {
    url = await gateway.listen(config.port, config.host);
  } catch (err) {
    // Nothing else may keep the process alive when it cannot listen (e.g. EADDRINUSE).
    process.off('exit', flushAtExit);
    recovery?.();
    await snapshots.stop();
    await deps.ledger.close();
    await tracing?.shutdown();
    await transport.close();
    await emulator?.close();
    await shared.close();
    await store.close();
    throw err;
  }
  return {
    url,
    catalog,
    gateway,
    deps,
    emulator,
    async stop(graceMs = config.shutdownGraceMs) {
      recovery?.();
      await gateway.shutdown(graceMs);
      process.off('exit', flushAtExit);
      unsubscribeSpend();
      await snapshots.stop();
      await deps.ledger.close();
      // The last spans are sent before the process goes.
      await tracing?.shutdown().catch((err: unknown) => log.warn({ err: String(err) }, 'sending the last traces failed'));
      await transport.close();
      await emulator?.close();
      await shared.close();
      await store.close();
    },
  };
}
