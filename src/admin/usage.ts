// Usage for the admin API: summary, time series, per-request rows with cursor paging, CSV.
import type { ProviderName, ServedTier, SurfaceName, Warning } from '../canonical/types.js';
import type { Store, UsageQuery, UsageRoute, UsageRow, UsageStatus } from '../store/store.js';
import type { UsageGroup } from '../usage/summary.js';
import { addTotals, emptyGroup, summarizeUsage } from '../usage/summary.js';
import { formatWarnings } from '../usage/warnings.js';
import { invalid, optionalDate, optionalInteger } from './input.js';
import type { Viewer } from './viewer.js';

export interface UsageGroupView {
  requests: number;
  flex_served: number;
  flex_share: number;
  spend_usd: number;
  standard_spend_usd: number;
  saving_usd: number;
  deadline_requests: number;
  deadline_hits: number;
  /** Share of deadline requests whose first byte came within `start_within`; null without any. */
  deadline_hit_rate: number | null;
}

const round = (usd: number): number => Math.round(usd * 1e8) / 1e8;

export function groupView(g: UsageGroup): UsageGroupView {
  return {
    requests: g.requests,
    flex_served: g.flexServed,
    flex_share: g.flexShare,
    spend_usd: round(g.spendUsd),
    standard_spend_usd: round(g.standardSpendUsd),
    saving_usd: round(g.savingUsd),
    deadline_requests: g.deadlineRequests,
    deadline_hits: g.deadlineHits,
    deadline_hit_rate: g.deadlineRequests > 0 ? g.deadlineHits / g.deadlineRequests : null,
  };
}

const mapValues = <A, B>(record: Record<string, A>, fn: (a: A) => B): Record<string, B> =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));

/** Query parameters shared by every usage route: organization, key, since, until. */
export interface UsageParams {
  organization?: string;
  key?: string;
  since?: string;
  until?: string;
}

export function usageParams(search: URLSearchParams): UsageParams {
  const params: UsageParams = {};
  for (const name of ['organization', 'key'] as const) {
    const value = search.get(name);
    if (value) params[name] = value;
  }
  const since = optionalDate(search.get('since'), 'since');
  const until = optionalDate(search.get('until'), 'until');
  if (since) params.since = since;
  if (until) params.until = until;
  return params;
}

/** Resolves an organization reference (id or name) the viewer may see; see operations.ts. */
export type OrgResolver = (viewer: Viewer, ref: string) => Promise<{ id: string }>;

async function toQuery(viewer: Viewer, params: UsageParams, resolveOrg: OrgResolver): Promise<UsageQuery> {
  const query: UsageQuery = {};
  // An organization key is always limited to its own organization, whatever it asks for.
  const orgId = params.organization ? (await resolveOrg(viewer, params.organization)).id : viewer.role === 'organization' ? viewer.orgId : undefined;
  if (orgId) query.orgId = orgId;
  if (params.key) query.keyId = params.key;
  if (params.since) query.since = params.since;
  if (params.until) query.until = params.until;
  return query;
}

export interface UsageOperations {
  summary(viewer: Viewer, params: UsageParams): Promise<unknown>;
  series(viewer: Viewer, params: UsageParams & { bucket?: string }): Promise<unknown>;
  requests(viewer: Viewer, params: UsageParams & { limit?: string; cursor?: string }): Promise<RequestsPage>;
  /** The rows as CSV, newest first, in chunks (one page of rows each). */
  csv(viewer: Viewer, params: UsageParams): Promise<AsyncIterable<string>>;
}

export interface RequestsPage {
  object: 'list';
  data: RequestView[];
  has_more: boolean;
  next_cursor: string | null;
}

const DAY_MS = 86_400_000;

export function createUsageOperations(deps: { store: Store; resolveOrg: OrgResolver; now?: () => number }): UsageOperations {
  const { store, resolveOrg } = deps;
  const now = deps.now ?? Date.now;

  const page = async (query: UsageQuery, limit: number, cursor: string | undefined): Promise<RequestsPage> => {
    const before = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows = await store.pageUsage({ ...query, limit: limit + 1, ...(before ? { before } : {}) });
    const shown = rows.slice(0, limit).map(requestView);
    const last = shown.at(-1);
    const hasMore = rows.length > limit && last !== undefined;
    return { object: 'list', data: shown, has_more: hasMore, next_cursor: hasMore ? encodeCursor(last) : null };
  };

  return {
    async summary(viewer, params) {
      const query = await toQuery(viewer, params, resolveOrg);
      const s = summarizeUsage(await store.aggregateUsage(query));
      return {
        object: 'usage.summary',
        organization_id: query.orgId ?? null,
        since: query.since ?? null,
        until: query.until ?? null,
        total: groupView(s.total),
        by_model: mapValues(s.byModel, groupView),
        by_route: mapValues(s.byRoute, groupView),
      };
    },
    async series(viewer, params) {
      const bucket = params.bucket ?? 'day';
      if (bucket !== 'hour' && bucket !== 'day') throw invalid('bucket', '`bucket` must be "hour" or "day".');
      const query = await toQuery(viewer, params, resolveOrg);
      // Without a start, the last 48 hours (hourly) or 30 days (daily).
      query.since ??= new Date(now() - (bucket === 'hour' ? 2 : 30) * DAY_MS).toISOString();
      const points = new Map<string, { totals: UsageGroup; routes: Record<string, number> }>();
      for (const row of await store.usageSeries(query, bucket)) {
        const point = points.get(row.bucket) ?? { totals: emptyGroup(), routes: {} };
        points.set(row.bucket, point);
        addTotals(point.totals, row);
        point.routes[row.route] = (point.routes[row.route] ?? 0) + row.requests;
      }
      return {
        object: 'usage.series',
        bucket,
        organization_id: query.orgId ?? null,
        since: query.since,
        until: query.until ?? null,
        data: [...points].map(([start, p]) => ({ start, ...groupView(p.totals), routes: p.routes })),
      };
    },
    async requests(viewer, params) {
      const limit = optionalInteger(params.limit ?? null, 'limit', 1, 500) ?? 50;
      return page(await toQuery(viewer, params, resolveOrg), limit, params.cursor || undefined);
    },
    async csv(viewer, params) {
      // Scope checks run now, before any byte is sent; the rows are read as the chunks are taken.
      const query = await toQuery(viewer, params, resolveOrg);
      return (async function* chunks(): AsyncGenerator<string> {
        yield `${CSV_COLUMNS.join(',')}\n`;
        let cursor: string | undefined;
        do {
          const p = await page(query, 1000, cursor);
          if (p.data.length > 0) yield p.data.map(csvRow).join('\n') + '\n';
          cursor = p.next_cursor ?? undefined;
        } while (cursor);
      })();
    },
  };
}

function encodeCursor(row: RequestView): string {
  return Buffer.from(JSON.stringify([row.created_at, row.request_id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; requestId: string } {
  try {
    const [createdAt, requestId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && typeof requestId === 'string') return { createdAt, requestId };
  } catch {
    // falls through to the error below
  }
  throw invalid('cursor', '`cursor` must be the `next_cursor` value of a previous page, unchanged.');
}

export interface RequestView {
  request_id: string;
  created_at: string;
  organization_id: string;
  key_id: string;
  surface: SurfaceName;
  provider: ProviderName;
  model: string;
  start_within: string;
  served_tier: ServedTier | null;
  route: UsageRoute;
  status: UsageStatus;
  error_code: string | null;
  admission_ms: number | null;
  first_byte_ms: number | null;
  duration_ms: number | null;
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  standard_cost_usd: number;
  saving_usd: number;
  /** For a duration `start_within`: whether the first byte came within it; otherwise null. */
  deadline_hit: boolean | null;
  route_explanation: string;
  /** What was changed to fit the request (the answer's `x-flexinference-warnings`), with the sentences. */
  warnings: Warning[];
}

const CSV_COLUMNS = [
  'request_id', 'created_at', 'organization_id', 'key_id', 'surface', 'provider', 'model', 'start_within', 'served_tier',
  'route', 'status', 'error_code', 'admission_ms', 'first_byte_ms', 'duration_ms', 'input_tokens', 'cached_tokens',
  'output_tokens', 'reasoning_tokens', 'cost_usd', 'standard_cost_usd', 'saving_usd', 'deadline_hit', 'warnings',
] as const satisfies ReadonlyArray<keyof RequestView>;

/** One CSV line; warnings as the header writes them (`code:field;code:field`). */
function csvRow(r: RequestView): string {
  return CSV_COLUMNS.map((c) => csvCell(c === 'warnings' ? formatWarnings(r.warnings) : r[c])).join(',');
}

/** RFC 4180 quoting; a leading =+-@ is prefixed so a spreadsheet does not run it as a formula. */
function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const DURATION = /^(\d{2})h-(\d{2})m-(\d{2})s$/;

function windowMsOf(startWithin: string): number | undefined {
  const m = DURATION.exec(startWithin);
  return m ? ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 : undefined;
}

function requestView(r: UsageRow): RequestView {
  const windowMs = windowMsOf(r.startWithin);
  const deadlineHit = windowMs === undefined || r.status === 'in_progress' ? null : r.firstByteMs !== null && r.firstByteMs <= windowMs;
  return {
    request_id: r.requestId,
    created_at: r.createdAt,
    organization_id: r.orgId,
    key_id: r.keyId,
    surface: r.surface,
    provider: r.provider,
    model: r.model,
    start_within: r.startWithin,
    served_tier: r.servedTier,
    route: r.route,
    status: r.status,
    error_code: r.errorCode,
    admission_ms: r.admissionMs,
    first_byte_ms: r.firstByteMs,
    duration_ms: r.durationMs,
    input_tokens: r.inputTokens,
    cached_tokens: r.cachedTokens,
    output_tokens: r.outputTokens,
    reasoning_tokens: r.reasoningTokens,
    cost_usd: r.costUsd,
    standard_cost_usd: r.standardCostUsd,
    saving_usd: r.savingUsd,
    deadline_hit: deadlineHit,
    route_explanation: explainRoute(r, windowMs),
    warnings: r.warnings,
  };
}

const seconds = (ms: number | null): string => (ms === null ? '?' : `${(ms / 1000).toFixed(2)} s`);

/** One sentence saying why the request ran where it ran (the route decision in plain words). */
export function explainRoute(r: Pick<UsageRow, 'route' | 'startWithin' | 'admissionMs' | 'servedTier' | 'status'>, windowMs = windowMsOf(r.startWithin)): string {
  const window = windowMs === undefined ? r.startWithin : `${windowMs / 1000} s`;
  switch (r.route) {
    case 'direct':
      return `start_within "${r.startWithin}" asks for the ${r.servedTier ?? 'requested'} tier directly; no flex race.`;
    case 'flex_admitted':
      return `Flex started after ${seconds(r.admissionMs)}, within the ${window} window, and served the request at the flex price.`;
    case 'flex_timeout':
      return `Flex did not start within the part of the ${window} window left after reserving standard's start time; the request ran on standard.`;
    case 'flex_unavailable':
      return `The provider refused flex for lack of capacity (429/503); the request fell back to standard.`;
    case 'flex_error':
      return `The flex attempt failed before it started; the request fell back to standard.`;
    case 'flex_skipped_predicted_miss':
      return `Recent traffic showed flex for this model would not start within ${window}; flex was skipped and standard served it.`;
    case 'flex_failed_after_admission':
      return `Flex started but failed before finishing; the answer was re-run on standard before anything was sent.`;
    case 'pending':
      return r.status === 'in_progress' ? 'Still running.' : `The request ended (${r.status}) before the tier was decided.`;
    default: {
      // A value no route of this version has: a row written by an older one, where a race that
      // ended in an error before deciding recorded `flex_race`.
      const legacy: string = r.route;
      if (legacy === 'flex_race') return `The request ended (${r.status}) before the tier was decided.`;
      return `Route ${legacy}.`;
    }
  }
}
