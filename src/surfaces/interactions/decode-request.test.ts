import { describe, expect, it } from 'vitest';
import { FlexError } from '../../errors/catalog.js';
import { renderGoogleError } from '../../errors/render.js';
import { decodeInteractionsRequest } from './decode-request.js';

const base = { model: 'gemini-2.5-flash', start_within: '00h-00m-30s' };

function decode(fields: Record<string, unknown>) {
  return decodeInteractionsRequest({ ...base, input: 'Hi', ...fields });
}

function failure(fields: Record<string, unknown>): FlexError {
  try {
    decode(fields);
  } catch (err) {
    if (err instanceof FlexError) return err;
    throw err;
  }
  throw new Error('expected a FlexError');
}

describe('decode: input forms', () => {
  it('takes a string as one user turn and asks providers for replayable reasoning', () => {
    const d = decode({});
    expect(d.request).toEqual({
      model: 'gemini-2.5-flash',
      input: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      includeEncryptedReasoning: true,
    });
    expect(d.stream).toBe(false);
    expect(d.textOnlyInput).toBe(true);
  });

  it('takes one content object, or a content list as one user turn (text, inline and linked images)', () => {
    expect(decode({ input: { type: 'text', text: 'A' } }).request.input).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'text', text: 'A' }] },
    ]);
    const d = decode({
      input: [
        { type: 'text', text: 'What is this?' },
        { type: 'image', data: 'iVBORw0KGgo=', mime_type: 'image/png', resolution: 'low' },
        { type: 'image', uri: 'https://example.com/cat.jpg' },
      ],
    });
    expect(d.request.input).toEqual([
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' }, detail: 'low' },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
    expect(d.textOnlyInput).toBe(false);
  });

  it('replays a step list: user_input, thought, function_call, function_result, model_output', () => {
    const d = decode({
      input: [
        { type: 'user_input', content: [{ type: 'text', text: 'Weather in SF?' }] },
        { type: 'thought', signature: 'CiQBDDnW', summary: [{ type: 'text', text: 'Need a tool.' }] },
        { type: 'function_call', id: '61nzpsv4', name: 'getWeather', arguments: { location: 'San Francisco' }, signature: 'Sig2' },
        { type: 'function_result', call_id: '61nzpsv4', name: 'getWeather', result: 'sunny, 27C' },
        { type: 'model_output', content: [{ type: 'text', text: 'It is sunny.' }] },
        { type: 'user_input', content: [{ type: 'text', text: 'Thanks' }] },
      ],
    });
    expect(d.request.input).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'text', text: 'Weather in SF?' }] },
      { type: 'reasoning', id: 'rs_input_0', summary: ['Need a tool.'], opaque: { provider: 'gemini', data: 'CiQBDDnW' } },
      {
        type: 'function_call',
        id: '61nzpsv4',
        callId: '61nzpsv4',
        name: 'getWeather',
        arguments: '{"location":"San Francisco"}',
        opaque: { provider: 'gemini', data: 'Sig2' },
      },
      { type: 'function_call_output', callId: '61nzpsv4', output: 'sunny, 27C' },
      { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'It is sunny.' }] },
      { type: 'message', role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
    ]);
  });

  it('takes function results as content, objects or errors, also inside user_input', () => {
    const d = decode({
      input: [
        { type: 'function_result', call_id: 'a', result: [{ type: 'text', text: 'ok' }] },
        { type: 'function_result', call_id: 'b', result: { temp: 8 }, is_error: false },
        { type: 'user_input', content: [{ type: 'function_result', call_id: 'c', result: 'boom', is_error: true }, { type: 'text', text: 'go on' }] },
      ],
    });
    expect(d.request.input).toEqual([
      { type: 'function_call_output', callId: 'a', output: [{ type: 'text', text: 'ok' }] },
      { type: 'function_call_output', callId: 'b', output: '{"temp":8}', isError: false },
      { type: 'function_call_output', callId: 'c', output: 'boom', isError: true },
      { type: 'message', role: 'user', content: [{ type: 'text', text: 'go on' }] },
    ]);
  });

  it('treats an empty signature as none (Gemini sends "" when it has none)', () => {
    const d = decode({ input: [{ type: 'thought', signature: '', summary: [{ type: 'text', text: 'x' }] }] });
    expect(d.request.input).toEqual([{ type: 'reasoning', id: 'rs_input_0', summary: ['x'] }]);
  });

  it('restores other providers\' opaque state from prefixed signatures', () => {
    const d = decode({
      input: [
        { type: 'thought', signature: 'flexinf:openai:rs_7:gAAAA', summary: [{ type: 'text', text: 'Plan' }] },
        { type: 'thought', signature: 'flexinf:anthropic:EqQB', summary: [{ type: 'text', text: 'Because reasons.' }] },
        { type: 'thought', signature: 'flexinf:anthropic-redacted:RDX' },
      ],
    });
    expect(d.request.input).toEqual([
      { type: 'reasoning', id: 'rs_7', summary: ['Plan'], opaque: { provider: 'openai', data: 'gAAAA' } },
      { type: 'reasoning', id: 'rs_input_0', summary: [], text: 'Because reasons.', opaque: { provider: 'anthropic', data: 'EqQB' } },
      { type: 'reasoning', id: 'rs_input_1', summary: [], opaque: { provider: 'anthropic', data: 'RDX', redacted: true } },
    ]);
  });

  it('reports lossy input as warnings', () => {
    const d = decode({
      input: [
        { type: 'image', uri: 'gs://b/x.png', resolution: 'ultra_high' },
        { type: 'model_output', content: [{ type: 'text', text: 'cited', annotations: [{ type: 'url_citation' }] }] },
      ],
    });
    expect(d.warnings.map((w) => `${w.code}:${w.field}`)).toEqual(['translated:input[0].resolution', 'translated:input[1].content[0].annotations']);
  });
});

describe('decode: settings', () => {
  it('maps system_instruction, tools, stream and labels', () => {
    const d = decode({
      system_instruction: 'Be brief.',
      tools: [
        { type: 'function', name: 'getWeather', description: 'Weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
        { type: 'function', name: 'now' },
      ],
      stream: true,
      store: false,
      labels: { team: 'evals' },
    });
    expect(d.stream).toBe(true);
    expect(d.request.instructions).toBe('Be brief.');
    expect(d.request.tools).toEqual([
      { type: 'function', name: 'getWeather', description: 'Weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
      { type: 'function', name: 'now', parameters: { type: 'object', properties: {} } },
    ]);
    expect(d.request.metadata).toEqual({ team: 'evals' });
  });

  it('maps generation_config', () => {
    const d = decode({
      generation_config: {
        max_output_tokens: 256,
        temperature: 0.2,
        top_p: 0.9,
        thinking_level: 'minimal',
        thinking_summaries: 'auto',
        tool_choice: 'any',
        seed: null,
        stop_sequences: [],
      },
    });
    expect(d.request).toMatchObject({
      maxOutputTokens: 256,
      temperature: 0.2,
      topP: 0.9,
      reasoning: { effort: 'minimal', summary: 'auto' },
      toolChoice: { type: 'required' },
    });
    expect(decode({ generation_config: { thinking_level: 'high', thinking_summaries: 'none' } }).request.reasoning).toEqual({ effort: 'high' });
    expect(decode({ generation_config: { tool_choice: 'none' } }).request.toolChoice).toEqual({ type: 'none' });
    expect(decode({ generation_config: { tool_choice: 'auto' } }).request.toolChoice).toEqual({ type: 'auto' });
    expect(
      decode({ generation_config: { tool_choice: { allowed_tools: { mode: 'any', tools: ['getWeather'] } } } }).request.toolChoice,
    ).toEqual({ type: 'function', name: 'getWeather' });
  });

  it('maps response_format to structured output', () => {
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
    expect(decode({ response_format: { type: 'text', mime_type: 'application/json', schema } }).request.output).toEqual({
      type: 'json_schema',
      name: 'response',
      schema,
    });
    expect(decode({ response_format: [{ type: 'text', mime_type: 'application/json', schema: { ...schema, title: 'Person' } }] }).request.output).toMatchObject({
      type: 'json_schema',
      name: 'Person',
    });
    // The earlier form: the schema itself, with response_mime_type.
    expect(decode({ response_format: schema, response_mime_type: 'application/json' }).request.output).toEqual({
      type: 'json_schema',
      name: 'response',
      schema,
    });
    expect(decode({ response_mime_type: 'application/json' }).request.output).toEqual({ type: 'json_object' });
    expect(decode({ response_format: { type: 'text', mime_type: 'application/json' } }).request.output).toEqual({ type: 'json_object' });
    expect(decode({ response_modalities: ['text'] }).request.output).toBeUndefined();
  });
});

describe('decode: refused fields', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['seed', { generation_config: { seed: 42 } }, 'unsupported_parameter', 'generation_config.seed'],
    ['stop_sequences', { generation_config: { stop_sequences: ['END'] } }, 'unsupported_parameter', 'generation_config.stop_sequences'],
    ['top_k', { generation_config: { top_k: 40 } }, 'unsupported_parameter', 'generation_config.top_k'],
    ['speech', { generation_config: { speech_config: { voice: 'x' } } }, 'unsupported_parameter', 'generation_config.speech_config'],
    ['unknown config', { generation_config: { frequency_penalty: 1 } }, 'unsupported_parameter', 'generation_config.frequency_penalty'],
    ['service_tier', { service_tier: 'flex' }, 'service_tier_not_allowed', 'service_tier'],
    ['previous_interaction_id', { previous_interaction_id: 'v1_abc' }, 'unsupported_parameter', 'previous_interaction_id'],
    ['background', { background: true }, 'unsupported_parameter', 'background'],
    ['agent', { agent: 'deep-research-pro-preview' }, 'unsupported_parameter', 'agent'],
    ['safety_settings', { safety_settings: [{ category: 'x' }] }, 'unsupported_parameter', 'safety_settings'],
    ['unknown field', { temperature: 0.5 }, 'unsupported_parameter', 'temperature'],
    ['built-in tool', { tools: [{ type: 'code_execution' }] }, 'unsupported_parameter', 'tools[0].type'],
    ['validated tool choice', { generation_config: { tool_choice: 'validated' } }, 'unsupported_parameter', 'generation_config.tool_choice'],
    ['tool subset', { generation_config: { tool_choice: { allowed_tools: { mode: 'auto', tools: ['a', 'b'] } } } }, 'unsupported_parameter', 'generation_config.tool_choice.allowed_tools'],
    ['image output', { response_format: { type: 'image', mime_type: 'image/png' } }, 'unsupported_parameter', 'response_format.type'],
    ['audio output', { response_modalities: ['text', 'audio'] }, 'unsupported_parameter', 'response_modalities[1]'],
    ['audio input', { input: [{ type: 'audio', uri: 'gs://a.wav' }] }, 'unsupported_parameter', 'input[0].type'],
    ['built-in step', { input: [{ type: 'google_search_call', id: 'x' }] }, 'unsupported_parameter', 'input[0].type'],
  ];

  it.each(cases)('%s', (_name, fields, code, param) => {
    const err = failure(fields);
    expect(err.code).toBe(code);
    expect(err.param).toBe(param);
    expect(err.status).toBe(400);
  });

  // Regression: the refusal tables were plain objects, so a field named after an Object.prototype
  // member found what it inherits ("[object Object]" or a function's source as the reason), and a
  // null one passed as if it were a default.
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'refuses a field named %s as unknown, at the top level and in generation_config, naming it',
    (name) => {
      for (const value of [1, null]) {
        const top = failure(JSON.parse(`{"${name}": ${JSON.stringify(value)}}`) as Record<string, unknown>);
        expect([top.code, top.param]).toEqual(['unsupported_parameter', name]);
        expect(top.message).toContain(`Unknown field \`${name}\``);
        const config = failure({ generation_config: JSON.parse(`{"${name}": ${JSON.stringify(value)}}`) as unknown });
        expect([config.code, config.param]).toEqual(['unsupported_parameter', `generation_config.${name}`]);
        expect(config.message).toContain(`Unknown field \`generation_config.${name}\``);
        for (const message of [top.message, config.message]) {
          expect(message).not.toContain('[object Object]');
          expect(message).not.toContain('native code');
        }
      }
    },
  );

  it('lets defaults through', () => {
    expect(() =>
      decode({
        background: false,
        previous_interaction_id: null,
        service_tier: null,
        safety_settings: [],
        generation_config: { seed: null, stop_sequences: [] },
        store: true,
      }),
    ).not.toThrow();
  });

  it('renders a refusal as a Google error body that says what, why and how', () => {
    const rendered = renderGoogleError(failure({ generation_config: { seed: 7 } }));
    expect(rendered.status).toBe(400);
    const body = rendered.body as { error: { code: number; status: string; message: string } };
    expect(body.error.code).toBe(400);
    expect(body.error.status).toBe('INVALID_ARGUMENT');
    expect(body.error.message).toContain('`generation_config.seed` is not supported');
    expect(body.error.message).toContain('Remove that field');
    expect(body.error.message).not.toContain('`param`');
  });

  it('tells a caller who sets service_tier to choose through start_within', () => {
    const body = renderGoogleError(failure({ service_tier: 'priority' })).body as { error: { message: string; status: string } };
    expect(body.error.status).toBe('INVALID_ARGUMENT');
    expect(body.error.message).toContain('start_within');
  });
});

describe('decode: wrong types', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ input: 42 }, 'input'],
    [{ input: [] }, 'input'],
    [{ input: null }, 'input'],
    [{ input: ['hi'] }, 'input[0]'],
    [{ input: [{ type: 'banana' }] }, 'input[0].type'],
    [{ input: [{ type: 'text', text: 5 }] }, 'input[0].text'],
    [{ input: [{ type: 'image', data: 'AAAA' }] }, 'input[0].mime_type'],
    [{ input: [{ type: 'image' }] }, 'input[0]'],
    [{ input: [{ type: 'function_call', id: 'x', arguments: {} }] }, 'input[0].name'],
    [{ input: [{ type: 'function_call', id: 'x', name: 'f', arguments: '{}' }] }, 'input[0].arguments'],
    [{ input: [{ type: 'function_result', result: 'x' }] }, 'input[0].call_id'],
    [{ input: [{ type: 'function_result', call_id: 'x', result: 3 }] }, 'input[0].result'],
    [{ input: [{ type: 'thought', signature: 'flexinf:mystery:x' }] }, 'input[0].signature'],
    [{ input: [{ type: 'user_input', content: [{ type: 'text' }] }] }, 'input[0].content[0].text'],
    [{ system_instruction: ['a'] }, 'system_instruction'],
    [{ tools: {} }, 'tools'],
    [{ tools: [{ type: 'function' }] }, 'tools[0].name'],
    [{ generation_config: 'fast' }, 'generation_config'],
    [{ generation_config: { temperature: 'hot' } }, 'generation_config.temperature'],
    [{ generation_config: { max_output_tokens: 0 } }, 'generation_config.max_output_tokens'],
    [{ generation_config: { max_output_tokens: 1.5 } }, 'generation_config.max_output_tokens'],
    [{ generation_config: { thinking_level: 'extreme' } }, 'generation_config.thinking_level'],
    [{ generation_config: { tool_choice: 'sometimes' } }, 'generation_config.tool_choice'],
    [{ response_format: 'json' }, 'response_format'],
    [{ stream: 'yes' }, 'stream'],
    [{ store: 'no' }, 'store'],
    [{ labels: { a: 1 } }, 'labels.a'],
  ];

  it.each(cases)('%j → invalid_parameter at %s', (fields, param) => {
    const err = failure(fields);
    expect(err.code).toBe('invalid_parameter');
    expect(err.param).toBe(param);
    const body = renderGoogleError(err).body as { error: { code: number; status: string; message: string } };
    expect(body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(body.error.message).toContain(`\`${param}\``);
  });
});
