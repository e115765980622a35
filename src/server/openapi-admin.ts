// The admin API in /openapi.json: operators' routes under /admin/v1/ (the admin token; an
// organization's own key for a read-only view; the dashboard's session cookie with its
// anti-forgery header). Errors take the OpenAI envelope.
import { WARNING_CODES } from '../usage/warnings.js';

type Json = Record<string, unknown>;

const str = { type: 'string' };
const nullableStr = { type: ['string', 'null'] };
const int = { type: 'integer', minimum: 0 };
const num = { type: 'number' };
const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json): Json => ({ 'application/json': { schema } });
const object = (required: string[], properties: Json): Json => ({ type: 'object', required, properties });
const list = (item: string): Json => object(['object', 'data'], { object: { const: 'list' }, data: { type: 'array', items: ref(item) } });
const deleted = (object_: string, idField: string): Json =>
  object(['object', idField, 'deleted'], { object: { const: object_ }, [idField]: str, deleted: { const: true } });

const REQUEST_ID = { description: 'This request’s id.', schema: { type: 'string' } };
const ADMIN_SECURITY = [{ adminToken: [] }, { dashboardSession: [] }];
/** Reads are open to an organization's own key too (its own organization only). */
const READ_SECURITY = [{ adminToken: [] }, { bearer: [] }, { dashboardSession: [] }];

const errors = (statuses: number[]): Json =>
  Object.fromEntries(
    statuses.map((s) => [
      String(s),
      {
        description:
          ({ 400: 'Invalid input (the field is named in `param`).', 401: 'Missing or wrong admin token or key.', 403: 'Read-only caller, or a dashboard change without its anti-forgery token.', 404: 'No such object (or not the caller’s).', 409: 'Conflicts with what exists.', 429: 'Too many failed authentications from this address.' } as Record<number, string>)[s] ?? 'Error.',
        headers: { 'x-request-id': REQUEST_ID },
        content: json(ref('OpenAIError')),
      },
    ]),
  );

const ok = (status: number, description: string, schema: Json): Json => ({
  [String(status)]: { description, headers: { 'x-request-id': REQUEST_ID }, content: json(schema) },
});

interface AdminOperation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  operationId: string;
  summary: string;
  body?: string;
  status?: number;
  result: Json;
  query?: string[];
}

const PARAMS: Record<string, Json> = {
  organization: { name: 'organization', in: 'path', required: true, description: 'Organization id or name.', schema: str },
  key: { name: 'key', in: 'path', required: true, description: 'API key id.', schema: str },
  provider: { name: 'provider', in: 'path', required: true, schema: { enum: ['openai', 'gemini', 'anthropic'] } },
  organizationQuery: { name: 'organization', in: 'query', required: false, description: 'Limit to one organization (id or name).', schema: str },
  keyQuery: { name: 'key', in: 'query', required: false, description: 'Limit to one API key id.', schema: str },
  since: { name: 'since', in: 'query', required: false, description: 'ISO 8601 start (inclusive).', schema: str },
  until: { name: 'until', in: 'query', required: false, description: 'ISO 8601 end (exclusive).', schema: str },
  bucket: { name: 'bucket', in: 'query', required: false, schema: { enum: ['hour', 'day'] } },
  limit: { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500 } },
  cursor: { name: 'cursor', in: 'query', required: false, description: 'The previous page’s `next_cursor`.', schema: str },
};

const USAGE_QUERY = ['organizationQuery', 'keyQuery', 'since', 'until'];

const ADMIN: Record<string, AdminOperation[]> = {
  '/admin/v1/organizations': [
    { method: 'get', operationId: 'listOrganizations', summary: 'List organizations', result: list('Organization') },
    { method: 'post', operationId: 'createOrganization', summary: 'Create an organization', body: 'OrganizationInput', status: 201, result: ref('Organization') },
  ],
  '/admin/v1/organizations/{organization}': [
    { method: 'get', operationId: 'getOrganization', summary: 'One organization', result: ref('Organization') },
    { method: 'patch', operationId: 'renameOrganization', summary: 'Rename an organization', body: 'OrganizationInput', result: ref('Organization') },
    { method: 'delete', operationId: 'deleteOrganization', summary: 'Delete an organization', result: deleted('organization.deleted', 'id') },
  ],
  '/admin/v1/organizations/{organization}/keys': [
    { method: 'get', operationId: 'listOrganizationKeys', summary: 'An organization’s API keys', result: list('ApiKey') },
    { method: 'post', operationId: 'createKey', summary: 'Create an API key (shown once, in `key`)', body: 'ApiKeyInput', status: 201, result: ref('ApiKeyCreated') },
  ],
  '/admin/v1/organizations/{organization}/provider-keys': [
    { method: 'get', operationId: 'listOrganizationProviderKeys', summary: 'An organization’s provider keys (last four characters only)', result: list('ProviderKey') },
  ],
  '/admin/v1/organizations/{organization}/provider-keys/{provider}': [
    { method: 'put', operationId: 'setProviderKey', summary: 'Set or rotate a provider key (sealed at rest, never returned)', body: 'ProviderKeyInput', result: ref('ProviderKey') },
    { method: 'delete', operationId: 'deleteProviderKey', summary: 'Delete a provider key', result: deleted('provider_key.deleted', 'provider') },
  ],
  '/admin/v1/keys': [{ method: 'get', operationId: 'listKeys', summary: 'API keys (all, or one organization’s)', query: ['organizationQuery'], result: list('ApiKey') }],
  '/admin/v1/keys/{key}': [
    { method: 'patch', operationId: 'updateKey', summary: 'Rename a key or change its settings', body: 'ApiKeyInput', result: ref('ApiKey') },
    { method: 'delete', operationId: 'revokeKey', summary: 'Revoke a key', result: ref('ApiKey') },
  ],
  '/admin/v1/provider-keys': [
    { method: 'get', operationId: 'listProviderKeys', summary: 'Provider keys (all, or one organization’s)', query: ['organizationQuery'], result: list('ProviderKey') },
  ],
  '/admin/v1/usage/summary': [{ method: 'get', operationId: 'usageSummary', summary: 'Usage summary', query: USAGE_QUERY, result: ref('AdminUsageSummary') }],
  '/admin/v1/usage/series': [{ method: 'get', operationId: 'usageSeries', summary: 'Usage by hour or day', query: [...USAGE_QUERY, 'bucket'], result: ref('UsageSeries') }],
  '/admin/v1/usage/requests': [
    { method: 'get', operationId: 'usageRequests', summary: 'Per-request rows, newest first, paged', query: [...USAGE_QUERY, 'limit', 'cursor'], result: ref('RequestsPage') },
  ],
};

function pathParams(path: string): Json[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => PARAMS[m[1]!]!);
}

function adminOperation(path: string, op: AdminOperation): Json {
  const write = op.method !== 'get';
  return {
    operationId: op.operationId,
    tags: ['Admin'],
    summary: op.summary,
    security: write ? ADMIN_SECURITY : READ_SECURITY,
    parameters: [...pathParams(path), ...(op.query ?? []).map((q) => PARAMS[q]!)],
    ...(op.body ? { requestBody: { required: true, content: json(ref(op.body)) } } : {}),
    responses: { ...ok(op.status ?? 200, op.summary, op.result), ...errors(write ? [400, 401, 403, 404, 409, 429] : [400, 401, 404, 429]) },
  };
}

export function adminPaths(): Json {
  const paths: Json = Object.fromEntries(Object.entries(ADMIN).map(([path, ops]) => [path, Object.fromEntries(ops.map((op) => [op.method, adminOperation(path, op)]))]));
  paths['/admin/v1/usage/requests.csv'] = {
    get: {
      operationId: 'usageRequestsCsv',
      tags: ['Admin'],
      summary: 'Per-request rows as CSV',
      security: READ_SECURITY,
      parameters: USAGE_QUERY.map((q) => PARAMS[q]!),
      responses: { 200: { description: 'CSV, one row per request, newest first.', content: { 'text/csv': { schema: str } } }, ...errors([400, 401, 404, 429]) },
    },
  };
  return paths;
}

const settings = object(['default_start_within', 'allowed_models', 'requests_per_minute', 'monthly_budget_usd'], {
  default_start_within: nullableStr,
  allowed_models: { type: ['array', 'null'], items: str },
  requests_per_minute: { type: ['integer', 'null'] },
  monthly_budget_usd: { type: ['number', 'null'] },
});

const apiKey = {
  object: { const: 'api_key' },
  id: str,
  organization_id: str,
  organization: str,
  name: nullableStr,
  prefix: str,
  status: { enum: ['active', 'revoked'] },
  created_at: str,
  revoked_at: nullableStr,
  settings: ref('KeySettings'),
};

const usageGroup = object(
  ['requests', 'flex_served', 'flex_share', 'spend_usd', 'standard_spend_usd', 'saving_usd', 'deadline_requests', 'deadline_hits', 'deadline_hit_rate'],
  {
    requests: int,
    flex_served: int,
    flex_share: num,
    spend_usd: num,
    standard_spend_usd: num,
    saving_usd: num,
    deadline_requests: int,
    deadline_hits: int,
    deadline_hit_rate: { type: ['number', 'null'] },
  },
);

export const adminSchemas: Record<string, Json> = {
  Organization: object(['object', 'id', 'name', 'created_at'], { object: { const: 'organization' }, id: str, name: str, created_at: str }),
  OrganizationInput: object(['name'], { name: str }),
  KeySettings: settings,
  ApiKey: object(Object.keys(apiKey), apiKey),
  ApiKeyCreated: object([...Object.keys(apiKey), 'key'], { ...apiKey, key: { type: 'string', description: 'The key itself, shown this once.' } }),
  ApiKeyInput: { type: 'object', properties: { name: nullableStr, settings: { type: 'object', description: 'Fields of KeySettings to change (null clears one).' } } },
  ProviderKey: object(['object', 'organization_id', 'provider', 'last_four', 'updated_at'], {
    object: { const: 'provider_key' },
    organization_id: str,
    provider: { enum: ['openai', 'gemini', 'anthropic'] },
    last_four: str,
    updated_at: str,
  }),
  ProviderKeyInput: object(['key'], { key: { type: 'string', description: 'The provider’s API key.' } }),
  AdminUsageGroup: usageGroup,
  AdminUsageSummary: object(['object', 'organization_id', 'since', 'until', 'total', 'by_model', 'by_route'], {
    object: { const: 'usage.summary' },
    organization_id: nullableStr,
    since: nullableStr,
    until: nullableStr,
    total: ref('AdminUsageGroup'),
    by_model: { type: 'object', additionalProperties: ref('AdminUsageGroup') },
    by_route: { type: 'object', additionalProperties: ref('AdminUsageGroup') },
  }),
  UsageSeries: object(['object', 'bucket', 'organization_id', 'since', 'until', 'data'], {
    object: { const: 'usage.series' },
    bucket: { enum: ['hour', 'day'] },
    organization_id: nullableStr,
    since: str,
    until: nullableStr,
    data: { type: 'array', items: { allOf: [ref('AdminUsageGroup'), object(['start', 'routes'], { start: str, routes: { type: 'object', additionalProperties: int } })] } },
  }),
  RequestsPage: object(['object', 'data', 'has_more', 'next_cursor'], {
    object: { const: 'list' },
    data: { type: 'array', items: ref('UsageRequest') },
    has_more: { type: 'boolean' },
    next_cursor: nullableStr,
  }),
  Warning: object(['code', 'field', 'message'], {
    code: { enum: WARNING_CODES },
    field: { type: 'string', description: 'The field that changed (see the `x-flexinference-warnings` header).' },
    message: { type: 'string', description: 'The change in one sentence.' },
  }),
  UsageRequest: {
    type: 'object',
    required: ['request_id', 'created_at', 'organization_id', 'key_id', 'surface', 'provider', 'model', 'start_within', 'served_tier', 'route', 'status', 'warnings'],
    properties: {
      request_id: str,
      created_at: str,
      organization_id: str,
      key_id: str,
      surface: { enum: ['responses', 'chat', 'messages', 'interactions'] },
      provider: { enum: ['openai', 'gemini', 'anthropic'] },
      model: str,
      start_within: str,
      served_tier: { enum: ['flex', 'standard', 'priority', null] },
      route: {
        type: 'string',
        description: 'The routing decision (`x-flexinference-route`), or `pending` while the request runs. Rows written by older versions may hold other values.',
      },
      status: { enum: ['in_progress', 'completed', 'failed', 'disconnected', 'interrupted'] },
      error_code: nullableStr,
      admission_ms: { type: ['number', 'null'] },
      first_byte_ms: { type: ['number', 'null'] },
      duration_ms: { type: ['number', 'null'] },
      input_tokens: int,
      cached_tokens: int,
      output_tokens: int,
      reasoning_tokens: int,
      cost_usd: num,
      standard_cost_usd: num,
      saving_usd: num,
      deadline_hit: { type: ['boolean', 'null'] },
      route_explanation: str,
      warnings: { type: 'array', items: ref('Warning'), description: 'What was changed to fit the request; the CSV export writes them as the header does (`code:field;…`).' },
    },
  },
};
