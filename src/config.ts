// Environment (and CLI flags) → one typed config object.
import { isIP } from 'node:net';
import { resolve } from 'node:path';

export interface ProviderEndpoint {
  baseUrl: string;
  /** Deployment-wide key; organization keys take precedence. */
  apiKey: string | undefined;
  /** True when neither a key nor a base URL was configured: the built-in emulator serves it. */
  emulated: boolean;
}

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dbPath: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Prefix of every Redis key and channel (deployments, or test runs, sharing one Redis). */
  redisPrefix: string;
  masterKey: string | undefined;
  /** FLEX_ADMIN_TOKEN; without it a token is generated at first start and printed once. */
  adminToken: string | undefined;
  catalogPath: string | undefined;
  openai: ProviderEndpoint;
  gemini: ProviderEndpoint;
  anthropic: ProviderEndpoint;
  /** The built-in emulator's settings; the profile name is checked by the emulator when it starts. */
  emulator: { profile: string; seed: number; timeScale: number };
  maxBodyBytes: number;
  shutdownGraceMs: number;
  /** On SIGTERM, keep serving this long with /readyz at 503 before closing the listener. */
  shutdownDrainMs: number;
  /** Requests per organization per second (token bucket), 0 = unlimited. */
  orgRequestsPerSecond: number;
  /** Failed authentications per client address per minute before 429. */
  authFailuresPerMinute: number;
  /** How often the learned flex statistics are saved to the store (0 = never). */
  statsSnapshotMs: number;
  /**
   * Addresses and CIDRs of the proxies in front of the gateway (FLEX_TRUST_PROXY): the client is
   * the right-most X-Forwarded-For hop that is not one of them. Empty: X-Forwarded-For is ignored.
   */
  trustedProxies: readonly string[];
  /** A silent upstream fails its attempt: no headers within `headersMs`, no event for `idleMs`. */
  upstreamTimeouts: { headersMs: number; idleMs: number };
  /** SSE comment sent to a started stream after this long without a byte (upstream pauses). */
  streamHeartbeatMs: number;
  /** Caller connections: idle bound (fresh and keep-alive), header and whole-request deadlines, per-address cap. */
  clientConnections: {
    idleTimeoutMs: number;
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    maxPerAddress: number;
  };
  logLevel: string;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
  return n;
}

/** `1`/`true` trusts loopback and private networks; otherwise a list of addresses, CIDRs and those names. */
const PROXY_PRESETS: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', 'fc00::/7', 'fe80::/10'],
};

function trustedProxies(env: Env): string[] {
  const raw = (env.FLEX_TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === '0' || raw === 'false') return [];
  if (raw === '1' || raw === 'true') return [...(PROXY_PRESETS.loopback ?? []), ...(PROXY_PRESETS.private ?? [])];
  return raw.split(',').flatMap((item) => {
    const entry = item.trim();
    const preset = Object.hasOwn(PROXY_PRESETS, entry) ? PROXY_PRESETS[entry] : undefined;
    if (preset) return preset;
    if (!isAddressOrCidr(entry)) {
      throw new Error(
        `FLEX_TRUST_PROXY must be 1, or a comma-separated list of proxy addresses, CIDRs, "loopback" or "private"; ${JSON.stringify(entry)} is none of those (example: FLEX_TRUST_PROXY=10.0.0.0/8,loopback)`,
      );
    }
    return [entry];
  });
}

function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

function clientConnections(env: Env): Config['clientConnections'] {
  const limits = {
    // Above the idle timeouts of common load balancers (60 s), so they never reuse a closed connection.
    idleTimeoutMs: int(env, 'FLEX_CLIENT_IDLE_TIMEOUT_MS', 65_000),
    headersTimeoutMs: int(env, 'FLEX_CLIENT_HEADERS_TIMEOUT_MS', 20_000),
    requestTimeoutMs: int(env, 'FLEX_CLIENT_REQUEST_TIMEOUT_MS', 60_000),
    maxPerAddress: int(env, 'FLEX_MAX_CONNECTIONS_PER_ADDRESS', 1_000),
  };
  if (limits.headersTimeoutMs === 0 || limits.requestTimeoutMs < limits.headersTimeoutMs) {
    throw new Error(
      `FLEX_CLIENT_HEADERS_TIMEOUT_MS must be above 0 and at most FLEX_CLIENT_REQUEST_TIMEOUT_MS (got ${limits.headersTimeoutMs} and ${limits.requestTimeoutMs})`,
    );
  }
  return limits;
}

/** A base URL the gateway cannot call fails at start, naming its variable, not at the first request. */
function checkBaseUrl(name: string, value: string, example: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new Error(`${name} must be an http:// or https:// URL without query or fragment, got ${JSON.stringify(value)} (example: ${name}=${example})`);
  }
}

function endpoint(env: Env, prefix: string, defaultBase: string): ProviderEndpoint {
  const apiKey = env[`${prefix}_API_KEY`] || undefined;
  const base = env[`${prefix}_BASE_URL`] || undefined;
  if (base !== undefined) checkBaseUrl(`${prefix}_BASE_URL`, base, defaultBase);
  return { baseUrl: (base ?? defaultBase).replace(/\/+$/, ''), apiKey, emulated: !apiKey && !base };
}

export function loadConfig(env: Env = process.env, flags: Partial<Record<'port' | 'host', string>> = {}): Config {
  const port = flags.port !== undefined ? Number(flags.port) : int(env, 'PORT', 8080);
  const host = flags.host ?? env.HOST ?? '127.0.0.1';
  const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    port,
    host,
    publicUrl: (env.FLEX_PUBLIC_URL ?? `http://${publicHost}:${port}`).replace(/\/+$/, ''),
    dbPath: resolve(env.FLEX_DB ?? './data/flexinference.db'),
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.FLEX_REDIS_PREFIX || 'flexinference:',
    masterKey: env.FLEX_MASTER_KEY || undefined,
    adminToken: env.FLEX_ADMIN_TOKEN || undefined,
    catalogPath: env.FLEX_CATALOG || undefined,
    openai: endpoint(env, 'OPENAI', 'https://api.openai.com/v1'),
    gemini: endpoint(env, 'GEMINI', 'https://generativelanguage.googleapis.com'),
    anthropic: endpoint(env, 'ANTHROPIC', 'https://api.anthropic.com'),
    emulator: {
      profile: env.FLEX_EMULATOR_PROFILE || 'calm',
      seed: int(env, 'FLEX_EMULATOR_SEED', 1),
      timeScale: int(env, 'FLEX_EMULATOR_TIME_SCALE', 1),
    },
    maxBodyBytes: 1_000_000,
    shutdownGraceMs: int(env, 'FLEX_SHUTDOWN_GRACE_MS', 30_000),
    shutdownDrainMs: int(env, 'FLEX_SHUTDOWN_DRAIN_MS', 0),
    statsSnapshotMs: int(env, 'FLEX_STATS_SNAPSHOT_MS', 30_000),
    orgRequestsPerSecond: int(env, 'FLEX_ORG_RPS', 2_000),
    authFailuresPerMinute: int(env, 'FLEX_AUTH_FAILURES_PER_MINUTE', 30),
    trustedProxies: trustedProxies(env),
    upstreamTimeouts: {
      headersMs: int(env, 'FLEX_UPSTREAM_HEADERS_TIMEOUT_MS', 60_000),
      idleMs: int(env, 'FLEX_UPSTREAM_IDLE_TIMEOUT_MS', 120_000),
    },
    streamHeartbeatMs: int(env, 'FLEX_STREAM_HEARTBEAT_MS', 15_000),
    clientConnections: clientConnections(env),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
