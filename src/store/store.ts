// The storage interface: organizations, API keys, provider keys, usage. SQLite by default.
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
  ensureOrganization(name: string): Organization;
  findOrganization(name: string): Organization | undefined;
  insertApiKey(input: { orgId: string; name: string | null; prefix: string; hash: string }): ApiKeyRecord;
  findApiKeyByHash(hash: string): ApiKeyRecord | undefined;
  listApiKeys(orgId?: string): ApiKeyRecord[];
  /** Revokes by id or by prefix; returns how many keys were revoked. */
  revokeApiKey(idOrPrefix: string): number;
  countApiKeys(): number;
  setProviderKey(orgId: string, provider: ProviderName, sealed: string): void;
  getProviderKey(orgId: string, provider: ProviderName): string | undefined;
  /** Writes ledger rows (insert or replace by request id) in one transaction. */
  upsertUsage(rows: readonly UsageRow[]): void;
  /** Writes recovered ledger rows, except over rows their ledger already closed. */
  recoverUsage(rows: readonly UsageRow[]): void;
  queryUsage(query: UsageQuery): UsageRow[];
  /** Totals grouped by model and route, computed by the store (no row-by-row transfer). */
  aggregateUsage(query: UsageQuery): UsageAggregate[];
  /** Keeps an organization's output items until `expiresAt` (ms since the epoch); drops expired ones. */
  keepItems(orgId: string, items: readonly KeptItem[], expiresAt: number, now: number): void;
  /** The organization's unexpired kept items among `ids`. */
  findItems(orgId: string, ids: readonly string[], now: number): KeptItem[];
  /** Rows left in_progress by a crash are closed as interrupted at startup. */
  closeInterruptedUsage(): number;
  close(): void;
}
