import { describe, expect, it } from 'vitest';
import { FlexError } from '../../errors/catalog.js';
import { responsesSurface } from './index.js';

const base = { model: 'gpt-5-mini', start_within: '00h-00m-30s', input: 'Hello' };

function decode(extra: Record<string, unknown>) {
  return responsesSurface.decode({ ...base, ...extra });
}

function failure(extra: Record<string, unknown>): FlexError {
  try {
    decode(extra);
  } catch (err) {
    if (err instanceof FlexError) return err;
    throw err;
  }
  throw new Error('expected decode to throw');
}

function expectFailure(extra: Record<string, unknown>, code: string, param: string): void {
  const err = failure(extra);
  expect({ code: err.code, status: err.status, param: err.param }).toEqual({ code, status: 400, param });
}

describe('responses decode: accepted fields', () => {
  it('turns a string input into one user message and ignores start_within', () => {
    const { request, stream } = decode({});
    expect(stream).toBe(false);
    expect(request).toEqual({
      model: 'gpt-5-mini',
      input: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
      // `store` defaults to true and is forwarded to OpenAI; nothing here is refused elsewhere.
      native: { provider: 'openai', body: { store: true }, tools: [], refusable: [] },
    });
  });

  it('keeps input_file detail on the file part, and checks its value', () => {
    const file = { type: 'input_file', file_url: 'https://example.com/a.pdf', filename: 'a.pdf', detail: 'low' };
    const { request } = decode({ input: [{ role: 'user', content: [file] }] });
    expect(request.input[0]).toEqual({
      type: 'message',
      role: 'user',
      content: [{ type: 'file', source: { type: 'url', url: 'https://example.com/a.pdf' }, filename: 'a.pdf', detail: 'low' }],
    });
    expect(() => decode({ input: [{ role: 'user', content: [{ ...file, detail: 'ultra' }] }] })).toThrow(
      expect.objectContaining({ code: 'invalid_parameter', param: 'input[0].content[0].detail' }) as Error,
    );
  });

  it('maps every scalar option', () => {
    const { request, stream } = decode({
      instructions: 'Be brief.',
      max_output_tokens: 256,
      temperature: 0.2,
      top_p: 0.9,
      parallel_tool_calls: false,
      metadata: { team: 'evals' },
      stream: true,
      stream_options: { include_obfuscation: false },
      store: false,
      user: 'user-1',
    });
    expect(stream).toBe(true);
    expect(request).toMatchObject({
      instructions: 'Be brief.',
      maxOutputTokens: 256,
      temperature: 0.2,
      topP: 0.9,
      parallelToolCalls: false,
      metadata: { team: 'evals' },
      user: 'user-1',
    });
  });

  it('prefers safety_identifier over user for the end-user id', () => {
    expect(decode({ user: 'u', safety_identifier: 's' }).request.user).toBe('s');
  });

  it('decodes message items with every content part', () => {
    const { request } = decode({
      input: [
        { role: 'developer', content: 'Rules.' },
        { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Sys' }] },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Look:' },
            { type: 'input_image', image_url: 'https://example.com/cat.png', detail: 'low' },
            { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=' },
          ],
        },
        {
          type: 'message',
          id: 'msg_1',
          status: 'completed',
          role: 'assistant',
          phase: 'final_answer',
          content: [
            { type: 'output_text', text: 'A cat.', annotations: [], logprobs: [] },
            { type: 'refusal', refusal: 'No more.' },
          ],
        },
      ],
    });
    expect(request.input).toEqual([
      { type: 'message', role: 'developer', content: [{ type: 'text', text: 'Rules.' }] },
      { type: 'message', role: 'system', content: [{ type: 'text', text: 'Sys' }] },
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' }, detail: 'low' },
          { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
        ],
      },
      {
        type: 'message',
        role: 'assistant',
        id: 'msg_1',
        phase: 'final_answer',
        content: [
          { type: 'text', text: 'A cat.' },
          { type: 'refusal', refusal: 'No more.' },
        ],
      },
    ]);
  });

  it('decodes function_call, function_call_output and reasoning items (recorded replay shape)', () => {
    // The second request of test_openai_responses_stream.yaml, plus a replayed reasoning item.
    const { request } = decode({
      input: [
        { content: 'What is the capital of France?', role: 'user' },
        {
          id: 'rs_1',
          type: 'reasoning',
          encrypted_content: 'gAAAAABpPDIVOKrs',
          summary: [{ type: 'summary_text', text: '**Thinking**' }],
        },
        { arguments: '{"country":"France"}', call_id: 'fc_67e5', name: 'get_capital', type: 'function_call' },
        { call_id: 'fc_67e5', output: 'Paris', type: 'function_call_output' },
        { call_id: 'fc_67e5', output: [{ type: 'input_text', text: 'Paris' }], type: 'function_call_output' },
      ],
    });
    expect(request.input.slice(1)).toEqual([
      { type: 'reasoning', id: 'rs_1', summary: ['**Thinking**'], opaque: { provider: 'openai', data: 'gAAAAABpPDIVOKrs' } },
      { type: 'function_call', id: '', callId: 'fc_67e5', name: 'get_capital', arguments: '{"country":"France"}' },
      { type: 'function_call_output', callId: 'fc_67e5', output: 'Paris' },
      { type: 'function_call_output', callId: 'fc_67e5', output: [{ type: 'text', text: 'Paris' }] },
    ]);
  });

  it('accepts the parsed / parsed_arguments fields the openai SDK adds to output items it returns', () => {
    // responses.stream().finalResponse() and responses.parse() add them (openai lib/ResponsesParser).
    const { request } = decode({
      input: [
        { role: 'user', content: 'q' },
        { type: 'message', role: 'assistant', id: 'msg_1', status: 'completed', content: [{ type: 'output_text', text: 'a', annotations: [], parsed: null }] },
        { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{"n":1}', status: 'completed', parsed_arguments: { n: 1 } },
      ],
    });
    expect(request.input.slice(1)).toEqual([
      { type: 'message', role: 'assistant', id: 'msg_1', content: [{ type: 'text', text: 'a' }] },
      { type: 'function_call', id: '', callId: 'call_1', name: 'f', arguments: '{"n":1}', status: 'completed' },
    ]);
  });

  it('decodes prefixed encrypted_content back to Anthropic and Gemini state', () => {
    const { request } = decode({
      input: [
        { type: 'reasoning', id: 'rs_a', summary: [], content: [{ type: 'reasoning_text', text: 'hmm' }], encrypted_content: 'flexinf:anthropic:EqQBCkYI' },
        { type: 'reasoning', id: 'rs_b', summary: [], encrypted_content: 'flexinf:anthropic-redacted:ErUBCkYI' },
        { type: 'function_call', id: 'fc_g', call_id: 'c1', name: 'f', arguments: '{}', encrypted_content: 'flexinf:gemini:CiQB' },
      ],
    });
    expect(request.input).toEqual([
      { type: 'reasoning', id: 'rs_a', summary: [], text: 'hmm', opaque: { provider: 'anthropic', data: 'EqQBCkYI' } },
      { type: 'reasoning', id: 'rs_b', summary: [], opaque: { provider: 'anthropic', data: 'ErUBCkYI', redacted: true } },
      { type: 'function_call', id: 'fc_g', callId: 'c1', name: 'f', arguments: '{}', opaque: { provider: 'gemini', data: 'CiQB' } },
    ]);
  });

  it('decodes function tools, tool_choice, text.format, reasoning and include', () => {
    const parameters = { type: 'object', properties: { country: { type: 'string' } }, required: ['country'] };
    const { request } = decode({
      tools: [
        { type: 'function', name: 'get_capital', description: 'Capital of a country', parameters, strict: true },
        { type: 'function', name: 'now', parameters: null },
      ],
      tool_choice: { type: 'function', name: 'get_capital' },
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true, description: 'd' }, verbosity: 'medium' },
      reasoning: { effort: 'high', summary: 'detailed' },
      include: ['reasoning.encrypted_content'],
    });
    expect(request.tools).toEqual([
      { type: 'function', name: 'get_capital', description: 'Capital of a country', parameters, strict: true },
      { type: 'function', name: 'now', parameters: { type: 'object', properties: {} } },
    ]);
    expect(request.toolChoice).toEqual({ type: 'function', name: 'get_capital' });
    expect(request.output).toEqual({ type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true, description: 'd' });
    expect(request.reasoning).toEqual({ effort: 'high', summary: 'detailed' });
    expect(request.includeEncryptedReasoning).toBe(true);
  });

  it.each(['auto', 'none', 'required'] as const)('accepts tool_choice "%s"', (choice) => {
    expect(decode({ tool_choice: choice }).request.toolChoice).toEqual({ type: choice });
  });

  it.each(['text', 'json_object'] as const)('accepts text.format %s', (type) => {
    expect(decode({ text: { format: { type } } }).request.output).toEqual({ type });
  });

  it('passes stateless defaults: store, background false, truncation disabled, top_logprobs 0, nulls', () => {
    expect(() =>
      decode({
        store: true,
        background: false,
        truncation: 'disabled',
        top_logprobs: 0,
        previous_response_id: null,
        conversation: null,
        prompt: null,
        service_tier: null,
        max_tool_calls: null,
        prompt_cache_key: null,
      }),
    ).not.toThrow();
  });
});

describe('responses decode: OpenAI-native fields', () => {
  it.each([
    [{ previous_response_id: 'resp_1' }, 'previous_response_id', { previous_response_id: 'resp_1' }],
    [{ conversation: 'conv_1' }, 'conversation', { conversation: 'conv_1' }],
    [{ prompt: { id: 'pmpt_1' } }, 'prompt', { prompt: { id: 'pmpt_1' } }],
    [{ truncation: 'auto' }, 'truncation', { truncation: 'auto' }],
    [{ top_logprobs: 3 }, 'top_logprobs', { top_logprobs: 3 }],
    [{ max_tool_calls: 2 }, 'max_tool_calls', { max_tool_calls: 2 }],
    [{ prompt_cache_key: 'k' }, 'prompt_cache_key', { prompt_cache_key: 'k' }],
    [{ tool_choice: { type: 'web_search_preview' } }, 'tool_choice.type', { tool_choice: { type: 'web_search_preview' } }],
    [{ text: { verbosity: 'low' } }, 'text.verbosity', { text: { verbosity: 'low' } }],
    [{ include: ['message.output_text.logprobs'] }, 'include[0]', { include: ['message.output_text.logprobs'] }],
  ])('%j is carried for OpenAI and marked refusable elsewhere at %s', (extra, param, body) => {
    const { native } = decode(extra).request;
    expect(native?.body).toEqual({ ...body, store: true });
    expect(native?.refusable.map((r) => r.param)).toEqual([param]);
  });

  it('hosted tools ride beside the function tools', () => {
    const { request } = decode({ tools: [{ type: 'function', name: 'a', parameters: {} }, { type: 'file_search', vector_store_ids: ['vs_1'] }] });
    expect(request.tools?.map((t) => t.name)).toEqual(['a']);
    expect(request.native?.tools).toEqual([{ type: 'file_search', vector_store_ids: ['vs_1'] }]);
    expect(request.native?.refusable.map((r) => r.param)).toEqual(['tools[1].type']);
  });

  it('background passes with "default" but not with a duration (no start to race)', () => {
    expect(decode({ background: true, start_within: 'default' }).request.native?.body).toMatchObject({ background: true });
    expectFailure({ background: true }, 'unsupported_parameter', 'background');
  });
});

describe('responses decode: refusals', () => {
  it.each([
    [{ frequency_penalty: 1 }, 'frequency_penalty'],
    [{ tools: [{ type: 'teleport' }] }, 'tools[0].type'],
    [{ input: [{ type: 'item_reference', id: 'msg_1', note: 'x' }] }, 'input[0].note'],
    [{ input: [{ type: 'teleport_call', id: 'tp_1' }] }, 'input[0].type'],
    [{ input: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }, 'input[0].content[0].type'],
    [{ input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] }, 'input[0].content[0].file_id'],
    [{ input: [{ role: 'user', content: 'x', name: 'bob' }] }, 'input[0].name'],
  ])('refuses %j with unsupported_parameter at %s', (extra, param) => {
    expectFailure(extra, 'unsupported_parameter', param);
  });

  it.each(['auto', 'default', 'flex', 'priority'])('refuses service_tier %s with service_tier_not_allowed', (tier) => {
    expectFailure({ service_tier: tier }, 'service_tier_not_allowed', 'service_tier');
  });
});

describe('responses decode: wrong types and shapes', () => {
  it.each([
    [{ input: 42 }, 'input'],
    [{ input: undefined }, 'input'],
    [{ input: [{ role: 'robot', content: 'x' }] }, 'input[0].role'],
    [{ input: [{ role: 'user', content: [{ type: 'input_text', text: 5 }] }] }, 'input[0].content[0].text'],
    [{ input: [{ role: 'user', content: 'ok' }, { role: 'user', content: [{ type: 'input_image', image_url: 'ftp://x' }] }] }, 'input[1].content[0].image_url'],
    [{ input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x', detail: 'ultra' }] }] }, 'input[0].content[0].detail'],
    [{ input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id'],
    [{ input: [{ type: 'function_call_output', call_id: 'c', output: 7 }] }, 'input[0].output'],
    [{ input: [{ type: 'reasoning', id: 'r', summary: [{ type: 'x', text: 'a' }] }] }, 'input[0].summary[0].type'],
    [{ input: [{ type: 'reasoning', id: 'r', summary: [], encrypted_content: 'flexinf:openai2:x' }] }, 'input[0].encrypted_content'],
    [{ instructions: ['a'] }, 'instructions'],
    [{ temperature: 3 }, 'temperature'],
    [{ top_p: '0.5' }, 'top_p'],
    [{ max_output_tokens: 1.5 }, 'max_output_tokens'],
    [{ max_output_tokens: 0 }, 'max_output_tokens'],
    [{ stream: 'yes' }, 'stream'],
    [{ store: 'no' }, 'store'],
    [{ metadata: { a: 1 } }, 'metadata.a'],
    [{ tools: [{ type: 'function', parameters: {} }] }, 'tools[0].name'],
    [{ tools: {} }, 'tools'],
    [{ tool_choice: 'always' }, 'tool_choice'],
    [{ tool_choice: { type: 'function' } }, 'tool_choice.name'],
    [{ text: { format: { type: 'xml' } } }, 'text.format.type'],
    [{ text: { format: { type: 'json_schema', name: 'a' } } }, 'text.format.schema'],
    [{ reasoning: { effort: 'max' } }, 'reasoning.effort'],
    [{ reasoning: { summary: 'long' } }, 'reasoning.summary'],
    [{ stream_options: { include_obfuscation: false } }, 'stream_options'],
    [{ parallel_tool_calls: 1 }, 'parallel_tool_calls'],
  ])('refuses %j with invalid_parameter at %s', (extra, param) => {
    expectFailure(extra, 'invalid_parameter', param);
  });

  it('refuses unknown top-level fields instead of dropping them', () => {
    expectFailure({ temprature: 1 }, 'unsupported_parameter', 'temprature');
  });

  it('names the path and the rule in the message', () => {
    const err = failure({ temperature: 3 });
    expect(err.message).toContain('`temperature` must be a number from 0 to 2');
  });
});
