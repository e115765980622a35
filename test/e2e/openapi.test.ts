/* eslint-disable @typescript-eslint/no-explicit-any -- admin JSON answers are read loosely */
// /openapi.json from the running gateway: valid OpenAPI 3.1 (by a standard validator), describing
// every route the gateway serves and nothing else, with real answers matching what it documents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate, compileErrors } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ADMIN_PREFIX, ROUTES as ADMIN_ROUTES } from '../../src/server/admin-routes.js';
import { GET_PATHS } from '../../src/server/app.js';
import type { Harness } from './harness.js';
import { startHarness } from './harness.js';

type Json = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema: Json }>; headers?: Record<string, unknown> }>;
}

let h: Harness;
let doc: Json & { paths: Record<string, Record<string, Operation>> };
const DOC_ID = 'https://flexinference.invalid/openapi.json';
const ajv = new Ajv2020({ strict: false, allErrors: true });

const ADMIN = 'flex_admin_openapi_token_0123456789';

beforeAll(async () => {
  h = await startHarness({ env: { FLEX_ADMIN_TOKEN: ADMIN } });
  const res = await fetch(`${h.url}/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = (await res.json()) as typeof doc;
  ajv.addSchema({ ...doc, $id: DOC_ID });
});
afterAll(async () => {
  await h.close();
});

const pointer = (...parts: string[]): string => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

interface Exchange {
  method: string;
  path: string;
  status: number;
  contentType: string;
  body: unknown;
  headers: Headers;
}

async function exchange(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Exchange> {
  const res = await fetch(`${h.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const contentType = (res.headers.get('content-type') ?? '').split(';', 1)[0]!;
  const text = await res.text();
  return { method, path: path.split('?', 1)[0]!, status: res.status, contentType, body: contentType === 'application/json' ? JSON.parse(text) : text, headers: res.headers };
}

/** The real answer is one the document lists for this operation, and its body matches the schema. */
function expectDocumented(x: Exchange): void {
  const operation = doc.paths[x.path]?.[x.method.toLowerCase()];
  expect(operation, `${x.method} ${x.path} is documented`).toBeDefined();
  const documented = String(x.status) in operation!.responses ? String(x.status) : 'default';
  expect(operation!.responses[documented], `${x.method} ${x.path} documents status ${x.status}`).toBeDefined();
  expect(operation!.responses[documented]!.content?.[x.contentType], `${x.status} documents ${x.contentType}`).toBeDefined();
  const validateBody = ajv.compile({ $ref: `${DOC_ID}#/${pointer('paths', x.path, x.method.toLowerCase(), 'responses', documented, 'content', x.contentType, 'schema')}` });
  const valid = validateBody(x.body);
  expect(valid, `${x.method} ${x.path} ${x.status}: ${ajv.errorsText(validateBody.errors)}\n${JSON.stringify(x.body).slice(0, 500)}`).toBe(true);
  for (const name of Object.keys(operation!.responses[documented]!.headers ?? {})) {
    if (name === 'x-request-id') expect(x.headers.get(name)).toMatch(/^req_/);
  }
}

describe('/openapi.json', () => {
  it('is valid OpenAPI 3.1 by @readme/openapi-parser', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as unknown as Parameters<typeof validate>[0]);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
    // The validator does catch a broken document.
    const broken: Json = structuredClone(doc);
    broken.info = { title: 'FlexInference' }; // no version
    expect((await validate(broken as unknown as Parameters<typeof validate>[0])).valid).toBe(false);
  });

  it('its schemas reject bodies that break them (the answer checks below can fail)', () => {
    const check = (name: string, body: unknown): boolean => ajv.validate({ $ref: `${DOC_ID}#/components/schemas/${name}` }, body);
    expect(check('OpenAIError', { error: { message: 'm', type: 't', code: 'c', param: null } })).toBe(true);
    expect(check('OpenAIError', { type: 'error', error: { type: 't', message: 'm' } })).toBe(false);
    expect(check('Message', { id: 'm', type: 'message', role: 'assistant', content: [], model: 'x', stop_reason: null, usage: { input_tokens: 1, output_tokens: 1, service_tier: 'default' } })).toBe(false);
  });

  it('describes exactly the routes the gateway serves, with their methods', () => {
    const served = [...h.gateway.deps.surfaces.map((s) => ({ path: s.path, methods: ['post'] })), ...GET_PATHS.map((path) => ({ path, methods: ['get'] }))];
    const adminPaths = Object.keys(doc.paths).filter((p) => p.startsWith(ADMIN_PREFIX));
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith(ADMIN_PREFIX)).sort()).toEqual(served.map((r) => r.path).sort());
    for (const route of served) expect(Object.keys(doc.paths[route.path]!).sort(), route.path).toEqual(route.methods);
    // The admin API: every documented operation is a route of the admin table, and every route is documented.
    const documented = adminPaths.flatMap((p) => Object.keys(doc.paths[p]!).map((m) => ({ method: m.toUpperCase(), rest: p.slice(ADMIN_PREFIX.length).replace(/\{\w+\}/g, 'x1') })));
    for (const d of documented) expect(ADMIN_ROUTES.some((r) => r.method === d.method && r.pattern.test(d.rest)), `${d.method} ${d.rest}`).toBe(true);
    for (const r of ADMIN_ROUTES) expect(documented.some((d) => d.method === r.method && r.pattern.test(d.rest)), `${r.method} ${r.pattern.source}`).toBe(true);
  });

  it('documents start_within on every caller endpoint, and each endpoint’s own error envelope', () => {
    const envelopes: Record<string, string> = {
      '/v1/responses': 'OpenAIError',
      '/v1/chat/completions': 'OpenAIError',
      '/v1/messages': 'AnthropicError',
      '/v1/interactions': 'GoogleError',
    };
    const schemas = (doc.components as { schemas: Record<string, { properties: Json }> }).schemas;
    for (const [path, envelope] of Object.entries(envelopes)) {
      const post = doc.paths[path]!.post as Operation & { requestBody: { content: Record<string, { schema: { $ref: string } }> } };
      const requestSchema = post.requestBody.content['application/json']!.schema.$ref.split('/').pop()!;
      expect(schemas[requestSchema]!.properties.start_within).toEqual({ $ref: '#/components/schemas/StartWithin' });
      for (const status of ['400', '401', '413', '429', '500', '502', '503', '504']) {
        expect(post.responses[status]!.content!['application/json']!.schema, `${path} ${status}`).toEqual({ $ref: `#/components/schemas/${envelope}` });
      }
    }
  });
});

describe('real answers match the document', () => {
  const auth = (): Record<string, string> => ({ authorization: `Bearer ${h.key}` });

  it('the four caller endpoints: answers, streams and errors', async () => {
    const cases: [string, unknown, number][] = [
      ['/v1/responses', { model: 'gpt-5-mini', input: 'hi', start_within: '00h-00m-30s' }, 200],
      ['/v1/responses', { model: 'gpt-5-mini', input: 'hi', start_within: 'default', stream: true }, 200],
      ['/v1/responses', { model: 'gpt-5-mini', input: 'hi' }, 400],
      ['/v1/chat/completions', { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], start_within: '00h-00m-30s' }, 200],
      ['/v1/chat/completions', { model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }], start_within: 'default', seed: 4 }, 400],
      ['/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], start_within: 'default' }, 200],
      ['/v1/messages', { model: 'gpt-5-mini', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], start_within: 'default', stream: true }, 200],
      ['/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 50, messages: [], start_within: '00h-00m-30s' }, 400],
      ['/v1/interactions', { model: 'gemini-2.5-flash', input: 'hi', start_within: '00h-00m-30s' }, 200],
      ['/v1/interactions', { model: 'gemini-2.5-flash', input: 'hi', start_within: 'auto' }, 400],
      ['/v1/responses', { model: 'gpt-5-mini', input: '[emulate:error=500]', start_within: 'default' }, 500],
      ['/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: '[emulate:error=529]' }], start_within: 'default' }, 529],
    ];
    for (const [path, body, status] of cases) {
      const x = await exchange('POST', path, { body, headers: auth() });
      expect(x.status, `${path} ${JSON.stringify(body)}: ${JSON.stringify(x.body).slice(0, 300)}`).toBe(status);
      expectDocumented(x);
      if (status === 200) {
        expect(x.headers.get('x-flexinference-tier')).toMatch(/^(flex|standard|priority|auto)$/);
        expect(x.headers.get('x-flexinference-route')).not.toBeNull();
      }
    }
  });

  it('authentication, size, method and path errors', async () => {
    expectDocumented(await exchange('POST', '/v1/responses', { body: { model: 'gpt-5-mini', input: 'hi', start_within: 'default' } }));
    expectDocumented(await exchange('POST', '/v1/interactions', { body: { model: 'gpt-5-mini', input: 'hi' }, headers: { 'x-goog-api-key': 'flex_live_000000000000000000000000000000' } }));
    const tooLarge = await exchange('POST', '/v1/messages', { body: `{"pad":"${'x'.repeat(1_000_001)}"}`, headers: auth() });
    expect(tooLarge.status).toBe(413);
    expectDocumented(tooLarge);
    const wrongMethod = await exchange('GET', '/v1/chat/completions', { headers: auth() });
    expect(wrongMethod.status).toBe(405);
    expect(doc.paths['/v1/chat/completions']!.get).toBeUndefined(); // documented as POST only
    const unknown = await exchange('GET', '/v1/nothing');
    expect(unknown.status).toBe(404);
    expect(doc.paths['/v1/nothing']).toBeUndefined();
  });

  it('catalog, usage, health, readiness, metrics, error page and this document', async () => {
    const answers = [
      await exchange('GET', '/v1/models'),
      await exchange('GET', '/v1/usage', { headers: auth() }),
      await exchange('GET', '/v1/usage?since=2026-01-01', { headers: auth() }),
      await exchange('GET', '/v1/usage?since=yesterday', { headers: auth() }),
      await exchange('GET', '/v1/usage'),
      await exchange('GET', '/healthz'),
      await exchange('GET', '/readyz'),
      await exchange('GET', '/metrics'),
      await exchange('GET', '/docs/errors'),
      await exchange('GET', '/openapi.json'),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 400, 401, 200, 200, 200, 200, 200]);
    for (const x of answers) expectDocumented(x);
  });
});

describe('the admin API’s real answers match the document', () => {
  const admin = { authorization: `Bearer ${ADMIN}` };
  /** Sends an admin request, checks it against the document, and returns its JSON body. */
  async function call(method: string, path: string, template: string, body?: unknown, headers: Record<string, string> = admin): Promise<any> {
    const x = await exchange(method, path, { headers, ...(body === undefined ? {} : { body }) });
    expectDocumented({ ...x, path: template });
    return x.body;
  }

  it('organizations, keys, provider keys and usage: answers and errors', async () => {
    const org = await call('POST', '/admin/v1/organizations', '/admin/v1/organizations', { name: 'openapi-org' });
    expect(org.object).toBe('organization');
    await call('POST', '/admin/v1/organizations', '/admin/v1/organizations', { name: 'openapi-org' }); // 409 conflict
    await call('POST', '/admin/v1/organizations', '/admin/v1/organizations', { name: '' }); // 400
    await call('GET', '/admin/v1/organizations', '/admin/v1/organizations', undefined, {}); // 401
    await call('GET', '/admin/v1/organizations', '/admin/v1/organizations');
    await call('GET', `/admin/v1/organizations/${org.id}`, '/admin/v1/organizations/{organization}');
    await call('GET', '/admin/v1/organizations/nope', '/admin/v1/organizations/{organization}'); // 404
    await call('PATCH', `/admin/v1/organizations/${org.id}`, '/admin/v1/organizations/{organization}', { name: 'openapi-org-2' });
    const created = await call('POST', `/admin/v1/organizations/${org.id}/keys`, '/admin/v1/organizations/{organization}/keys', {
      name: 'k',
      settings: { default_start_within: 'default', monthly_budget_usd: 5 },
    });
    expect(created.key).toMatch(/^flex_live_/);
    await call('GET', `/admin/v1/organizations/${org.id}/keys`, '/admin/v1/organizations/{organization}/keys');
    await call('GET', '/admin/v1/keys', '/admin/v1/keys');
    await call('GET', '/admin/v1/organizations', '/admin/v1/organizations', undefined, { authorization: `Bearer ${created.key}` }); // read-only view
    await call('POST', '/admin/v1/organizations', '/admin/v1/organizations', { name: 'x' }, { authorization: `Bearer ${created.key}` }); // 403
    await call('PATCH', `/admin/v1/keys/${created.id}`, '/admin/v1/keys/{key}', { settings: { requests_per_minute: 60 } });
    await call('PUT', `/admin/v1/organizations/${org.id}/provider-keys/openai`, '/admin/v1/organizations/{organization}/provider-keys/{provider}', { key: 'sk-openapi-test-0000' });
    await call('GET', `/admin/v1/organizations/${org.id}/provider-keys`, '/admin/v1/organizations/{organization}/provider-keys');
    await call('GET', '/admin/v1/provider-keys', '/admin/v1/provider-keys');
    await call('DELETE', `/admin/v1/organizations/${org.id}/provider-keys/openai`, '/admin/v1/organizations/{organization}/provider-keys/{provider}');
    const answered = await exchange('POST', '/v1/responses', { body: { model: 'gpt-5-mini', input: 'hi', start_within: '00h-00m-30s' }, headers: { authorization: `Bearer ${h.key}` } });
    expect(answered.status).toBe(200);
    await h.gateway.deps.ledger.flush();
    await call('GET', '/admin/v1/usage/summary', '/admin/v1/usage/summary');
    await call('GET', '/admin/v1/usage/series?bucket=hour', '/admin/v1/usage/series');
    await call('GET', '/admin/v1/usage/series?bucket=week', '/admin/v1/usage/series'); // 400
    const page = await call('GET', '/admin/v1/usage/requests?limit=1', '/admin/v1/usage/requests');
    expect(page.data).toHaveLength(1);
    await call('GET', '/admin/v1/usage/requests.csv', '/admin/v1/usage/requests.csv');
    await call('DELETE', `/admin/v1/keys/${created.id}`, '/admin/v1/keys/{key}');
    await call('DELETE', `/admin/v1/organizations/${org.id}`, '/admin/v1/organizations/{organization}');
  });
});
