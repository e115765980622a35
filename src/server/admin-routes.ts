// The admin API under /admin/v1/: HTTP in, admin operations, JSON (or CSV) out. Errors take the
// OpenAI envelope at the server boundary.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminOperations } from '../admin/operations.js';
import type { UsageOperations } from '../admin/usage.js';
import { usageParams } from '../admin/usage.js';
import type { Viewer } from '../admin/viewer.js';
import { FlexError } from '../errors/catalog.js';
import type { AdminAuth } from './admin-auth.js';
import { readBody, sendJson } from './http.js';

export const ADMIN_PREFIX = '/admin/v1/';
const MAX_ADMIN_BODY = 64 * 1024;

export interface AdminHandlers {
  operations: AdminOperations;
  usage: UsageOperations;
  auth: AdminAuth;
}

interface Call {
  viewer: Viewer;
  /** Path parameters in order. */
  params: string[];
  search: URLSearchParams;
  body: () => Promise<unknown>;
}

type Result = { json: unknown; status?: number } | { csv: AsyncIterable<string>; filename: string };

interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  pattern: RegExp;
  run(call: Call, h: AdminHandlers): Promise<Result>;
}

const SEGMENT = '([^/]+)';
const path = (p: string): RegExp => new RegExp(`^${p.replaceAll(':x', SEGMENT)}$`);

const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: path('organizations'), run: async (c, h) => ({ json: await h.operations.listOrganizations(c.viewer) }) },
  { method: 'POST', pattern: path('organizations'), run: async (c, h) => ({ json: await h.operations.createOrganization(c.viewer, await c.body()), status: 201 }) },
  { method: 'GET', pattern: path('organizations/:x'), run: async (c, h) => ({ json: await h.operations.organization(c.viewer, p0(c)) }) },
  { method: 'PATCH', pattern: path('organizations/:x'), run: async (c, h) => ({ json: await h.operations.renameOrganization(c.viewer, p0(c), await c.body()) }) },
  { method: 'DELETE', pattern: path('organizations/:x'), run: async (c, h) => ({ json: await h.operations.deleteOrganization(c.viewer, p0(c)) }) },
  { method: 'GET', pattern: path('organizations/:x/keys'), run: async (c, h) => ({ json: await h.operations.listKeys(c.viewer, p0(c)) }) },
  { method: 'POST', pattern: path('organizations/:x/keys'), run: async (c, h) => ({ json: await h.operations.createKey(c.viewer, p0(c), await c.body()), status: 201 }) },
  { method: 'GET', pattern: path('organizations/:x/provider-keys'), run: async (c, h) => ({ json: await h.operations.listProviderKeys(c.viewer, p0(c)) }) },
  {
    method: 'PUT',
    pattern: path('organizations/:x/provider-keys/:x'),
    run: async (c, h) => ({ json: await h.operations.setProviderKey(c.viewer, p0(c), c.params[1] ?? '', await c.body()) }),
  },
  { method: 'DELETE', pattern: path('organizations/:x/provider-keys/:x'), run: async (c, h) => ({ json: await h.operations.deleteProviderKey(c.viewer, p0(c), c.params[1] ?? '') }) },
  { method: 'GET', pattern: path('keys'), run: async (c, h) => ({ json: await h.operations.listKeys(c.viewer, c.search.get('organization') || undefined) }) },
  { method: 'PATCH', pattern: path('keys/:x'), run: async (c, h) => ({ json: await h.operations.updateKey(c.viewer, p0(c), await c.body()) }) },
  { method: 'DELETE', pattern: path('keys/:x'), run: async (c, h) => ({ json: await h.operations.revokeKey(c.viewer, p0(c)) }) },
  { method: 'GET', pattern: path('provider-keys'), run: async (c, h) => ({ json: await h.operations.listProviderKeys(c.viewer, c.search.get('organization') || undefined) }) },
  { method: 'GET', pattern: path('usage/summary'), run: async (c, h) => ({ json: await h.usage.summary(c.viewer, usageParams(c.search)) }) },
  {
    method: 'GET',
    pattern: path('usage/series'),
    run: async (c, h) => ({ json: await h.usage.series(c.viewer, { ...usageParams(c.search), ...optional('bucket', c.search) }) }),
  },
  {
    method: 'GET',
    pattern: path('usage/requests'),
    run: async (c, h) => ({ json: await h.usage.requests(c.viewer, { ...usageParams(c.search), ...optional('limit', c.search), ...optional('cursor', c.search) }) }),
  },
  { method: 'GET', pattern: path('usage/requests.csv'), run: async (c, h) => ({ csv: await h.usage.csv(c.viewer, usageParams(c.search)), filename: 'flexinference-usage.csv' }) },
];

function p0(c: Call): string {
  return c.params[0] ?? '';
}

function optional<K extends string>(name: K, search: URLSearchParams): Partial<Record<K, string>> {
  const value = search.get(name);
  return value === null ? {} : ({ [name]: value } as Record<K, string>);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new FlexError('not_found', { detail: 'The path has a malformed %-escape.' });
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const bytes = await readBody(req, MAX_ADMIN_BODY);
  if (bytes.length === 0) return {};
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new FlexError('invalid_json', { detail: `The request body is not valid JSON (${err instanceof SyntaxError ? err.message : 'unreadable'}).` });
  }
}

export async function handleAdmin(h: AdminHandlers, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const rest = url.pathname.slice(ADMIN_PREFIX.length);
  const candidates = ROUTES.map((r) => ({ route: r, match: r.pattern.exec(rest) })).filter((c) => c.match !== null);
  if (candidates.length === 0) throw new FlexError('not_found', { detail: `No admin route ${url.pathname.slice(0, 200)}.` });
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const found = candidates.find((c) => c.route.method === method);
  if (!found?.match) {
    res.setHeader('allow', candidates.map((c) => c.route.method).join(', '));
    throw new FlexError('method_not_allowed', { detail: `${url.pathname.slice(0, 200)} takes ${candidates.map((c) => c.route.method).join(', ')}.` });
  }
  // Authentication before anything else is read; changes also pass the forgery check.
  const caller = await h.auth.caller(req);
  if (found.route.method !== 'GET') h.auth.checkForgery(req, caller);
  const result = await found.route.run(
    { viewer: caller.viewer, params: found.match.slice(1).map(decodeSegment), search: url.searchParams, body: () => readJson(req) },
    h,
  );
  if ('csv' in result) return await sendCsv(res, result.csv, result.filename);
  sendJson(res, result.status ?? 200, result.json, { 'cache-control': 'no-store' });
}

async function sendCsv(res: ServerResponse, chunks: AsyncIterable<string>, filename: string): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'no-store',
  });
  // Pages are read one at a time as the client takes them, so a large export is never held whole.
  for await (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        res.once('drain', resolve);
        res.once('close', resolve);
      });
    }
  }
  res.end();
}
