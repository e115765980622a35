// Environment (and CLI flags) → one typed config object.
import { resolve } from 'node:path';
import { PROFILE_NAMES } from './emulator/capacity.js';
import type { CapacityProfileName } from './emulator/types.js';

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
  emulator: { profile: CapacityProfileName; seed: number; timeScale: number };
  maxBodyBytes: number;
  shutdownGraceMs: number;
  /** On SIGTERM, keep serving this long with /readyz at 503 before closing the listener. */
  shutdownDrainMs: number;
  /** Requests per organization per second (token bucket), 0 = unlimited. */
  orgRequestsPerSecond: number;
  /** Failed authentications per client address per minute before 429. */
  authFailuresPerMinute: number;
  /** Behind a load balancer: take the client address from the first X-Forwarded-For hop. */
  trustProxy: boolean;
  /** How often the learned flex statistics are saved to the store (0 = never). */
  statsSnapshotMs: number;
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

function emulatorProfile(env: Env): CapacityProfileName {
  const raw = env.FLEX_EMULATOR_PROFILE || 'calm';
  const profile = PROFILE_NAMES.find((p) => p === raw);
  if (!profile) throw new Error(`FLEX_EMULATOR_PROFILE must be one of ${PROFILE_NAMES.join(', ')}, got ${JSON.stringify(raw)}`);
  return profile;
}

function endpoint(env: Env, prefix: string, defaultBase: string): ProviderEndpoint {
  const apiKey = env[`${prefix}_API_KEY`] || undefined;
  const base = env[`${prefix}_BASE_URL`] || undefined;
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
      profile: emulatorProfile(env),
      seed: int(env, 'FLEX_EMULATOR_SEED', 1),
      timeScale: int(env, 'FLEX_EMULATOR_TIME_SCALE', 1),
    },
    maxBodyBytes: 1_000_000,
    shutdownGraceMs: int(env, 'FLEX_SHUTDOWN_GRACE_MS', 30_000),
    shutdownDrainMs: int(env, 'FLEX_SHUTDOWN_DRAIN_MS', 0),
    statsSnapshotMs: int(env, 'FLEX_STATS_SNAPSHOT_MS', 30_000),
    orgRequestsPerSecond: int(env, 'FLEX_ORG_RPS', 2_000),
    authFailuresPerMinute: int(env, 'FLEX_AUTH_FAILURES_PER_MINUTE', 30),
    trustProxy: env.FLEX_TRUST_PROXY === '1' || env.FLEX_TRUST_PROXY === 'true',
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
