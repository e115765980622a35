// The storage interface: organizations, API keys, provider keys, usage. SQLite by default
// (sqlite.ts), Postgres when DATABASE_URL is set (postgres/). Every call is asynchronous so both
// implementations fit; SQLite answers at once.
import type { ProviderName } from '../canonical/types.js';

export interface Organization {
  id: string;
  name: string;
}

export interface ApiKeyRecord {
  id: string;
  orgId: string;
  orgName: string;
  name: string | null;
  /** First characters of the key, for recognising it in listings. */
  prefix: string;
  hash: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface UsageRow {
  requestId: string;
  orgId: string;
  keyId: string;
  surface: string;
  provider: ProviderName;
  model: string;
  startWithin: string;
  servedTier: string | null;
  route: string;
  /** completed | failed | disconnected | in_progress */
  status: string;
  errorCode: string | null;
  admissionMs: number | null;
  firstByteMs: number | null;
  durationMs: number | null;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: number;
  standardCostUsd: number;
  savingUsd: number;
  createdAt: string;
}

/** Ledger totals for one (model, route) pair. */
export interface UsageAggregate {
  model: string;
  route: string;
  requests: number;
  flexServed: number;
  spendUsd: number;
  standardSpendUsd: number;
  savingUsd: number;
}

export interface UsageQuery {
  since?: string;
  orgId?: string;
}

/** An output item kept so a later Responses `item_reference` can name it (canonical JSON). */
export interface KeptItem {
  id: string;
  json: string;
}

export interface Store {
  ensureOrganization(name: string): Promise<Organization>;
  findOrganization(name: string): Promise<Organization | undefined>;
  insertApiKey(input: { orgId: string; name: string | null; prefix: string; hash: string }): Promise<ApiKeyRecord>;
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(orgId?: string): Promise<ApiKeyRecord[]>;
  /** Revokes by id or by prefix; returns how many keys were revoked. */
  revokeApiKey(idOrPrefix: string): Promise<number>;
  countApiKeys(): Promise<number>;
  setProviderKey(orgId: string, provider: ProviderName, sealed: string): Promise<void>;
  getProviderKey(orgId: string, provider: ProviderName): Promise<string | undefined>;
  /** Writes ledger rows (insert or replace by request id) in one transaction. */
  upsertUsage(rows: readonly UsageRow[]): Promise<void>;
  /** Writes recovered ledger rows, except over rows their ledger already closed. */
  recoverUsage(rows: readonly UsageRow[]): Promise<void>;
  queryUsage(query: UsageQuery): Promise<UsageRow[]>;
  /** Totals grouped by model and route, computed by the store (no row-by-row transfer). */
  aggregateUsage(query: UsageQuery): Promise<UsageAggregate[]>;
  /** Keeps an organization's output items until `expiresAt` (ms since the epoch); drops expired ones. */
  keepItems(orgId: string, items: readonly KeptItem[], expiresAt: number, now: number): Promise<void>;
  /** The organization's unexpired kept items among `ids`. */
  findItems(orgId: string, ids: readonly string[], now: number): Promise<KeptItem[]>;
  /** Rows left in_progress by a crash are closed as interrupted at startup. */
  closeInterruptedUsage(): Promise<number>;
  close(): Promise<void>;
}
