import { describe, expect, it } from 'vitest';
import { FlexError } from '../../errors/catalog.js';
import { decodeChatRequest } from './decode-request.js';
import { chatSurface } from './index.js';

const base = { model: 'gpt-5-mini', start_within: '00h-00m-30s', messages: [{ role: 'user', content: 'Hello' }] };

function decode(extra: Record<string, unknown>) {
  return chatSurface.decode({ ...base, ...extra });
}

function expectFailure(extra: Record<string, unknown>, code: string, param: string): void {
  let caught: unknown;
  try {
    decode(extra);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(FlexError);
  const err = caught as FlexError;
  expect({ code: err.code, status: err.status, param: err.param }).toEqual({ code, status: 400, param });
}

describe('chat decode: messages', () => {
  it('decodes the recorded tool round trip (test_run_stream_sync_streams_real_model.yaml, turn 2)', () => {
    const { request, stream } = decode({
      messages: [
        { content: 'What is the capital of the UK? Use the tool, then answer.', role: 'user' },
        {
          content: null,
          role: 'assistant',
          tool_calls: [{ function: { arguments: '{"country":"UK"}', name: 'get_capital' }, id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', type: 'function' }],
        },
        { content: 'London', role: 'tool', tool_call_id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      tool_choice: 'auto',
      tools: [
        {
          function: {
            description: '',
            name: 'get_capital',
            parameters: { additionalProperties: false, properties: { country: { type: 'string' } }, required: ['country'], type: 'object' },
            strict: true,
          },
          type: 'function',
        },
      ],
    });
    expect(stream).toBe(true);
    expect(request.input).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'text', text: 'What is the capital of the UK? Use the tool, then answer.' }] },
      { type: 'function_call', id: '', callId: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', name: 'get_capital', arguments: '{"country":"UK"}' },
      { type: 'function_call_output', callId: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', output: 'London' },
    ]);
    expect(request.toolChoice).toEqual({ type: 'auto' });
    expect(request.tools?.[0]).toMatchObject({ type: 'function', name: 'get_capital', description: '', strict: true });
    expect(decodeChatRequest({ ...base, stream: true, stream_options: { include_usage: true } }).includeUsage).toBe(true);
  });

  it('keeps system and developer messages in place, with text parts', () => {
    const { request } = decode({
      messages: [
        { role: 'system', content: 'Sys' },
        { role: 'developer', content: [{ type: 'text', text: 'Dev' }] },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(request.input.map((i) => (i.type === 'message' ? [i.role, i.content] : i.type))).toEqual([
      ['system', [{ type: 'text', text: 'Sys' }]],
      ['developer', [{ type: 'text', text: 'Dev' }]],
      ['user', [{ type: 'text', text: 'Hi' }]],
    ]);
  });

  it('decodes user text and image parts (URL and base64 data URL)', () => {
    const { request } = decode({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.jpg', detail: 'high' } },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
          ],
        },
      ],
    });
    expect(request.input[0]).toEqual({
      type: 'message',
      role: 'user',
      content: [
        { type: 'text', text: 'What is this?' },
        { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' }, detail: 'high' },
        { type: 'image', source: { type: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQ' } },
      ],
    });
  });

  it('decodes assistant content, refusal and tool calls into a message then function calls', () => {
    const { request } = decode({
      messages: [
        { role: 'user', content: 'x' },
        {
          role: 'assistant',
          content: 'Checking.',
          refusal: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'a', arguments: '{}' } },
            { id: 'call_2', type: 'function', function: { name: 'b', arguments: '{"n":1}' } },
          ],
        },
        { role: 'assistant', content: null, refusal: 'I cannot.' },
        { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'ok' }] },
      ],
    });
    expect(request.input.slice(1)).toEqual([
      { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Checking.' }] },
      { type: 'function_call', id: '', callId: 'call_1', name: 'a', arguments: '{}' },
      { type: 'function_call', id: '', callId: 'call_2', name: 'b', arguments: '{"n":1}' },
      { type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot.' }] },
      { type: 'function_call_output', callId: 'call_1', output: [{ type: 'text', text: 'ok' }] },
    ]);
  });
});

describe('chat decode: replayed SDK messages', () => {
  it('accepts the parsed / parsed_arguments fields the openai SDK adds to messages it returns', () => {
    // chat.completions.stream().finalChatCompletion() and .parse() add them (openai lib/parser).
    const { request } = decode({
      messages: [
        { role: 'user', content: 'x' },
        {
          role: 'assistant',
          content: null,
          refusal: null,
          parsed: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'a', arguments: '{"n":1}', parsed_arguments: { n: 1 } } }],
        },
      ],
    });
    expect(request.input.slice(1)).toEqual([{ type: 'function_call', id: '', callId: 'call_1', name: 'a', arguments: '{"n":1}' }]);
  });
});

describe('chat decode: options', () => {
  it('maps every accepted option', () => {
    const { request } = decode({
      max_completion_tokens: 100,
      temperature: 0.5,
      top_p: 0.8,
      user: 'u',
      metadata: { a: 'b' },
      parallel_tool_calls: false,
      reasoning_effort: 'low',
      store: false,
      tool_choice: { type: 'function', function: { name: 'f' } },
      response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object' }, strict: true, description: 'd' } },
    });
    expect(request).toMatchObject({
      maxOutputTokens: 100,
      temperature: 0.5,
      topP: 0.8,
      user: 'u',
      metadata: { a: 'b' },
      parallelToolCalls: false,
      reasoning: { effort: 'low' },
      toolChoice: { type: 'function', name: 'f' },
      output: { type: 'json_schema', name: 'r', schema: { type: 'object' }, strict: true, description: 'd' },
    });
  });

  it('accepts max_tokens, and max_completion_tokens wins over it', () => {
    expect(decode({ max_tokens: 64 }).request.maxOutputTokens).toBe(64);
    expect(decode({ max_tokens: 64, max_completion_tokens: 32 }).request.maxOutputTokens).toBe(32);
  });

  it.each(['text', 'json_object'] as const)('accepts response_format %s', (type) => {
    expect(decode({ response_format: { type } }).request.output).toEqual({ type });
  });

  it('passes every refused field at its default value', () => {
    expect(() =>
      decode({
        presence_penalty: 0,
        frequency_penalty: 0,
        logit_bias: {},
        logprobs: false,
        top_logprobs: null,
        seed: null,
        stop: null,
        prediction: null,
        audio: null,
        modalities: ['text'],
        web_search_options: null,
        n: 1,
        service_tier: null,
      }),
    ).not.toThrow();
    expect(() => decode({ stop: [], logit_bias: null, n: null })).not.toThrow();
  });
});

describe('chat decode: OpenAI-native fields (docs/product.md §6)', () => {
  it('carries each set field in its Responses form, refusable for other providers', () => {
    const { request } = decode({
      verbosity: 'low',
      prompt_cache_key: 'tenant-42',
      prompt_cache_retention: '24h',
      prompt_cache_options: { mode: 'explicit', ttl: '30m' },
      moderation: { model: 'omni-moderation-latest', policy: { input: { mode: 'block' } } },
      store: true,
      response_format: { type: 'json_object' },
    });
    expect(request.native).toEqual({
      provider: 'openai',
      body: {
        text: { verbosity: 'low' },
        prompt_cache_key: 'tenant-42',
        prompt_cache_retention: '24h',
        prompt_cache_options: { mode: 'explicit', ttl: '30m' },
        moderation: { model: 'omni-moderation-latest', policy: { input: { mode: 'block' } } },
        store: true,
      },
      tools: [],
      refusable: ['verbosity', 'prompt_cache_key', 'prompt_cache_retention', 'prompt_cache_options', 'moderation', 'store'].map((param) => ({
        param,
        instead: expect.any(String),
      })),
    });
    // Verbosity travels beside the translated response format, not instead of it.
    expect(request.output).toEqual({ type: 'json_object' });
  });

  it('leaves defaults out, so any model takes them', () => {
    expect(decode({ verbosity: 'medium', store: false, prompt_cache_key: null, moderation: null }).request.native).toBeUndefined();
  });

  it.each([
    [{ verbosity: 'loud' }, 'verbosity'],
    [{ verbosity: 'medium ' }, 'verbosity'],
    [{ prompt_cache_key: 42 }, 'prompt_cache_key'],
    [{ prompt_cache_options: 'explicit' }, 'prompt_cache_options'],
    [{ moderation: true }, 'moderation'],
    [{ store: 'yes' }, 'store'],
  ])('checks the type of %j', (extra, param) => {
    expectFailure(extra, 'invalid_parameter', param);
  });
});

describe('chat decode: refusals (docs/product.md §6)', () => {
  it.each([
    ['presence_penalty', 0.5],
    ['frequency_penalty', -1],
    ['logit_bias', { '50256': -100 }],
    ['logprobs', true],
    ['top_logprobs', 2],
    ['seed', 42],
    ['stop', '\n'],
    ['stop', ['END']],
    ['prediction', { type: 'content', content: 'x' }],
    ['audio', { voice: 'alloy', format: 'mp3' }],
    ['modalities', ['text', 'audio']],
    ['n', 2],
    ['functions', [{ name: 'f' }]],
    ['function_call', 'auto'],
  ])('refuses %s = %j with unsupported_parameter', (field, value) => {
    expectFailure({ [field]: value }, 'unsupported_parameter', field);
  });

  it.each(['auto', 'default', 'flex', 'scale', 'priority'])('refuses service_tier %s', (tier) => {
    expectFailure({ service_tier: tier }, 'service_tier_not_allowed', 'service_tier');
  });

  it.each([
    [{ tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'tools[0].type'],
    [{ tool_choice: { type: 'allowed_tools', allowed_tools: {} } }, 'tool_choice.type'],
    [{ messages: [{ role: 'user', content: 'x', name: 'bob' }] }, 'messages[0].name'],
    [{ messages: [{ role: 'function', name: 'f', content: 'x' }] }, 'messages[0].name'],
    [{ messages: [{ role: 'function', content: 'x' }] }, 'messages[0].role'],
    [{ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }, 'messages[0].content[0].type'],
    [{ messages: [{ role: 'user', content: [{ type: 'file', file: {} }] }] }, 'messages[0].content[0].type'],
    [{ messages: [{ role: 'assistant', audio: { id: 'a' } }] }, 'messages[0].audio'],
    [{ banana: true }, 'banana'],
  ])('refuses %j with unsupported_parameter at %s', (extra, param) => {
    expectFailure(extra, 'unsupported_parameter', param);
  });
});

describe('chat decode: wrong types and shapes', () => {
  it.each([
    [{ messages: 'hi' }, 'messages'],
    [{ messages: [] }, 'messages'],
    [{ messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
    [{ messages: [{ role: 'user', content: 5 }] }, 'messages[0].content'],
    [{ messages: [{ role: 'user', content: 'a' }, { role: 'user', content: [{ type: 'image_url', image_url: { url: 'nope' } }] }] }, 'messages[1].content[0].image_url.url'],
    [{ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: 'https://x' }] }] }, 'messages[0].content[0].image_url'],
    [{ messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x' } }] }] }, 'messages[0].content[0].type'],
    [{ messages: [{ role: 'assistant', content: null }] }, 'messages[0].content'],
    [{ messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f' } }] }] }, 'messages[0].tool_calls[0].function.arguments'],
    [{ messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
    [{ tools: [{ type: 'function', function: { description: 'no name' } }] }, 'tools[0].function.name'],
    [{ tool_choice: 'any' }, 'tool_choice'],
    [{ tool_choice: { type: 'function', function: {} } }, 'tool_choice.function.name'],
    [{ response_format: { type: 'json_schema' } }, 'response_format.json_schema'],
    [{ response_format: { type: 'yaml' } }, 'response_format.type'],
    [{ reasoning_effort: 'extreme' }, 'reasoning_effort'],
    [{ max_completion_tokens: -1 }, 'max_completion_tokens'],
    [{ max_tokens: '10' }, 'max_tokens'],
    [{ temperature: -0.1 }, 'temperature'],
    [{ top_p: 2 }, 'top_p'],
    [{ stream: 1 }, 'stream'],
    [{ stream_options: { include_usage: true } }, 'stream_options'],
    [{ stream: true, stream_options: { include_usage: 'yes' } }, 'stream_options.include_usage'],
    [{ n: 'two' }, 'n'],
    [{ seed: 'abc' }, 'seed'],
    [{ metadata: { a: 1 } }, 'metadata.a'],
    [{ user: 7 }, 'user'],
  ])('refuses %j with invalid_parameter at %s', (extra, param) => {
    expectFailure(extra, 'invalid_parameter', param);
  });
});
