// Everything the server shell needs, built once at startup and passed down (injected in tests).
import type { Logger } from 'pino';
import type { ProviderName } from '../canonical/types.js';
import type { ModelCatalog } from '../catalog/catalog.js';
import type { Config } from '../config.js';
import type { Provider } from '../providers/provider.js';
import type { Clock } from '../clock.js';
import type { FlexStats } from '../routing/stats.js';
import type { RoutingPolicy } from '../routing/tier-plan.js';
import type { SharedState } from '../shared-state/shared-state.js';
import type { Store } from '../store/store.js';
import type { Tracing } from '../telemetry/tracing.js';
import type { Surface } from '../surfaces/surface.js';
import type { Ledger } from '../usage/ledger.js';
import type { AdminHandlers } from './admin-routes.js';
import type { Authenticator } from './auth.js';
import type { ClusterLink } from './cluster.js';
import type { KeyLimits } from './key-limits.js';
import type { RateLimiter } from './rate-limit.js';

export interface ResolvedProviderKey {
  apiKey: string;
  /** True when no real key exists and the built-in emulator serves this provider. */
  emulated: boolean;
}

export interface ProviderKeyResolver {
  /**
   * The organization's key, else the deployment-wide key, else the emulator's when the provider is
   * emulated; undefined when there is none.
   */
  resolve(orgId: string, provider: ProviderName): Promise<ResolvedProviderKey | undefined>;
}

export interface GatewayDeps {
  config: Config;
  store: Store;
  catalog: ModelCatalog;
  /** Adapters for the configured (real) endpoints. */
  providers: Record<ProviderName, Provider>;
  /** Adapters pointed at the built-in emulator, for providers with no key configured. */
  emulatorProviders: Partial<Record<ProviderName, Provider>>;
  providerKeys: ProviderKeyResolver;
  stats: FlexStats;
  /** What instances share (rate limits, revocations, statistics): local or Redis. */
  shared: SharedState;
  clock: Clock;
  random: () => number;
  policy: RoutingPolicy;
  authenticator: Authenticator;
  orgLimiter: RateLimiter;
  /** Per-key settings: rate, budget (checked with auth), allowed models and default start_within. */
  keyLimits: KeyLimits;
  /** The admin API's operations and authentication (also behind the dashboard). */
  admin: AdminHandlers;
  ledger: Ledger;
  log: Logger;
  surfaces: readonly Surface[];
  /** OpenTelemetry tracing, when an OTLP endpoint is configured. */
  tracing: Tracing | undefined;
  /** Set in a `serve --workers N` worker: what the workers share through the primary. */
  link?: ClusterLink;
}
