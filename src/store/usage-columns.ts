// The usage table's columns, shared by the SQLite and Postgres stores.
import type { Warning } from '../canonical/types.js';
import type { UsagePageQuery, UsageQuery, UsageRow } from './store.js';

export const USAGE_COLUMNS: ReadonlyArray<[keyof UsageRow, string]> = [
  ['requestId', 'request_id'], ['orgId', 'org_id'], ['keyId', 'key_id'], ['surface', 'surface'],
  ['provider', 'provider'], ['model', 'model'], ['startWithin', 'start_within'],
  ['servedTier', 'served_tier'], ['route', 'route'], ['status', 'status'], ['errorCode', 'error_code'],
  ['admissionMs', 'admission_ms'], ['firstByteMs', 'first_byte_ms'], ['durationMs', 'duration_ms'],
  ['inputTokens', 'input_tokens'], ['cachedTokens', 'cached_tokens'], ['outputTokens', 'output_tokens'],
  ['reasoningTokens', 'reasoning_tokens'], ['costUsd', 'cost_usd'], ['standardCostUsd', 'standard_cost_usd'],
  ['savingUsd', 'saving_usd'], ['createdAt', 'created_at'], ['warnings', 'warnings'],
];

/** A row as the database returns it (a Postgres timestamp arrives as a Date; warnings as JSON text). */
export function fromUsageRow(raw: Record<string, unknown>): UsageRow {
  const row: Record<string, unknown> = {};
  for (const [prop, column] of USAGE_COLUMNS) {
    const value = raw[column];
    row[prop] = value instanceof Date ? value.toISOString() : value;
  }
  row.warnings = readWarnings(raw.warnings);
  return row as unknown as UsageRow;
}

/**
 * The warnings column: JSON text of the row's warnings. A row written before the column existed
 * (or a file imported from such a deployment) reads as having none.
 */
function readWarnings(value: unknown): Warning[] {
  if (typeof value !== 'string' || value === '') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? (parsed as Warning[]) : [];
  } catch {
    return [];
  }
}

/** The row's values in column order, as the database takes them. */
export function usageValues(row: UsageRow): unknown[] {
  return USAGE_COLUMNS.map(([prop]) => (prop === 'warnings' ? JSON.stringify(row.warnings) : row[prop]));
}

/** The row's values by property name (SQLite's named parameters). */
export function usageParams(row: UsageRow): Record<string, unknown> {
  return { ...row, warnings: JSON.stringify(row.warnings) };
}

/** A duration `start_within` (HHh-MMm-SSs) in milliseconds, in SQL that SQLite and Postgres share. */
export const DEADLINE_MS = `((CAST(substr(start_within, 1, 2) AS INTEGER) * 3600 + CAST(substr(start_within, 5, 2) AS INTEGER) * 60
  + CAST(substr(start_within, 9, 2) AS INTEGER)) * 1000)`;
export const IS_DEADLINE = `start_within LIKE '__h-__m-__s'`;

/**
 * WHERE clause and parameters of a usage query (and of a page's cursor); `placeholder(n)` names
 * the n-th parameter (1-based).
 */
export function usageFilter(query: UsagePageQuery | UsageQuery, placeholder: (n: number) => string = () => '?'): { clause: string; params: string[] } {
  const where: string[] = [];
  const params: string[] = [];
  const next = (value: string): string => placeholder(params.push(value));
  const conditions: ReadonlyArray<[string | undefined, string]> = [
    [query.since, 'created_at >='],
    [query.until, 'created_at <'],
    [query.orgId, 'org_id ='],
    [query.keyId, 'key_id ='],
  ];
  for (const [value, condition] of conditions) {
    if (value === undefined || value === '') continue;
    where.push(`${condition} ${next(value)}`);
  }
  const before = 'before' in query ? query.before : undefined;
  if (before) {
    where.push(`(created_at < ${next(before.createdAt)} OR (created_at = ${next(before.createdAt)} AND request_id < ${next(before.requestId)}))`);
  }
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}
