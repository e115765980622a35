// The usage table's columns, shared by the SQLite and Postgres stores.
import type { UsageQuery, UsageRow } from './store.js';

export const USAGE_COLUMNS: ReadonlyArray<[keyof UsageRow, string]> = [
  ['requestId', 'request_id'], ['orgId', 'org_id'], ['keyId', 'key_id'], ['surface', 'surface'],
  ['provider', 'provider'], ['model', 'model'], ['startWithin', 'start_within'],
  ['servedTier', 'served_tier'], ['route', 'route'], ['status', 'status'], ['errorCode', 'error_code'],
  ['admissionMs', 'admission_ms'], ['firstByteMs', 'first_byte_ms'], ['durationMs', 'duration_ms'],
  ['inputTokens', 'input_tokens'], ['cachedTokens', 'cached_tokens'], ['outputTokens', 'output_tokens'],
  ['reasoningTokens', 'reasoning_tokens'], ['costUsd', 'cost_usd'], ['standardCostUsd', 'standard_cost_usd'],
  ['savingUsd', 'saving_usd'], ['createdAt', 'created_at'],
];

/** A row as the database returns it (a Postgres timestamp arrives as a Date). */
export function fromUsageRow(raw: Record<string, unknown>): UsageRow {
  const row: Record<string, unknown> = {};
  for (const [prop, column] of USAGE_COLUMNS) {
    const value = raw[column];
    row[prop] = value instanceof Date ? value.toISOString() : value;
  }
  return row as unknown as UsageRow;
}

/** The row's values in column order. */
export function usageValues(row: UsageRow): unknown[] {
  return USAGE_COLUMNS.map(([prop]) => row[prop]);
}

/** WHERE clause and parameters of a usage query; `placeholder(n)` names the n-th parameter (1-based). */
export function usageFilter(query: UsageQuery, placeholder: (n: number) => string = () => '?'): { clause: string; params: string[] } {
  const where: string[] = [];
  const params: string[] = [];
  if (query.since) {
    params.push(query.since);
    where.push(`created_at >= ${placeholder(params.length)}`);
  }
  if (query.orgId) {
    params.push(query.orgId);
    where.push(`org_id = ${placeholder(params.length)}`);
  }
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}
