// The storage interface: organizations, API keys, provider keys, usage. SQLite by default
// (sqlite.ts), Postgres when DATABASE_URL is set (postgres/). Every call is asynchronous so both
// implementations fit; SQLite answers at once.
import type { ProviderName, Route, ServedTier, SurfaceName, Warning } from '../canonical/types.js';

export interface Organization {
  id: string;
  name: string;
}

export interface OrganizationRecord extends Organization {
  createdAt: string;
}

/** Optional per-key settings set by the operator; a key without them behaves as if all were null. */
export interface KeySettings {
  /** Used when a request carries no `start_within` (neither body field nor header). */
  defaultStartWithin: string | null;
  /** The only models this key may call; null = any model. */
  allowedModels: string[] | null;
  /** Requests per minute for this key, on top of the organization's rate; null = no own limit. */
  requestsPerMinute: number | null;
  /** Spend allowed per calendar month (UTC) in USD, counted from the ledger; null = no budget. */
  monthlyBudgetUsd: number | null;
}

export interface ProviderKeyRecord {
  orgId: string;
  provider: ProviderName;
  sealed: string;
  updatedAt: string;
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

/** A ledger row's route: the request's, or `pending` while it has not been decided. */
export type UsageRoute = Route | 'pending';

/**
 * Where a ledger row stands: `in_progress` while its request runs; `interrupted` when the gateway
 * that ran it stopped before closing it (recorded at the next start).
 */
export type UsageStatus = 'in_progress' | 'completed' | 'failed' | 'disconnected' | 'interrupted';

export interface UsageRow {
  requestId: string;
  orgId: string;
  keyId: string;
  surface: SurfaceName;
  provider: ProviderName;
  model: string;
  startWithin: string;
  servedTier: ServedTier | null;
  route: UsageRoute;
  status: UsageStatus;
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
  /** What was changed to fit the request to its provider (`x-flexinference-warnings`), in order. */
  warnings: Warning[];
}

/** Ledger totals for one group of rows. */
export interface UsageTotals {
  requests: number;
  flexServed: number;
  spendUsd: number;
  standardSpendUsd: number;
  savingUsd: number;
  /** Finished rows whose `start_within` was a duration (a deadline to keep). */
  deadlineRequests: number;
  /** Of those, the ones whose first byte reached the caller within the duration. */
  deadlineHits: number;
}

/** Ledger totals for one (model, route) pair. */
export interface UsageAggregate extends UsageTotals {
  model: string;
  route: UsageRoute;
}

/** Ledger totals for one (time bucket, route) pair; `bucket` is the ISO start of the hour or day. */
export interface UsageBucketAggregate extends UsageTotals {
  bucket: string;
  route: UsageRoute;
}

export interface UsageQuery {
  /** Inclusive lower bound on `createdAt` (ISO 8601). */
  since?: string;
  /** Exclusive upper bound on `createdAt` (ISO 8601). */
  until?: string;
  orgId?: string;
  keyId?: string;
}

export interface UsagePageQuery extends UsageQuery {
  limit: number;
  /** Rows strictly older than this position (newest first). */
  before?: { createdAt: string; requestId: string };
}

/** An output item kept so a later Responses `item_reference` can name it (canonical JSON). */
export interface KeptItem {
  id: string;
  json: string;
}

export interface Store {
  ensureOrganization(name: string): Promise<Organization>;
  findOrganization(name: string): Promise<Organization | undefined>;
  listOrganizations(): Promise<OrganizationRecord[]>;
  /** Returns false when no organization has this id. */
  renameOrganization(id: string, name: string): Promise<boolean>;
  /** Deletes the organization with its API keys, their settings and its provider keys (usage rows stay). */
  deleteOrganization(id: string): Promise<boolean>;
  insertApiKey(input: { orgId: string; name: string | null; prefix: string; hash: string }): Promise<ApiKeyRecord>;
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(orgId?: string): Promise<ApiKeyRecord[]>;
  /** Revokes by id or by prefix; returns how many keys were revoked. */
  revokeApiKey(idOrPrefix: string): Promise<number>;
  countApiKeys(): Promise<number>;
  getKeySettings(keyId: string): Promise<KeySettings | undefined>;
  /** Replaces the key's settings; null removes them. */
  setKeySettings(keyId: string, settings: KeySettings | null): Promise<void>;
  setProviderKey(orgId: string, provider: ProviderName, sealed: string): Promise<void>;
  getProviderKey(orgId: string, provider: ProviderName): Promise<string | undefined>;
  listProviderKeys(orgId?: string): Promise<ProviderKeyRecord[]>;
  deleteProviderKey(orgId: string, provider: ProviderName): Promise<boolean>;
  /** Writes ledger rows (insert or replace by request id) in one transaction. */
  upsertUsage(rows: readonly UsageRow[]): Promise<void>;
  /** Writes recovered ledger rows, except over rows their ledger already closed. */
  recoverUsage(rows: readonly UsageRow[]): Promise<void>;
  queryUsage(query: UsageQuery): Promise<UsageRow[]>;
  /** Totals grouped by model and route, computed by the store (no row-by-row transfer). */
  aggregateUsage(query: UsageQuery): Promise<UsageAggregate[]>;
  /** Keeps an organization's output items until `expiresAt` (ms since the epoch); expired ones are never found again, and a store reclaims their space in its own time (at `now`, or by a periodic sweep). */
  keepItems(orgId: string, items: readonly KeptItem[], expiresAt: number, now: number): Promise<void>;
  /** The organization's unexpired kept items among `ids`. */
  findItems(orgId: string, ids: readonly string[], now: number): Promise<KeptItem[]>;
  /** Totals grouped by hour or day (UTC) and route. */
  usageSeries(query: UsageQuery, bucket: 'hour' | 'day'): Promise<UsageBucketAggregate[]>;
  /** Rows newest first, `limit` at most, from the cursor position on. */
  pageUsage(query: UsagePageQuery): Promise<UsageRow[]>;
  /** Rows left in_progress by a crash are closed as interrupted at startup. */
  closeInterruptedUsage(): Promise<number>;
  /** Small deployment-wide values (e.g. the admin token's hash). */
  getMeta(name: string): Promise<string | undefined>;
  /** Stores the value (with `onlyIfAbsent`, unless one exists); returns whether this call stored it. */
  setMeta(name: string, value: string, options?: { onlyIfAbsent?: boolean }): Promise<boolean>;
  close(): Promise<void>;
}
