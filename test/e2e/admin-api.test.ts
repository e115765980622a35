// The admin API through the real server: organizations, keys with settings, provider keys, usage,
// and who may see what.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- JSON answers are read loosely */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import type { Harness } from './harness.js';
import { startHarness } from './harness.js';

const ADMIN = 'flex_admin_test_token_0123456789';
let h: Harness;

interface Answer {
  status: number;
  json: any;
  text: string;
  headers: Headers;
}

async function api(method: string, path: string, body?: unknown, token: string | null = ADMIN, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${h.url}/admin/v1/${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

function expectOpenAIError(a: Answer, status: number, code: string): void {
  expect(a.status, a.text).toBe(status);
  expect(a.json.error).toMatchObject({ code });
  expect(typeof a.json.error.message).toBe('string');
  expect(a.json.error.doc_url).toContain(`/docs/errors#${code}`);
  expect(a.headers.get('x-request-id')).toMatch(/^req_/);
}

const respond = (key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${h.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-5-mini', input: 'hello', ...body }),
  });

beforeAll(async () => {
  h = await startHarness({ env: { FLEX_ADMIN_TOKEN: ADMIN } });
});
afterAll(async () => {
  await h.close();
});

describe('admin API authentication', () => {
  it('refuses a missing or wrong token in the OpenAI envelope', async () => {
    expectOpenAIError(await api('GET', 'organizations', undefined, null), 401, 'invalid_admin_token');
    expectOpenAIError(await api('GET', 'organizations', undefined, 'flex_admin_wrong'), 401, 'invalid_admin_token');
    expectOpenAIError(await api('GET', 'organizations', undefined, `${ADMIN}x`), 401, 'invalid_admin_token');
    expectOpenAIError(await api('GET', 'nothing-here'), 404, 'not_found');
    const wrongMethod = await api('POST', 'keys', {});
    expectOpenAIError(wrongMethod, 405, 'method_not_allowed');
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('refuses bad input with the field named', async () => {
    const bad = await api('POST', 'organizations', { name: '' });
    expectOpenAIError(bad, 400, 'invalid_parameter');
    expect(bad.json.error.param).toBe('name');
    const res = await fetch(`${h.url}/admin/v1/organizations`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, body: '{not json' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe('invalid_json');
  });
});

describe('organizations and API keys', () => {
  it('creates, lists, renames and deletes an organization with its keys', async () => {
    const created = await api('POST', 'organizations', { name: 'orgs-test' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ object: 'organization', name: 'orgs-test' });
    expectOpenAIError(await api('POST', 'organizations', { name: 'orgs-test' }), 409, 'conflict');
    const listed = await api('GET', 'organizations');
    expect(listed.json.data.map((o: any) => o.name)).toEqual(expect.arrayContaining(['e2e', 'orgs-test']));
    const renamed = await api('PATCH', `organizations/${created.json.id}`, { name: 'orgs-renamed' });
    expect(renamed.json.name).toBe('orgs-renamed');
    expect((await api('GET', 'organizations/orgs-renamed')).json.id).toBe(created.json.id);

    const key = (await api('POST', `organizations/${created.json.id}/keys`, { name: 'doomed' })).json.key as string;
    expect((await respond(key, { start_within: 'default' })).status).toBe(200);
    expect((await api('DELETE', `organizations/${created.json.id}`)).json).toMatchObject({ deleted: true });
    expect((await api('GET', `organizations/${created.json.id}`)).status).toBe(404);
    // Its key stops working within the lookup cache's lifetime (2 s); here at once, same process.
    expect((await respond(key, { start_within: 'default' })).status).toBe(401);
  });

  it('shows a key once, lists only its prefix, and revoking it refuses it', async () => {
    const org = (await api('POST', 'organizations', { name: 'keys-test' })).json;
    const created = await api('POST', `organizations/${org.id}/keys`, { name: 'ci' });
    expect(created.status).toBe(201);
    const key = created.json.key as string;
    expect(key).toMatch(/^flex_live_[0-9a-f]{30}$/);
    expect(created.json).toMatchObject({ object: 'api_key', status: 'active', name: 'ci', organization: 'keys-test' });
    const listed = await api('GET', `organizations/${org.id}/keys`);
    expect(listed.text).not.toContain(key);
    expect(listed.json.data[0]).toMatchObject({ id: created.json.id, prefix: key.slice(0, 16), settings: { default_start_within: null } });
    expect(listed.json.data[0].key).toBeUndefined();
    expect((await api('GET', 'keys')).text).not.toContain(key);

    expect((await respond(key, { start_within: 'default' })).status).toBe(200);
    const revoked = await api('DELETE', `keys/${created.json.id}`);
    expect(revoked.json).toMatchObject({ status: 'revoked' });
    expect(revoked.json.revoked_at).not.toBeNull();
    const refused = await respond(key, { start_within: 'default' });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as any).error.code).toBe('invalid_api_key');
  });
});

describe('provider keys', () => {
  it('sets, lists by last four, rotates and deletes; never returns a key in clear', async () => {
    const secret = 'sk-test-provider-secret-AAAA1111';
    const set = await api('PUT', 'organizations/e2e/provider-keys/openai', { key: secret });
    expect(set.json).toMatchObject({ object: 'provider_key', provider: 'openai', last_four: '1111' });
    const rotated = await api('PUT', 'organizations/e2e/provider-keys/openai', { key: 'sk-test-provider-secret-BBBB2222' });
    expect(rotated.json.last_four).toBe('2222');
    const listed = await api('GET', 'provider-keys?organization=e2e');
    expect(listed.json.data).toEqual([expect.objectContaining({ provider: 'openai', last_four: '2222' })]);
    expect(listed.text).not.toContain('sk-test-provider-secret');
    expectOpenAIError(await api('PUT', 'organizations/e2e/provider-keys/mistral', { key: secret }), 400, 'invalid_parameter');
    expect((await api('DELETE', 'organizations/e2e/provider-keys/openai')).json.deleted).toBe(true);
    expect((await api('GET', 'organizations/e2e/provider-keys')).json.data).toEqual([]);
    expectOpenAIError(await api('DELETE', 'organizations/e2e/provider-keys/openai'), 404, 'not_found');
  });
});

describe('usage', () => {
  it('summary, hourly series, paged rows and CSV agree with the requests sent', async () => {
    const org = (await api('POST', 'organizations', { name: 'usage-test' })).json;
    const key = (await api('POST', `organizations/${org.id}/keys`, {})).json.key as string;
    const client = new OpenAI({ apiKey: key, baseURL: `${h.url}/v1`, maxRetries: 0 });
    for (let i = 0; i < 5; i++) {
      await client.responses.create({ model: 'gpt-5-mini', input: `n${i}`, start_within: i < 3 ? '00h-00m-30s' : 'default' } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    }
    await h.gateway.deps.ledger.flush();
    const summary = (await api('GET', `usage/summary?organization=${org.id}`)).json;
    expect(summary.total).toMatchObject({ requests: 5, flex_served: 3, deadline_requests: 3, deadline_hits: 3, deadline_hit_rate: 1 });
    expect(summary.total.saving_usd).toBeGreaterThan(0);
    expect(summary.by_route.flex_admitted.requests).toBe(3);
    expect(summary.by_model['gpt-5-mini'].requests).toBe(5);

    const series = (await api('GET', `usage/series?organization=usage-test&bucket=hour`)).json;
    expect(series.data).toHaveLength(1);
    expect(series.data[0]).toMatchObject({ requests: 5, flex_served: 3, routes: { flex_admitted: 3, direct: 2 } });
    expect(series.data[0].start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\.000Z$/);
    expectOpenAIError(await api('GET', 'usage/series?bucket=week'), 400, 'invalid_parameter');

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await api('GET', `usage/requests?organization=${org.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json;
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((r: any) => r.request_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const newest = (await api('GET', `usage/requests?organization=${org.id}&limit=1`)).json.data[0];
    expect(newest).toMatchObject({ start_within: 'default', route: 'direct', deadline_hit: null });
    expect(newest.route_explanation).toMatch(/directly/);
    expectOpenAIError(await api('GET', 'usage/requests?cursor=garbage'), 400, 'invalid_parameter');

    const csv = await api('GET', `usage/requests.csv?organization=${org.id}`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toMatch(/^request_id,created_at,/);
    expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual([...seen].sort());
  });

  it('an organization key sees only its own organization, read-only', async () => {
    const a = (await api('POST', 'organizations', { name: 'scope-a' })).json;
    const b = (await api('POST', 'organizations', { name: 'scope-b' })).json;
    const keyA = (await api('POST', `organizations/${a.id}/keys`, {})).json.key as string;
    const keyB = (await api('POST', `organizations/${b.id}/keys`, {})).json.key as string;
    await respond(keyA, { start_within: 'default' });
    await respond(keyB, { start_within: 'default' });
    await respond(keyB, { start_within: 'default' });
    await h.gateway.deps.ledger.flush();

    expect((await api('GET', 'organizations', undefined, keyA)).json.data.map((o: any) => o.name)).toEqual(['scope-a']);
    expect((await api('GET', 'usage/summary', undefined, keyA)).json.total.requests).toBe(1);
    expect((await api('GET', 'usage/requests', undefined, keyA)).json.data.every((r: any) => r.organization_id === a.id)).toBe(true);
    expect((await api('GET', 'keys', undefined, keyA)).json.data.every((k: any) => k.organization_id === a.id)).toBe(true);
    // The other organization does not exist as far as this key can tell.
    expectOpenAIError(await api('GET', `organizations/${b.id}`, undefined, keyA), 404, 'not_found');
    expectOpenAIError(await api('GET', `usage/summary?organization=${b.id}`, undefined, keyA), 404, 'not_found');
    expectOpenAIError(await api('GET', `usage/requests.csv?organization=scope-b`, undefined, keyA), 404, 'not_found');
    // Asking for another organization's key filters to nothing: the org scope always applies.
    const bKeyId = (await api('GET', `organizations/${b.id}/keys`)).json.data[0].id;
    expect((await api('GET', `usage/requests?key=${bKeyId}`, undefined, keyA)).json.data).toEqual([]);
    expectOpenAIError(await api('POST', `organizations/${a.id}/keys`, {}, keyA), 403, 'forbidden');
    expectOpenAIError(await api('DELETE', `keys/${bKeyId}`, undefined, keyA), 403, 'forbidden');
  });
});

describe('per-key settings on the request path', () => {
  let orgId: string;
  const newKey = async (settings?: Record<string, unknown>): Promise<{ id: string; key: string }> => {
    const created = await api('POST', `organizations/${orgId}/keys`, settings ? { settings } : {});
    expect(created.status, created.text).toBe(201);
    return { id: created.json.id, key: created.json.key };
  };
  beforeAll(async () => {
    orgId = (await api('POST', 'organizations', { name: 'settings-test' })).json.id;
  });

  it('a key without settings behaves as before: start_within is required', async () => {
    const { key } = await newKey();
    const res = await respond(key, {});
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe('missing_start_within');
  });

  it('default start_within applies when the request has none; the header and the body win over it', async () => {
    const { key } = await newKey({ default_start_within: '00h-00m-20s' });
    const byDefault = await respond(key, {});
    expect(byDefault.status).toBe(200);
    expect(byDefault.headers.get('x-flexinference-route')).toBe('flex_admitted');
    const byHeader = await respond(key, {}, { 'x-flexinference-start-within': 'default' });
    expect(byHeader.headers.get('x-flexinference-route')).toBe('direct');
    const bodyWins = await respond(key, { start_within: 'default' }, { 'x-flexinference-start-within': '00h-00m-30s' });
    expect(bodyWins.headers.get('x-flexinference-route')).toBe('direct');
    // The header works for keys without settings too.
    const plain = await newKey();
    expect((await respond(plain.key, {}, { 'x-flexinference-start-within': '00h-00m-30s' })).headers.get('x-flexinference-route')).toBe('flex_admitted');
    // A tool that only sets a base URL and a key: the official SDK with no extra field.
    const client = new OpenAI({ apiKey: key, baseURL: `${h.url}/v1`, maxRetries: 0 });
    const chat = await client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.service_tier).toBe('flex');
  });

  it('allowed models: others are refused with model_not_allowed', async () => {
    const { key } = await newKey({ allowed_models: ['gpt-5-nano'] });
    expect((await respond(key, { model: 'gpt-5-nano', start_within: 'default' })).status).toBe(200);
    const refused = await respond(key, { start_within: 'default' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error).toMatchObject({ code: 'model_not_allowed', param: 'model' });
  });

  it('a request rate per key: over it, 429 rate_limit_exceeded', async () => {
    const { key, id } = await newKey({ requests_per_minute: 2 });
    expect((await respond(key, { start_within: 'default' })).status).toBe(200);
    expect((await respond(key, { start_within: 'default' })).status).toBe(200);
    const limited = await respond(key, { start_within: 'default' });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as any).error.code).toBe('rate_limit_exceeded');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Removing the setting lifts the limit.
    expect((await api('PATCH', `keys/${id}`, { settings: { requests_per_minute: null } })).json.settings.requests_per_minute).toBeNull();
    expect((await respond(key, { start_within: 'default' })).status).toBe(200);
  });

  it('a monthly budget: once spent, 429 budget_exceeded with the reset time, in the caller\'s envelope', async () => {
    const { key, id } = await newKey();
    expect((await respond(key, { start_within: 'default' })).status).toBe(200);
    await h.gateway.deps.ledger.flush();
    const patched = await api('PATCH', `keys/${id}`, { settings: { monthly_budget_usd: 0.000001 } });
    expect(patched.json.settings.monthly_budget_usd).toBe(0.000001);
    const refused = await respond(key, { start_within: 'default' });
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as any;
    expect(body.error.code).toBe('budget_exceeded');
    const now = new Date();
    const reset = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
    expect(body.error.message).toContain(reset);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    const anthropic = new Anthropic({ apiKey: key, baseURL: h.url, maxRetries: 0 });
    const err = await anthropic.messages
      .create({ model: 'gpt-5-mini', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], start_within: 'default' } as Anthropic.MessageCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    const anthropicError = (err as InstanceType<typeof Anthropic.RateLimitError>).error as any;
    expect(anthropicError).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(anthropicError.error.message).toContain(reset);

    // Raising the budget lets the key through again.
    await api('PATCH', `keys/${id}`, { settings: { monthly_budget_usd: 100 } });
    expect((await respond(key, { start_within: 'default' })).status).toBe(200);
  });

  it('refuses invalid settings, naming the field', async () => {
    const { id } = await newKey();
    for (const [settings, param] of [
      [{ default_start_within: '30s' }, 'settings.default_start_within'],
      [{ allowed_models: [] }, 'settings.allowed_models'],
      [{ requests_per_minute: 1.5 }, 'settings.requests_per_minute'],
      [{ monthly_budget_usd: -1 }, 'settings.monthly_budget_usd'],
      [{ budget: 5 }, 'settings.budget'],
    ] as const) {
      const res = await api('PATCH', `keys/${id}`, { settings });
      expectOpenAIError(res, 400, 'invalid_parameter');
      expect(res.json.error.param).toBe(param);
    }
  });
});
