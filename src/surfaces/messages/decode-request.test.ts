import { describe, expect, it } from 'vitest';
import { FlexError } from '../../errors/catalog.js';
import type { ErrorCode } from '../../errors/catalog.js';
import { messagesSurface } from './index.js';
import { fixtureText } from './test-support/recorded.js';

function body(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    start_within: 'default',
    messages: [{ role: 'user', content: 'Hello' }],
    ...extra,
  };
}

function decode(extra: Record<string, unknown> = {}) {
  return messagesSurface.decode(body(extra));
}

/** Decoding must fail with this code and param; the rendered Anthropic error is checked too. */
function expectError(raw: Record<string, unknown>, code: ErrorCode, param: string, messagePart?: string): FlexError {
  let caught: unknown;
  try {
    messagesSurface.decode(raw);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(FlexError);
  const err = caught as FlexError;
  expect({ code: err.code, param: err.param, status: err.status }).toEqual({ code, param, status: 400 });
  const rendered = messagesSurface.renderError(err, 'https://flex.example');
  expect(rendered.status).toBe(400);
  expect(rendered.body).toEqual({
    type: 'error',
    error: { type: 'invalid_request_error', message: expect.stringContaining(err.message) as string, code: err.code },
  });
  // The envelope has no `param`: the rendered message always names the field.
  expect((rendered.body as { error: { message: string } }).error.message).toContain(param);
  if (messagePart !== undefined) expect(err.message).toContain(messagePart);
  return err;
}

describe('messages surface basics', () => {
  it('declares its route and token-limit field', () => {
    expect(messagesSurface.name).toBe('messages');
    expect(messagesSurface.path).toBe('/v1/messages');
    expect(messagesSurface.maxTokensParam).toBe('max_tokens');
  });

  it('decodes a minimal request, ignoring start_within', () => {
    const decoded = decode();
    expect(decoded.stream).toBe(false);
    expect(decoded.request).toEqual({
      model: 'claude-sonnet-4-5',
      maxOutputTokens: 1024,
      input: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    });
    expect(typeof decoded.encodeResponse).toBe('function');
    expect(typeof decoded.createStreamEncoder).toBe('function');
  });

  it('reads stream, temperature, top_p and metadata.user_id', () => {
    const decoded = decode({ stream: true, temperature: 0.3, top_p: 0.9, metadata: { user_id: 'u-42' } });
    expect(decoded.stream).toBe(true);
    expect(decoded.request).toMatchObject({ temperature: 0.3, topP: 0.9, user: 'u-42' });
  });
});

describe('max_tokens', () => {
  it('is required for every model', () => {
    const { max_tokens: _omit, ...raw } = body();
    const err = expectError({ ...raw, model: 'gpt-5' }, 'missing_max_tokens', 'max_tokens', '"max_tokens": 1024');
    expect(err.message).toContain('`max_tokens` is missing.');
  });

  it('must be a positive integer', () => {
    expectError(body({ max_tokens: '100' }), 'invalid_parameter', 'max_tokens', 'must be an integer of at least 1');
    expectError(body({ max_tokens: 0 }), 'invalid_parameter', 'max_tokens');
    expectError(body({ max_tokens: 1.5 }), 'invalid_parameter', 'max_tokens');
  });
});

describe('system', () => {
  it('takes a string', () => {
    expect(decode({ system: 'Be brief.' }).request.instructions).toBe('Be brief.');
  });

  it('takes text blocks, joined as paragraphs', () => {
    const system = [
      { type: 'text', text: 'One.' },
      { type: 'text', text: 'Two.' },
    ];
    expect(decode({ system }).request.instructions).toBe('One.\n\nTwo.');
  });

  it('refuses cache_control on a system block', () => {
    const system = [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral' } }];
    expectError(body({ system }), 'unsupported_parameter', 'system.0.cache_control', 'prompt caching');
  });

  it('refuses a wrong type', () => {
    expectError(body({ system: 42 }), 'invalid_parameter', 'system', 'must be an array');
  });
});

describe('messages content', () => {
  it('decodes text and images (base64 and url) into one user message', () => {
    const content = [
      { type: 'text', text: 'What is this?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ];
    expect(decode({ messages: [{ role: 'user', content }] }).request.input).toEqual([
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });

  it('decodes the recorded tool loop with thinking (cassette test_anthropic_tool_with_thinking)', () => {
    const signature = /- signature: (\S+)/.exec(fixtureText('test_anthropic_tool_with_thinking.yaml'))?.[1] ?? '';
    const messages = [
      { role: 'user', content: [{ type: 'text', text: 'What is the largest city in the user country?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Let me call the get_user_country function first.', signature },
          { type: 'text', text: "I'll help you find the largest city in your country." },
          { type: 'tool_use', id: 'toolu_01YGzqpRE16Vricda3Aqcejo', name: 'get_user_country', input: {} },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_01YGzqpRE16Vricda3Aqcejo', content: 'Mexico', is_error: false }],
      },
    ];
    expect(decode({ messages }).request.input).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'text', text: 'What is the largest city in the user country?' }] },
      {
        type: 'reasoning',
        id: 'rs_1_0',
        summary: [],
        text: 'Let me call the get_user_country function first.',
        opaque: { provider: 'anthropic', data: signature },
      },
      { type: 'message', role: 'assistant', content: [{ type: 'text', text: "I'll help you find the largest city in your country." }] },
      {
        type: 'function_call',
        id: 'toolu_01YGzqpRE16Vricda3Aqcejo',
        callId: 'toolu_01YGzqpRE16Vricda3Aqcejo',
        name: 'get_user_country',
        arguments: '{}',
      },
      { type: 'function_call_output', callId: 'toolu_01YGzqpRE16Vricda3Aqcejo', output: 'Mexico', isError: false },
    ]);
  });

  it('decodes tool_use input as JSON text and tool_result blocks with is_error', () => {
    const messages = [
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: { a: [1, 2] } }] },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 't1',
            is_error: true,
            content: [
              { type: 'text', text: 'failed' },
              { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
            ],
          },
          { type: 'text', text: 'Try again' },
        ],
      },
    ];
    expect(decode({ messages }).request.input).toEqual([
      { type: 'function_call', id: 't1', callId: 't1', name: 'f', arguments: '{"a":[1,2]}' },
      {
        type: 'function_call_output',
        callId: 't1',
        isError: true,
        output: [
          { type: 'text', text: 'failed' },
          { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
        ],
      },
      { type: 'message', role: 'user', content: [{ type: 'text', text: 'Try again' }] },
    ]);
  });

  it('decodes redacted_thinking as redacted Anthropic state', () => {
    const messages = [{ role: 'assistant', content: [{ type: 'redacted_thinking', data: 'EmwKAhgB' }] }];
    expect(decode({ messages }).request.input).toEqual([
      { type: 'reasoning', id: 'rs_0_0', summary: [], opaque: { provider: 'anthropic', data: 'EmwKAhgB', redacted: true } },
    ]);
  });

  it('gives back OpenAI and Gemini state from prefixed signatures', () => {
    const messages = [
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Summary', signature: 'flexinf:openai:rs_9:gAAAAB' },
          { type: 'thinking', thinking: '', signature: 'flexinf:gemini:U0lH' },
          { type: 'tool_use', id: 'c1', name: 'f', input: {} },
          { type: 'thinking', thinking: '', signature: 'flexinf:gemini-call:Q0FMTA==' },
        ],
      },
    ];
    expect(decode({ messages }).request.input).toEqual([
      { type: 'reasoning', id: 'rs_9', summary: ['Summary'], opaque: { provider: 'openai', data: 'gAAAAB' } },
      { type: 'reasoning', id: 'rs_0_1', summary: [], opaque: { provider: 'gemini', data: 'U0lH' } },
      { type: 'function_call', id: 'c1', callId: 'c1', name: 'f', arguments: '{}', opaque: { provider: 'gemini', data: 'Q0FMTA==' } },
    ]);
  });

  it('refuses unknown signature tags and call state without a call', () => {
    const bad = [{ role: 'assistant', content: [{ type: 'thinking', thinking: '', signature: 'flexinf:mystery:x' }] }];
    expectError(body({ messages: bad }), 'invalid_parameter', 'messages.0.content.0.signature', 'unknown FlexInference signature tag');
    const orphan = [{ role: 'assistant', content: [{ type: 'thinking', thinking: '', signature: 'flexinf:gemini-call:x' }] }];
    expectError(body({ messages: orphan }), 'invalid_parameter', 'messages.0.content.0.signature', 'follows no tool_use');
  });

  it('carries a plain-text document as text, with a warning for its title', () => {
    const content = [{ type: 'document', title: 'Notes', source: { type: 'text', media_type: 'text/plain', data: 'Body' } }];
    const { request, warnings } = decode({ messages: [{ role: 'user', content }] });
    expect(request.input).toEqual([{ type: 'message', role: 'user', content: [{ type: 'text', text: 'Body' }] }]);
    expect(warnings).toEqual([
      { code: 'translated', field: 'messages.0.content.0.title', message: 'The document title was dropped; the document text was sent as a text part.' },
    ]);
  });

  it('carries PDF documents (base64, URL, an Anthropic file) as canonical files, the title as the file name', () => {
    const pdf = { type: 'document', title: 'report.pdf', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } };
    const url = { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } };
    const file = { type: 'document', source: { type: 'file', file_id: 'file_011' } };
    const { request } = decode({ messages: [{ role: 'user', content: [pdf, url, file] }] });
    expect(request.input).toEqual([{
      type: 'message',
      role: 'user',
      content: [
        { type: 'file', source: { type: 'base64', mediaType: 'application/pdf', data: 'JVBE' }, filename: 'report.pdf' },
        { type: 'file', source: { type: 'url', url: 'https://example.com/a.pdf' } },
        { type: 'file', source: { type: 'file_id', provider: 'anthropic', id: 'file_011' } },
      ],
    }]);
  });

  it('decodes a replayed web search: server_tool_use and its result are one web_search_call; citations dropped with a warning', () => {
    const assistant = [
      { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: { query: 'tides' } },
      { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_01', content: [{ type: 'web_search_result', url: 'https://a.example/', title: 'A', encrypted_content: 'x', page_age: null }] },
      { type: 'text', text: 'High tide is at noon.', citations: [{ type: 'web_search_result_location', url: 'https://a.example/', title: 'A', cited_text: 'noon', encrypted_index: 'y' }] },
    ];
    const { request, warnings } = decode({ messages: [{ role: 'user', content: 'When?' }, { role: 'assistant', content: assistant }, { role: 'user', content: 'Thanks' }] });
    expect(request.input[1]).toEqual({ type: 'web_search_call', id: 'ws_srvtoolu_01', status: 'completed', provider: 'anthropic', queries: ['tides'], sources: [{ url: 'https://a.example/', title: 'A' }] });
    expect(request.input[2]).toEqual({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'High tide is at noon.' }] });
    expect(warnings.map((w) => `${w.code}:${w.field}`)).toEqual(['translated:messages.1.content.2.citations']);
  });

  it('refuses documents with citations, unknown document sources and file images', () => {
    const cited = [{ type: 'document', citations: { enabled: true }, source: { type: 'text', media_type: 'text/plain', data: 'x' } }];
    expectError(body({ messages: [{ role: 'user', content: cited }] }), 'unsupported_parameter', 'messages.0.content.0.citations');
    const content = [{ type: 'document', source: { type: 'content', content: [] } }];
    expectError(body({ messages: [{ role: 'user', content }] }), 'unsupported_parameter', 'messages.0.content.0.source.type');
    const file = [{ type: 'image', source: { type: 'file', file_id: 'file_1' } }];
    expectError(body({ messages: [{ role: 'user', content: file }] }), 'unsupported_parameter', 'messages.0.content.0.source.type');
  });

  it('refuses cache_control on content blocks and tool results', () => {
    const text = [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral' } }];
    expectError(body({ messages: [{ role: 'user', content: text }] }), 'unsupported_parameter', 'messages.0.content.0.cache_control');
    const result = [{ type: 'tool_result', tool_use_id: 't', content: 'x', cache_control: { type: 'ephemeral' } }];
    expectError(body({ messages: [{ role: 'user', content: result }] }), 'unsupported_parameter', 'messages.0.content.0.cache_control');
  });

  it('refuses unsupported block types', () => {
    const content = [{ type: 'search_result', source: 'x', title: 't', content: [] }];
    expectError(body({ messages: [{ role: 'user', content }] }), 'unsupported_parameter', 'messages.0.content.0.type', 'search_result');
  });

  it('refuses wrong shapes with the exact path', () => {
    expectError(body({ messages: 'hi' }), 'invalid_parameter', 'messages', 'must be an array');
    expectError(body({ messages: [] }), 'invalid_parameter', 'messages', 'at least one');
    expectError(body({ messages: [{ role: 'bot', content: 'x' }] }), 'invalid_parameter', 'messages.0.role', '"user" or "assistant"');
    expectError(body({ messages: [{ role: 'user', content: 5 }] }), 'invalid_parameter', 'messages.0.content');
    expectError(body({ messages: [{ role: 'user', content: [{ type: 'text', text: 5 }] }] }), 'invalid_parameter', 'messages.0.content.0.text');
    const misplaced = [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }];
    expectError(body({ messages: misplaced }), 'invalid_parameter', 'messages.0.content.0.type', 'belong in assistant messages');
    const badInput = [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: [] }] }];
    expectError(body({ messages: badInput }), 'invalid_parameter', 'messages.0.content.0.input');
  });
});

describe('tools and tool_choice', () => {
  const tools = [
    {
      name: 'get_weather',
      description: 'Weather by city',
      input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
    { type: 'custom', name: 'noop', input_schema: { type: 'object', properties: {} }, strict: true },
  ];

  it('decodes custom tools into function tools', () => {
    expect(decode({ tools }).request.tools).toEqual([
      {
        type: 'function',
        name: 'get_weather',
        description: 'Weather by city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
      { type: 'function', name: 'noop', parameters: { type: 'object', properties: {} }, strict: true },
    ]);
  });

  it('maps every tool_choice', () => {
    expect(decode({ tool_choice: { type: 'auto' } }).request.toolChoice).toEqual({ type: 'auto' });
    expect(decode({ tool_choice: { type: 'any' } }).request.toolChoice).toEqual({ type: 'required' });
    expect(decode({ tool_choice: { type: 'none' } }).request.toolChoice).toEqual({ type: 'none' });
    const forced = decode({ tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true } }).request;
    expect(forced.toolChoice).toEqual({ type: 'function', name: 'get_weather' });
    expect(forced.parallelToolCalls).toBe(false);
    expect(decode({ tool_choice: { type: 'auto', disable_parallel_tool_use: false } }).request.parallelToolCalls).toBeUndefined();
  });

  it('maps the web search tool to the canonical one, keeping it for Anthropic', () => {
    const tool = { type: 'web_search_20250305', name: 'web_search', max_uses: 3, blocked_domains: ['spam.example'], user_location: { type: 'approximate', city: 'Oslo' } };
    const { request } = decode({ tools: [tool] });
    expect(request.tools).toEqual([]);
    expect(request.webSearch).toEqual({ field: 'tools.0', maxUses: 3, blockedDomains: ['spam.example'], userLocation: { city: 'Oslo' }, raw: { provider: 'anthropic', tool } });
  });

  it('refuses other server tools, cache_control on tools and bad choices', () => {
    expectError(body({ tools: [{ type: 'code_execution_20250825', name: 'code_execution' }] }), 'unsupported_parameter', 'tools.0.type', 'web search tool');
    expectError(body({ tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 0 }] }), 'invalid_parameter', 'tools.0.max_uses');
    const cached = [{ name: 'f', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }];
    expectError(body({ tools: cached }), 'unsupported_parameter', 'tools.0.cache_control');
    expectError(body({ tools: [{ name: 'f' }] }), 'invalid_parameter', 'tools.0.input_schema');
    expectError(body({ tool_choice: { type: 'sometimes' } }), 'invalid_parameter', 'tool_choice.type');
    expectError(body({ tool_choice: { type: 'tool' } }), 'invalid_parameter', 'tool_choice.name');
  });
});

describe('thinking and output_config', () => {
  it('maps a thinking budget to a budget and an effort', () => {
    expect(decode({ thinking: { type: 'enabled', budget_tokens: 1024 } }).request.reasoning).toEqual({
      effort: 'low',
      budgetTokens: 1024,
      summary: 'auto',
    });
    expect(decode({ thinking: { type: 'enabled', budget_tokens: 4000 } }).request.reasoning?.effort).toBe('medium');
    expect(decode({ thinking: { type: 'enabled', budget_tokens: 10000 } }).request.reasoning?.effort).toBe('high');
    expect(decode({ thinking: { type: 'enabled', budget_tokens: 3000 } }).request.includeEncryptedReasoning).toBe(true);
  });

  it('maps adaptive to medium, disabled to none, and display omitted to no summary', () => {
    expect(decode({ thinking: { type: 'adaptive' } }).request.reasoning).toEqual({ effort: 'medium', summary: 'auto' });
    expect(decode({ thinking: { type: 'adaptive', display: 'omitted' } }).request.reasoning).toEqual({ effort: 'medium' });
    const disabled = decode({ thinking: { type: 'disabled' } }).request;
    expect(disabled.reasoning).toEqual({ effort: 'none' });
    expect(disabled.includeEncryptedReasoning).toBeUndefined();
  });

  it('refuses a budget under 1024 and unknown thinking types', () => {
    expectError(body({ thinking: { type: 'enabled', budget_tokens: 500 } }), 'invalid_parameter', 'thinking.budget_tokens', 'at least 1024');
    expectError(body({ thinking: { type: 'enabled' } }), 'invalid_parameter', 'thinking.budget_tokens');
    expectError(body({ thinking: { type: 'between_tools' } }), 'unsupported_parameter', 'thinking.type');
  });

  it('lets output_config.effort set the effort, mapping max to xhigh with a warning', () => {
    const { request, warnings } = decode({ thinking: { type: 'adaptive' }, output_config: { effort: 'max' } });
    expect(request.reasoning).toEqual({ effort: 'xhigh', summary: 'auto' });
    expect(warnings).toEqual([
      { code: 'reasoning_changed', field: 'output_config.effort', message: 'Effort "max" was mapped to the highest canonical effort, "xhigh".' },
    ]);
    expect(decode({ output_config: { effort: 'low' } }).request.reasoning).toEqual({ effort: 'low' });
    expectError(body({ output_config: { effort: 'extreme' } }), 'invalid_parameter', 'output_config.effort');
  });

  it('maps a JSON schema output format (output_config.format or legacy output_format)', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
    const expected = { type: 'json_schema', name: 'output', schema, strict: true };
    expect(decode({ output_config: { format: { type: 'json_schema', schema } } }).request.output).toEqual(expected);
    expect(decode({ output_format: { type: 'json_schema', schema } }).request.output).toEqual(expected);
    expectError(
      body({ output_format: { type: 'json_schema', schema }, output_config: { format: { type: 'json_schema', schema } } }),
      'invalid_parameter',
      'output_format',
    );
    expectError(body({ output_config: { format: { type: 'text' } } }), 'invalid_parameter', 'output_config.format.type');
  });
});

describe('refused fields', () => {
  it('refuses service_tier with service_tier_not_allowed', () => {
    const err = expectError(body({ service_tier: 'auto' }), 'service_tier_not_allowed', 'service_tier');
    expect(err.message).toContain('start_within');
  });

  it('refuses top_k and non-empty stop_sequences, letting their defaults pass', () => {
    expectError(body({ top_k: 40 }), 'unsupported_parameter', 'top_k', 'top_k');
    expectError(body({ stop_sequences: ['END'] }), 'unsupported_parameter', 'stop_sequences');
    expect(() => decode({ stop_sequences: [], top_k: null })).not.toThrow();
  });

  it('refuses a top-level cache_control and unknown fields', () => {
    expectError(body({ cache_control: { type: 'ephemeral' } }), 'unsupported_parameter', 'cache_control');
    expectError(body({ container: 'c_1' }), 'unsupported_parameter', 'container', '`container` is not supported on /v1/messages.');
    expectError(body({ metadata: { user_id: 'u', team: 'x' } }), 'unsupported_parameter', 'metadata.team');
  });

  it('refuses wrong types of sampling fields', () => {
    expectError(body({ temperature: 1.5 }), 'invalid_parameter', 'temperature', 'from 0 to 1');
    expectError(body({ top_p: 'high' }), 'invalid_parameter', 'top_p');
    expectError(body({ stream: 'yes' }), 'invalid_parameter', 'stream', 'true or false');
  });
});
