// One test per error code of the catalog through the real server, asserting status, code, param
// and the OpenAI envelope (Anthropic and Google envelopes are covered beside their surfaces).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/providers/provider.js';
import { ERROR_CODES } from '../../src/errors/catalog.js';
import { createKey } from '../../src/cli.js';
import { hashApiKey } from '../../src/store/api-keys.js';
import type { KeySettings } from '../../src/store/store.js';
import type { Harness } from './harness.js';
import { post, postChunked, startHarness } from './harness.js';

interface OpenAIError {
  error: { message: string; type: string; code: string; param: string | null; doc_url: string };
}

const tested = new Set<string>();

function expectError(
  res: { status: number; json: unknown; headers: Headers },
  status: number,
  code: string,
  param: string | null = null,
): OpenAIError['error'] {
  tested.add(code);
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  const body = res.json as OpenAIError;
  expect(body.error.code).toBe(code);
  expect(body.error.param).toBe(param);
  expect(body.error.message.length).toBeGreaterThan(20);
  expect(body.error.doc_url).toMatch(new RegExp(`/docs/errors#`));
  expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  expect(body.error.message).not.toMatch(/\n\s+at /); // never a stack trace
  return body.error;
}

let h: Harness;
const responses = (body: unknown, headers: Record<string, string> = {}) =>
  post(`${h.url}/v1/responses`, JSON.stringify(body), { authorization: `Bearer ${h.key}`, ...headers });
const chat = (body: unknown) => post(`${h.url}/v1/chat/completions`, JSON.stringify(body), { authorization: `Bearer ${h.key}` });
const ok = { model: 'gpt-5-mini', input: 'hi', start_within: 'default' };

const ADMIN_TOKEN = 'errors-test-admin-token';
beforeAll(async () => {
  h = await startHarness({ env: { FLEX_ADMIN_TOKEN: ADMIN_TOKEN } });
});
afterAll(async () => {
  await h.close();
});

describe('authentication', () => {
  it('missing_api_key', async () => {
    expectError(await post(`${h.url}/v1/responses`, JSON.stringify(ok)), 401, 'missing_api_key');
  });
  it('invalid_api_key: malformed, bad checksum, unknown, revoked', async () => {
    expectError(await responses(ok, { authorization: 'Bearer sk-nope' }), 401, 'invalid_api_key');
    const badChecksum = h.key.slice(0, -1) + (h.key.endsWith('0') ? '1' : '0');
    expectError(await responses(ok, { authorization: `Bearer ${badChecksum}` }), 401, 'invalid_api_key');
    expectError(await responses(ok, { authorization: 'Bearer flex_live_000000000000000000000000' + 'abcdef' }), 401, 'invalid_api_key');
    const { createKey } = await import('../../src/cli.js');
    const store = h.gateway.deps.store;
    const other = await createKey(store, 'e2e', 'to revoke');
    expect((await responses(ok, { authorization: `Bearer ${other}` })).status).toBe(200);
    await store.revokeApiKey(other.slice(0, 16));
    const revoked = expectError(await responses(ok, { authorization: `Bearer ${other}` }), 401, 'invalid_api_key');
    expect(revoked.message).toMatch(/revoked/);
    expect(revoked.message).not.toContain(other);
  });
  it('accepts x-api-key and x-goog-api-key too', async () => {
    expect((await post(`${h.url}/v1/responses`, JSON.stringify(ok), { 'x-api-key': h.key })).status).toBe(200);
    expect((await post(`${h.url}/v1/responses`, JSON.stringify(ok), { 'x-goog-api-key': h.key })).status).toBe(200);
  });
});

describe('body', () => {
  it('request_too_large by Content-Length, and exactly 1,000,000 bytes passes', async () => {
    const big = Buffer.alloc(1_000_001, ' ');
    expectError(await responses(big.toString()), 413, 'request_too_large');
    const json = JSON.stringify(ok);
    const exact = json + ' '.repeat(1_000_000 - Buffer.byteLength(json));
    expect(Buffer.byteLength(exact)).toBe(1_000_000);
    const raw = await post(`${h.url}/v1/responses`, exact, { authorization: `Bearer ${h.key}` });
    expect(raw.status).toBe(200);
  });
  it('request_too_large and 401 reach a client still uploading a large body (no reset instead of the answer)', async () => {
    // A separate process uploads, as a real caller does; in-process clients hide the race.
    const script = `
      const big = Buffer.alloc(5_000_000, ' ');
      const out = [];
      for (let i = 0; i < 6; i++) {
        for (const auth of [process.argv[2], 'Bearer bad']) {
          try {
            const res = await fetch(process.argv[1], { method: 'POST', body: big, headers: { authorization: auth, 'content-type': 'application/json' } });
            out.push(res.status + ':' + (await res.json()).error.code);
          } catch (err) { out.push('error:' + (err.cause?.code ?? err.message)); }
        }
      }
      console.log(JSON.stringify(out));`;
    const { execFile } = await import('node:child_process');
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script, `${h.url}/v1/responses`, `Bearer ${h.key}`], (err, out) => (err ? reject(new Error(err.message)) : resolve(out))),
    );
    const answers = JSON.parse(stdout) as string[];
    tested.add('request_too_large');
    expect(answers).toEqual(Array.from({ length: 6 }, () => ['413:request_too_large', '401:invalid_api_key']).flat());
  });

  it('request_too_large on a chunked body, answered before the connection closes', async () => {
    const result = await postChunked(`${h.url}/v1/responses`, { authorization: `Bearer ${h.key}` }, 3_000_000);
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body).error.code).toBe('request_too_large');
  });
  it('invalid_json', async () => {
    expectError(await post(`${h.url}/v1/responses`, '{"model":', { authorization: `Bearer ${h.key}` }), 400, 'invalid_json');
    expectError(await post(`${h.url}/v1/responses`, '[1,2]', { authorization: `Bearer ${h.key}` }), 400, 'invalid_json');
  });
});

describe('request checks', () => {
  it('missing_model', async () => {
    expectError(await responses({ input: 'hi', start_within: 'default' }), 400, 'missing_model', 'model');
    expectError(await responses({ model: 7, input: 'hi', start_within: 'default' }), 400, 'missing_model', 'model');
  });
  it('missing_start_within and invalid_start_within', async () => {
    expectError(await responses({ model: 'gpt-5-mini', input: 'hi' }), 400, 'missing_start_within', 'start_within');
    const e = expectError(await responses({ ...ok, start_within: '00h-00m-01s' }), 400, 'invalid_start_within', 'start_within');
    expect(e.message).toMatch(/5 seconds to 10 minutes/);
  });
  it('model_not_flex_capable, flex_unsupported_for_anthropic, auto_unsupported_for_gemini', async () => {
    expectError(await responses({ ...ok, model: 'gpt-4o', start_within: '00h-00m-30s' }), 400, 'model_not_flex_capable', 'start_within');
    expectError(await responses({ ...ok, model: 'claude-sonnet-4-5', max_output_tokens: 50, start_within: '00h-00m-30s' }), 400, 'flex_unsupported_for_anthropic', 'start_within');
    expectError(await responses({ ...ok, model: 'gemini-2.5-flash', start_within: 'auto' }), 400, 'auto_unsupported_for_gemini', 'start_within');
  });
  it('missing_max_tokens for claude-* on the OpenAI surfaces', async () => {
    expectError(await responses({ ...ok, model: 'claude-sonnet-4-5' }), 400, 'missing_max_tokens', 'max_output_tokens');
    expectError(await chat({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }], start_within: 'default' }), 400, 'missing_max_tokens', 'max_completion_tokens');
  });
  it('invalid_parameter, unsupported_parameter, service_tier_not_allowed', async () => {
    expectError(await responses({ ...ok, temperature: 'hot' }), 400, 'invalid_parameter', 'temperature');
    expectError(await chat({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }], start_within: 'default', seed: 5 }), 400, 'unsupported_parameter', 'seed');
    const e = expectError(await responses({ ...ok, service_tier: 'flex' }), 400, 'service_tier_not_allowed', 'service_tier');
    expect(e.message).toMatch(/start_within/);
  });
  it('checks in the documented order: auth → size → JSON → model → start_within → field rules', async () => {
    expectError(await post(`${h.url}/v1/responses`, '{bad', {}), 401, 'missing_api_key');
    expectError(await post(`${h.url}/v1/responses`, '{bad', { authorization: `Bearer ${h.key}` }), 400, 'invalid_json');
    expectError(await responses({ start_within: 'nope', temperature: 'x' }), 400, 'missing_model', 'model');
    expectError(await responses({ model: 'gpt-5-mini', start_within: 'nope', temperature: 'x' }), 400, 'invalid_start_within', 'start_within');
  });
});

describe('routes', () => {
  it('not_found and method_not_allowed', async () => {
    expectError(await post(`${h.url}/v1/nothing`, '{}', { authorization: `Bearer ${h.key}` }), 404, 'not_found');
    const res = await fetch(`${h.url}/v1/responses`);
    expectError({ status: res.status, json: await res.json(), headers: res.headers }, 405, 'method_not_allowed');
  });
  it('serves models, health, readiness, metrics and the error page', async () => {
    const models = (await (await fetch(`${h.url}/v1/models`)).json()) as { object: string; data: { id: string; flex_capable: boolean; owned_by: string }[] };
    expect(models.object).toBe('list');
    expect(models.data.find((m) => m.id === 'gpt-5-mini')).toMatchObject({ flex_capable: true, owned_by: 'openai' });
    expect(models.data.find((m) => m.id === 'gemini-2.5-flash')).toMatchObject({ flex_capable: true, owned_by: 'gemini' });
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${h.url}/metrics`)).text()).toMatch(/flexinference_http_requests_total/);
    const page = await (await fetch(`${h.url}/docs/errors`)).text();
    for (const code of ERROR_CODES) expect(page).toContain(`id="${code}"`);
  });
});

describe('upstream errors', () => {
  it('upstream_error keeps the provider status and message', async () => {
    const res = await responses({ ...ok, input: 'fail please [emulate:error=400]' });
    expect(res.status).toBe(400);
    tested.add('upstream_error');
    expect((res.json as OpenAIError).error.doc_url).toMatch(/#upstream_error$/);
  });
  it('upstream_timeout when the provider answers 504', async () => {
    const res = await responses({ ...ok, input: '[emulate:error=504]' });
    expect(res.status).toBe(504);
    expect((res.json as OpenAIError).error.doc_url).toMatch(/#upstream_timeout$/);
    tested.add('upstream_timeout');
  });
});

describe('configuration errors', () => {
  it('upstream_unavailable when the provider cannot be reached; no_*_key without provider keys', async () => {
    const bare = await startHarness({
      env: { OPENAI_API_KEY: '', GEMINI_API_KEY: '', ANTHROPIC_API_KEY: '', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
    });
    try {
      const send = (body: unknown) => post(`${bare.url}/v1/responses`, JSON.stringify(body), { authorization: `Bearer ${bare.key}` });
      expectError(await send(ok), 400, 'no_byok_key');
      expectError(await send({ ...ok, model: 'gemini-2.5-flash' }), 400, 'no_gemini_key');
      expectError(await send({ ...ok, model: 'claude-sonnet-4-5', max_output_tokens: 10 }), 400, 'no_anthropic_key');
      const org = await bare.gateway.deps.store.ensureOrganization('e2e');
      const { seal } = await import('../../src/store/secrets.js');
      const { resolveMasterKey } = await import('../../src/server/provider-keys.js');
      await bare.gateway.deps.store.setProviderKey(org.id, 'openai', seal('sk-org-key', resolveMasterKey(bare.gateway.deps.config)));
      const unreachable = await send(ok);
      expect([502, 503]).toContain(unreachable.status);
      expect((unreachable.json as OpenAIError).error.doc_url).toMatch(/#upstream_unavailable$/);
      tested.add('upstream_unavailable');
    } finally {
      await bare.close();
    }
  });

  it('rate_limit_exceeded for failed-auth floods per client address (Retry-After 60)', async () => {
    const limited = await startHarness({ env: { FLEX_AUTH_FAILURES_PER_MINUTE: '3' } });
    try {
      for (let i = 0; i < 3; i++) {
        expect((await post(`${limited.url}/v1/responses`, '{}', { authorization: 'Bearer wrong' })).status).toBe(401);
      }
      const flood = await post(`${limited.url}/v1/responses`, '{}', { authorization: 'Bearer wrong' });
      expectError(flood, 429, 'rate_limit_exceeded');
      expect(flood.headers.get('retry-after')).toBe('60');
      // While blocked, even a valid key is refused: the block must not become a key-validity oracle.
      const blocked = await post(`${limited.url}/v1/responses`, JSON.stringify(ok), { authorization: `Bearer ${limited.key}` });
      expect(blocked.status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('behind a trusted proxy, the failed-auth limit applies per forwarded client address', async () => {
    const limited = await startHarness({ env: { FLEX_AUTH_FAILURES_PER_MINUTE: '2', FLEX_TRUST_PROXY: '1' } });
    try {
      const from = (ip: string, auth: string) => post(`${limited.url}/v1/responses`, JSON.stringify(ok), { authorization: auth, 'x-forwarded-for': `${ip}, 10.0.0.1` });
      for (let i = 0; i < 2; i++) expect((await from('203.0.113.7', 'Bearer wrong')).status).toBe(401);
      expect((await from('203.0.113.7', `Bearer ${limited.key}`)).status).toBe(429);
      expect((await from('198.51.100.9', `Bearer ${limited.key}`)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('rate_limit_exceeded for an organization over its request rate (Retry-After 5)', async () => {
    const limited = await startHarness({ env: { FLEX_ORG_RPS: '1' } });
    try {
      const send = () => post(`${limited.url}/v1/responses`, JSON.stringify(ok), { authorization: `Bearer ${limited.key}` });
      const answers = [];
      for (let i = 0; i < 7; i++) answers.push(await send());
      expect(answers.slice(0, 5).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      expectError(answers[6]!, 429, 'rate_limit_exceeded');
      expect(answers[6]!.headers.get('retry-after')).toBe('5');
    } finally {
      await limited.close();
    }
  });

  it('internal_error: a fault inside the gateway is a 500 without a stack trace', async () => {
    const broken: Provider = {
      name: 'openai',
      stream() {
        throw new TypeError('Cannot read properties of undefined (secret internals)');
      },
    };
    const faulty = await startHarness({ gateway: { providers: { openai: broken } } });
    try {
      const res = await post(`${faulty.url}/v1/responses`, JSON.stringify(ok), { authorization: `Bearer ${faulty.key}` });
      const e = expectError(res, 500, 'internal_error');
      expect(e.type).toBe('flexinference_error');
      expect(res.text).not.toContain('secret internals');
    } finally {
      await faulty.close();
    }
  });
});

describe('per-key settings and the admin API', () => {
  const withSettings = async (settings: Partial<KeySettings>): Promise<string> => {
    const key = await createKey(h.gateway.deps.store, 'e2e', 'limited');
    const record = (await h.gateway.deps.store.findApiKeyByHash(hashApiKey(key)))!;
    await h.gateway.deps.store.setKeySettings(record.id, { defaultStartWithin: null, allowedModels: null, requestsPerMinute: null, monthlyBudgetUsd: null, ...settings });
    return key;
  };
  const admin = (method: string, path: string, token: string | undefined, body?: unknown) =>
    fetch(`${h.url}/admin/v1/${path}`, {
      method,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).then(async (res) => ({ status: res.status, headers: res.headers, json: (await res.json()) }));

  it('model_not_allowed for a model outside the key\'s allowed models', async () => {
    const key = await withSettings({ allowedModels: ['gpt-5-nano'] });
    expectError(await post(`${h.url}/v1/responses`, JSON.stringify(ok), { authorization: `Bearer ${key}` }), 403, 'model_not_allowed', 'model');
  });
  it('budget_exceeded once the key has spent its monthly budget (Retry-After until the reset)', async () => {
    const key = await withSettings({ monthlyBudgetUsd: 0 });
    const res = await post(`${h.url}/v1/responses`, JSON.stringify(ok), { authorization: `Bearer ${key}` });
    expect(expectError(res, 429, 'budget_exceeded').type).toBe('rate_limit_error');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
  it('invalid_admin_token, forbidden and conflict on the admin API', async () => {
    expectError(await admin('GET', 'organizations', undefined), 401, 'invalid_admin_token');
    expectError(await admin('POST', 'organizations', h.key, { name: 'x' }), 403, 'forbidden');
    expectError(await admin('POST', 'organizations', ADMIN_TOKEN, { name: 'e2e' }), 409, 'conflict', 'name');
  });
});

describe('coverage of the catalog', () => {
  it('every error code has a test above', () => {
    expect(ERROR_CODES.filter((c) => !tested.has(c))).toEqual([]);
  });
});
