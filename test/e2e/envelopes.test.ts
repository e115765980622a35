// Every refusal and error code of the catalog through the real server on the two non-OpenAI
// surfaces, asserting the HTTP status and the dialect's own envelope:
//   /v1/messages      {"type":"error","error":{"type","message"}}       https://docs.anthropic.com/en/api/errors
//   /v1/interactions  {"error":{"code","message","status"}}            https://cloud.google.com/apis/design/errors
// Bad input must never produce a 500 or a hung connection: every request here carries a client
// timeout, so a hang fails the test instead of stalling the run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/providers/provider.js';
import type { Harness } from './harness.js';
import { postChunked, startHarness } from './harness.js';

interface Answer {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

/** A client timeout well below the test timeout: a hung connection fails here. */
const CLIENT_TIMEOUT_MS = 8_000;

async function send(url: string, body: unknown, headers: Record<string, string> = {}, method = 'POST'): Promise<Answer> {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    ...(method === 'GET' ? {} : { body: payload }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

function expectCommon(res: Answer): void {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  expect(res.text).not.toMatch(/\n\s+at /); // never a stack trace
  expect(res.headers.get('x-flexinference-error-code')).toMatch(/^[a-z_]+$/);
}

interface AnthropicError {
  type: string;
  error: { type: string; message: string; code: string };
}

/** Anthropic's envelope, exactly, plus the machine-readable `code`: no param or doc_url leak into it. */
function expectAnthropic(res: Answer, status: number, type: string, message?: RegExp): AnthropicError['error'] {
  expect(res.status, res.text).toBe(status);
  expectCommon(res);
  const body = res.json as AnthropicError;
  expect(Object.keys(body).sort()).toEqual(['error', 'type']);
  expect(body.type).toBe('error');
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'type']);
  // Ours, or for a provider's error the provider's own code when it gave one (as OpenAI's `code`).
  const ours = res.headers.get('x-flexinference-error-code');
  if (!ours?.startsWith('upstream_')) expect(body.error.code).toBe(ours);
  else expect(body.error.code).toMatch(/^[a-z0-9_]+$/);
  expect(body.error.type).toBe(type);
  expect(body.error.message.length).toBeGreaterThan(10);
  if (message) expect(body.error.message).toMatch(message);
  return body.error;
}

interface GoogleError {
  error: { code: number; message: string; status: string; details: { '@type': string; reason: string; domain: string }[] };
}

/** Google's envelope, exactly: `code` is the HTTP status, `status` the canonical name. */
function expectGoogle(res: Answer, status: number, statusName: string, message?: RegExp): GoogleError['error'] {
  expect(res.status, res.text).toBe(status);
  expectCommon(res);
  const body = res.json as GoogleError;
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'details', 'message', 'status']);
  expect(body.error.details).toEqual([
    expect.objectContaining({
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: res.headers.get('x-flexinference-error-code')?.toUpperCase(),
      domain: 'flexinference',
    }),
  ]);
  expect(body.error.code).toBe(status);
  expect(body.error.status).toBe(statusName);
  expect(body.error.message.length).toBeGreaterThan(10);
  if (message) expect(body.error.message).toMatch(message);
  return body.error;
}

/** One caller dialect: where it is, a valid body, and how its envelope names each status. */
interface Dialect {
  name: 'messages' | 'interactions';
  path: string;
  /** A valid body whose prompt is `prompt`. */
  body(prompt?: string, extra?: Record<string, unknown>): Record<string, unknown>;
  names: Record<number, string>;
  expect(res: Answer, status: number, message?: RegExp): void;
}

const messages: Dialect = {
  name: 'messages',
  path: '/v1/messages',
  body: (prompt = 'hi', extra = {}) => ({
    model: 'gpt-5-mini',
    max_tokens: 512,
    messages: [{ role: 'user', content: prompt }],
    start_within: 'default',
    ...extra,
  }),
  names: {
    400: 'invalid_request_error',
    401: 'authentication_error',
    403: 'permission_error',
    404: 'not_found_error',
    405: 'invalid_request_error',
    413: 'request_too_large',
    429: 'rate_limit_error',
    500: 'api_error',
    502: 'api_error',
    503: 'api_error',
    504: 'timeout_error',
    529: 'overloaded_error',
  },
  expect(res, status, message) {
    expectAnthropic(res, status, this.names[status]!, message);
  },
};

const interactions: Dialect = {
  name: 'interactions',
  path: '/v1/interactions',
  body: (prompt = 'hi', extra = {}) => ({ model: 'gpt-5-mini', input: prompt, start_within: 'default', ...extra }),
  names: {
    400: 'INVALID_ARGUMENT',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    405: 'UNIMPLEMENTED',
    413: 'INVALID_ARGUMENT',
    429: 'RESOURCE_EXHAUSTED',
    500: 'INTERNAL',
    502: 'UNAVAILABLE',
    503: 'UNAVAILABLE',
    504: 'DEADLINE_EXCEEDED',
    529: 'INTERNAL',
  },
  expect(res, status, message) {
    expectGoogle(res, status, this.names[status]!, message);
  },
};

let h: Harness;
const auth = (): Record<string, string> => ({ authorization: `Bearer ${h.key}` });

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe.each([messages, interactions])('$name: errors shared by every surface', (d) => {
  const url = (): string => `${h.url}${d.path}`;
  const call = (body: unknown, headers: Record<string, string> = auth()): Promise<Answer> => send(url(), body, headers);

  describe('authentication', () => {
    it('missing_api_key → 401', async () => {
      d.expect(await call(d.body(), {}), 401, /No API key/);
    });
    it('invalid_api_key → 401, in every header the dialect may use', async () => {
      d.expect(await call(d.body(), { authorization: 'Bearer flex_live_nope' }), 401, /API key is malformed/);
      d.expect(await call(d.body(), { 'x-api-key': 'sk-ant-api03-wrong' }), 401, /API key/);
      d.expect(await call(d.body(), { 'x-goog-api-key': 'AIzaWrongWrongWrong' }), 401, /API key/);
      d.expect(await call(d.body(), { authorization: 'Bearer flex_live_000000000000000000000000abcdef' }), 401, /API key/);
    });
    it('a valid key works in x-api-key and x-goog-api-key too', async () => {
      expect((await call(d.body(), { 'x-api-key': h.key })).status).toBe(200);
      expect((await call(d.body(), { 'x-goog-api-key': h.key })).status).toBe(200);
    });
  });

  describe('body', () => {
    it('request_too_large → 413 (by Content-Length)', async () => {
      d.expect(await call(Buffer.alloc(1_000_001, ' ')), 413, /at most 1,000,000 bytes/);
    });
    it('request_too_large → 413 on a chunked body, answered before the connection closes', async () => {
      const answer = await postChunked(url(), auth(), 2_000_000, CLIENT_TIMEOUT_MS);
      expect(answer.status).toBe(413);
      const body = JSON.parse(answer.body) as unknown;
      if (d.name === 'messages') expect(body).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
      else expect(body).toMatchObject({ error: { code: 413, status: 'INVALID_ARGUMENT' } });
    });
    it.each([
      ['truncated JSON', '{"model":'],
      ['an array', '[1,2]'],
      ['null', 'null'],
      ['a string', '"hello"'],
      ['an empty body', ''],
      ['invalid UTF-8 / binary', Buffer.from([0xff, 0xfe, 0x00, 0x7b])],
    ])('invalid_json → 400 for %s', async (_label, raw) => {
      d.expect(await call(raw), 400, /JSON/);
    });
  });

  describe('checks before the field rules', () => {
    it('missing_model → 400', async () => {
      d.expect(await call({ ...d.body(), model: undefined }), 400, /model/);
      d.expect(await call({ ...d.body(), model: 42 }), 400, /model/);
    });
    it('missing_start_within and invalid_start_within → 400', async () => {
      d.expect(await call({ ...d.body(), start_within: undefined }), 400, /start_within/);
      d.expect(await call({ ...d.body(), start_within: '00h-00m-01s' }), 400, /5 seconds to 10 minutes/);
      d.expect(await call({ ...d.body(), start_within: 30 }), 400, /start_within/);
      d.expect(await call({ ...d.body(), start_within: '0h-0m-30s' }), 400, /HHh-MMm-SSs/);
    });
    it('model_not_flex_capable, flex_unsupported_for_anthropic, auto_unsupported_for_gemini → 400', async () => {
      d.expect(await call(d.body('hi', { model: 'gpt-4o', start_within: '00h-00m-30s' })), 400, /no flex tier/);
      const claude = d.name === 'messages' ? {} : { generation_config: { max_output_tokens: 64 } };
      d.expect(await call(d.body('hi', { model: 'claude-sonnet-4-5', start_within: '00h-00m-30s', ...claude })), 400, /Anthropic/);
      d.expect(await call(d.body('hi', { model: 'gemini-2.5-flash', start_within: 'auto' })), 400, /"auto"/);
    });
    it('the documented order: auth → size → JSON → model → start_within → field rules', async () => {
      d.expect(await call('{bad', {}), 401);
      d.expect(await call('{bad'), 400, /not valid JSON/);
      d.expect(await call({ start_within: 'nope', service_tier: 'flex' }), 400, /No model/);
      // The envelope has no `param`, so the message itself names the field.
      d.expect(await call({ model: 'gpt-5-mini', start_within: 'nope', service_tier: 'flex' }), 400, /^`start_within`: "nope"/);
    });
    it('service_tier_not_allowed → 400, naming start_within as the way to choose', async () => {
      d.expect(await call(d.body('hi', { service_tier: 'flex' })), 400, /service_tier[\s\S]*start_within/);
      d.expect(await call(d.body('hi', { service_tier: 'standard_only' })), 400, /service_tier/);
    });
  });

  describe('routes', () => {
    it('not_found → 404 under the dialect path', async () => {
      d.expect(await send(`${url()}/nothing`, d.body(), auth()), 404, /No route/);
    });
    it('method_not_allowed → 405', async () => {
      d.expect(await send(url(), undefined, auth(), 'GET'), 405);
    });
  });

  describe('upstream errors keep the provider status, in this dialect', () => {
    it.each([400, 403, 404, 429, 500, 503, 529])('provider %i', async (status) => {
      d.expect(await call(d.body(`fail please [emulate:error=${status}]`)), status);
    });
    it('upstream_timeout: provider 504', async () => {
      d.expect(await call(d.body('[emulate:error=504]')), 504);
    });
  });
});

describe.each([messages, interactions])('$name: no input yields a 500 or a hung connection', (d) => {
  const WEIRD: unknown[] = [null, 0, -1, 1.5, 1e308, true, '', 'x'.repeat(10_000), [], [null], {}, { type: null }, [[[[]]]]];
  const deep = (n: number): unknown => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown;
  const valid = d.body('hi');

  const fields =
    d.name === 'messages'
      ? ['max_tokens', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'temperature', 'top_p', 'metadata', 'stream', 'output_config', 'output_format', 'top_k', 'stop_sequences', 'cache_control', 'service_tier']
      : ['input', 'system_instruction', 'tools', 'response_format', 'response_mime_type', 'response_modalities', 'generation_config', 'stream', 'store', 'labels', 'previous_interaction_id', 'background', 'service_tier'];

  it.each(fields)('any value of `%s` is answered below 500', async (field) => {
    for (const value of [...WEIRD, deep(2_000)]) {
      const res = await send(`${h.url}${d.path}`, { ...valid, [field]: value }, auth());
      expect(res.status, `${field}=${JSON.stringify(value).slice(0, 40)}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
      if (res.status !== 200) d.expect(res, res.status);
    }
  });

  it('odd values inside nested objects are answered below 500', async () => {
    const nested = d.name === 'messages'
      ? [
          { messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 5, data: [] } }] }] },
          { messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 5, name: {}, input: 'x' }] }] },
          { messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: [{ type: 'tool_use' }] }] }] },
          { messages: [{ role: 'assistant', content: [{ type: 'thinking', thinking: 5, signature: {} }] }] },
          { messages: [{ role: 'assistant', content: [{ type: 'thinking', thinking: 'x', signature: 'flexinf:nope:zzz' }] }] },
          { tools: [{ name: 'f', input_schema: deep(2_000) }] },
          { output_config: { format: { type: 'json_schema', schema: 'x' } } },
        ]
      : [
          { input: [{ type: 'image', data: 5 }] },
          { input: [{ type: 'function_call', id: 1, name: [], arguments: 'x' }] },
          { input: [{ type: 'thought', signature: 'flexinf:nope:zzz' }] },
          { input: [{ type: 'function_result', call_id: 'a', result: 5 }] },
          { input: [{ type: 'user_input', content: 'x' }, { type: 'model_output', content: 'y' }] },
          { tools: [{ type: 'function', name: 'f', parameters: deep(2_000) }] },
          { response_format: { type: 'text', mime_type: 'application/json', schema: 5 } },
          { generation_config: { tool_choice: { allowed_tools: 'x' } } },
        ];
    for (const extra of nested) {
      const res = await send(`${h.url}${d.path}`, { ...valid, ...extra }, auth());
      expect(res.status, `${JSON.stringify(extra).slice(0, 80)}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
      if (res.status !== 200) d.expect(res, res.status);
    }
  });
});

describe('/v1/messages field rules', () => {
  const call = (extra: Record<string, unknown>): Promise<Answer> => send(`${h.url}/v1/messages`, messages.body('hi', extra), auth());
  const invalid = (res: Answer, message: RegExp): AnthropicError['error'] => expectAnthropic(res, 400, 'invalid_request_error', message);

  it('missing_max_tokens: /v1/messages always requires max_tokens, whatever the model', async () => {
    invalid(await call({ max_tokens: undefined }), /max_tokens/);
    invalid(await call({ max_tokens: null }), /max_tokens/);
    invalid(await call({ model: 'claude-sonnet-4-5', max_tokens: undefined }), /max_tokens/);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['top_k', { top_k: 5 }, /`top_k`/],
    ['stop_sequences', { stop_sequences: ['END'] }, /`stop_sequences`/],
    ['top-level cache_control', { cache_control: { type: 'ephemeral' } }, /cache_control/],
    [
      'cache_control on a content block',
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }] },
      /messages\.0\.content\.0\.cache_control/,
    ],
    [
      'cache_control on a system block',
      { system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }] },
      /system\.0\.cache_control/,
    ],
    [
      'cache_control on a tool',
      { tools: [{ name: 'f', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }] },
      /tools\.0\.cache_control/,
    ],
    [
      'a document block with citations',
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Paris is in France.' }, citations: { enabled: true } },
              { type: 'text', text: 'Where is Paris?' },
            ],
          },
        ],
      },
      /citations/,
    ],
    ['a server tool', { tools: [{ type: 'code_execution_20250825', name: 'code_execution' }] }, /server tools/],
    ['an unknown content block type', { messages: [{ role: 'user', content: [{ type: 'hologram' }] }] }, /^`messages\.0\.content\.0\.type`: .*"hologram"/],
    ['an unknown top-level field', { container: 'abc' }, /`container`/],
  ])('unsupported_parameter: %s', async (_label, extra, message) => {
    const e = invalid(await call(extra), message);
    expect(e.message).toMatch(/refuses fields it cannot carry faithfully/);
  });

  it('defaults of refused fields pass: stop_sequences [], top_k null', async () => {
    expect((await call({ stop_sequences: [] })).status).toBe(200);
    expect((await call({ top_k: null })).status).toBe(200);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['max_tokens as a string', { max_tokens: '512' }, /max_tokens/],
    ['max_tokens of 0', { max_tokens: 0 }, /max_tokens/],
    ['max_tokens fractional', { max_tokens: 1.5 }, /max_tokens/],
    ['messages missing', { messages: undefined }, /messages/],
    ['messages as a string', { messages: 'hi' }, /messages/],
    ['messages empty', { messages: [] }, /messages/],
    ['a message that is not an object', { messages: ['hi'] }, /messages\.0/],
    ['an unknown role', { messages: [{ role: 'robot', content: 'hi' }] }, /messages\.0\.role/],
    ['content as a number', { messages: [{ role: 'user', content: 5 }] }, /messages\.0\.content/],
    ['a text block without text', { messages: [{ role: 'user', content: [{ type: 'text' }] }] }, /messages\.0\.content\.0\.text/],
    ['an image with a bad source', { messages: [{ role: 'user', content: [{ type: 'image', source: 'x' }] }] }, /source/],
    [
      'a tool_result without tool_use_id',
      { messages: [{ role: 'user', content: [{ type: 'tool_result', content: 'x' }] }] },
      /tool_use_id/,
    ],
    ['system as a number', { system: 5 }, /system/],
    ['tools as an object', { tools: { name: 'f' } }, /tools/],
    ['a tool without input_schema', { tools: [{ name: 'f' }] }, /tools\.0\.input_schema/],
    ['tool_choice as a string', { tool_choice: 'auto' }, /tool_choice/],
    ['thinking without budget_tokens', { thinking: { type: 'enabled' } }, /budget_tokens/],
    ['thinking budget below 1024', { thinking: { type: 'enabled', budget_tokens: 100 } }, /budget_tokens/],
    ['temperature above 1', { temperature: 1.5 }, /temperature/],
    ['top_p as a string', { top_p: 'high' }, /top_p/],
    ['stream as a string', { stream: 'yes' }, /stream/],
    ['metadata.user_id as a number', { metadata: { user_id: 5 } }, /metadata\.user_id/],
  ])('invalid_parameter: %s', async (_label, extra, message) => {
    invalid(await call(extra), message);
  });
});

describe('/v1/interactions field rules', () => {
  const call = (extra: Record<string, unknown>): Promise<Answer> =>
    send(`${h.url}/v1/interactions`, interactions.body('hi', extra), auth());
  const invalid = (res: Answer, message: RegExp): GoogleError['error'] => expectGoogle(res, 400, 'INVALID_ARGUMENT', message);

  it('missing_max_tokens for a claude-* model names generation_config.max_output_tokens', async () => {
    invalid(await call({ model: 'claude-sonnet-4-5' }), /generation_config\.max_output_tokens/);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['generation_config.seed', { generation_config: { seed: 42 } }, /generation_config\.seed/],
    ['generation_config.stop_sequences', { generation_config: { stop_sequences: ['END'] } }, /generation_config\.stop_sequences/],
    ['generation_config.top_k', { generation_config: { top_k: 5 } }, /generation_config\.top_k/],
    ['previous_interaction_id (stateless)', { previous_interaction_id: 'v1_abc' }, /previous_interaction_id/],
    ['background: true', { background: true }, /background/],
    ['a built-in Google tool', { tools: [{ type: 'code_execution' }] }, /built-in Google tool/],
    ['audio output', { response_modalities: ['audio'] }, /"audio" output/],
    ['an unknown top-level field', { temperature: 0.5 }, /`temperature`/],
  ])('unsupported_parameter: %s', async (_label, extra, message) => {
    const e = invalid(await call(extra), message);
    expect(e.message).toMatch(/refuses fields it cannot carry faithfully/);
  });

  it('defaults of refused fields pass: background false, stop_sequences []', async () => {
    expect((await call({ background: false })).status).toBe(200);
    expect((await call({ generation_config: { stop_sequences: [] } })).status).toBe(200);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['input missing', { input: undefined }, /input/],
    ['input as a number', { input: 5 }, /input/],
    ['input empty', { input: [] }, /input/],
    ['an unknown step type', { input: [{ type: 'hologram' }] }, /input\[0\]\.type/],
    ['a function_result without call_id', { input: [{ type: 'function_result', result: 'x' }] }, /call_id/],
    ['a text block without text', { input: [{ type: 'text' }] }, /input\[0\]\.text/],
    ['generation_config as a string', { generation_config: 'fast' }, /generation_config/],
    ['max_output_tokens negative', { generation_config: { max_output_tokens: -1 } }, /max_output_tokens/],
    ['temperature as a string', { generation_config: { temperature: 'hot' } }, /temperature/],
    ['an unknown thinking_level', { generation_config: { thinking_level: 'extreme' } }, /thinking_level/],
    ['tools as an object', { tools: { type: 'function' } }, /tools/],
    ['a function tool without name', { tools: [{ type: 'function' }] }, /tools\[0\]\.name/],
    ['system_instruction as a number', { system_instruction: 5 }, /system_instruction/],
    ['stream as a string', { stream: 'yes' }, /stream/],
  ])('invalid_parameter: %s', async (_label, extra, message) => {
    invalid(await call(extra), message);
  });
});

describe('configuration and server faults', () => {
  it('no_byok_key / no_gemini_key / no_anthropic_key → 400, upstream_unavailable → 502/503', async () => {
    const bare = await startHarness({
      env: { OPENAI_API_KEY: '', GEMINI_API_KEY: '', ANTHROPIC_API_KEY: '', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
    });
    try {
      const headers = { authorization: `Bearer ${bare.key}` };
      for (const d of [messages, interactions]) {
        const to = (extra: Record<string, unknown>): Promise<Answer> => send(`${bare.url}${d.path}`, d.body('hi', extra), headers);
        d.expect(await to({}), 400, /No OpenAI key/);
        d.expect(await to({ model: 'gemini-2.5-flash' }), 400, /No Gemini key/);
        const claude = d.name === 'messages' ? {} : { generation_config: { max_output_tokens: 64 } };
        d.expect(await to({ model: 'claude-sonnet-4-5', ...claude }), 400, /No Anthropic key/);
      }
      const org = await bare.gateway.deps.store.ensureOrganization('e2e');
      const { seal } = await import('../../src/store/secrets.js');
      const { resolveMasterKey } = await import('../../src/server/provider-keys.js');
      await bare.gateway.deps.store.setProviderKey(org.id, 'openai', seal('sk-org-key', resolveMasterKey(bare.gateway.deps.config)));
      for (const d of [messages, interactions]) {
        const res = await send(`${bare.url}${d.path}`, d.body(), headers);
        expect([502, 503]).toContain(res.status);
        d.expect(res, res.status);
      }
    } finally {
      await bare.close();
    }
  });

  it('rate_limit_exceeded → 429 with Retry-After: failed-auth flood and organization rate', async () => {
    const limited = await startHarness({ env: { FLEX_AUTH_FAILURES_PER_MINUTE: '2' } });
    try {
      // Two failed attempts are answered 401, each in its dialect; the third address is blocked.
      messages.expect(await send(`${limited.url}/v1/messages`, messages.body(), { 'x-api-key': 'wrong' }), 401);
      interactions.expect(await send(`${limited.url}/v1/interactions`, interactions.body(), { 'x-goog-api-key': 'wrong' }), 401);
      const flood = await send(`${limited.url}/v1/messages`, messages.body(), { authorization: 'Bearer wrong' });
      expectAnthropic(flood, 429, 'rate_limit_error', /failed authentication attempts/);
      expect(flood.headers.get('retry-after')).toBe('60');
      const floodGoogle = await send(`${limited.url}/v1/interactions`, interactions.body(), { 'x-goog-api-key': 'wrong' });
      expectGoogle(floodGoogle, 429, 'RESOURCE_EXHAUSTED', /failed authentication attempts/);
      expect(floodGoogle.headers.get('retry-after')).toBe('60');
    } finally {
      await limited.close();
    }
    const busy = await startHarness({ env: { FLEX_ORG_RPS: '1' } });
    try {
      for (const d of [messages, interactions]) {
        const answers: Answer[] = [];
        for (let i = 0; i < 8; i++) answers.push(await send(`${busy.url}${d.path}`, d.body(), { authorization: `Bearer ${busy.key}` }));
        const refused = answers.find((a) => a.status === 429);
        expect(refused, `${d.name}: no 429 among ${answers.map((a) => a.status).join(',')}`).toBeDefined();
        d.expect(refused!, 429, /request rate/);
        expect(refused!.headers.get('retry-after')).toBe('5');
      }
    } finally {
      await busy.close();
    }
  });

  it('internal_error → 500 in the dialect, without internals', async () => {
    const broken: Provider = {
      name: 'openai',
      stream() {
        throw new TypeError('Cannot read properties of undefined (secret internals)');
      },
    };
    const faulty = await startHarness({ gateway: { providers: { openai: broken } } });
    try {
      for (const d of [messages, interactions]) {
        const res = await send(`${faulty.url}${d.path}`, d.body(), { authorization: `Bearer ${faulty.key}` });
        d.expect(res, 500, /internal error/);
        expect(res.text).not.toContain('secret internals');
      }
    } finally {
      await faulty.close();
    }
  });
});
