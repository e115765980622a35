// GET /v1/usage?since=<ISO date>: the usage summary of the caller's own organization.
import type { ApiKeyRecord } from '../store/store.js';
import { FlexError } from '../errors/catalog.js';
import { summarizeUsage } from '../usage/summary.js';
import type { UsageSummary } from '../usage/summary.js';
import type { GatewayDeps } from './deps.js';

export async function handleUsage(
  deps: GatewayDeps,
  key: ApiKeyRecord,
  url: string,
): Promise<UsageSummary & { object: string; organization: string }> {
  const since = new URL(url, 'http://localhost').searchParams.get('since') ?? undefined;
  if (since !== undefined && Number.isNaN(Date.parse(since))) {
    throw new FlexError('invalid_parameter', { param: 'since', detail: '`since` must be an ISO 8601 date, e.g. 2026-11-01.' });
  }
  const rows = await deps.store.aggregateUsage({ orgId: key.orgId, ...(since ? { since: new Date(since).toISOString() } : {}) });
  return { object: 'usage.summary', organization: key.orgName, ...summarizeUsage(rows) };
}
