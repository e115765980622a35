import { describe, expect, it } from 'vitest';
import type { CanonicalRequest, RequestedTier } from '../../canonical/types.js';
import { FlexError } from '../../errors/catalog.js';
import { convertGeminiRequest } from './convert-request.js';

const convert = (request: CanonicalRequest, tier: RequestedTier) => convertGeminiRequest({ request, tier });
const entries = (request: CanonicalRequest): string[] => convert(request, 'standard').warnings.map((w) => `${w.code}:${w.field}`);

const toolLoop: CanonicalRequest = {
  model: 'gemini-2.5-flash',
  instructions: 'Be brief.',
  input: [
    { type: 'message', role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
    {
      type: 'message',
      role: 'user',
      content: [
        { type: 'text', text: 'Weather in SF? See the photo.' },
        { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' }, detail: 'low' },
        { type: 'image', source: { type: 'url', url: 'https://example.com/sky.jpg' } },
      ],
    },
    { type: 'reasoning', id: 'rs_1', summary: ['Need the weather tool.'], opaque: { provider: 'gemini', data: 'THOUGHT_SIG' } },
    { type: 'reasoning', id: 'rs_2', summary: [], opaque: { provider: 'openai', data: 'gAAAA-encrypted' } },
    {
      type: 'function_call',
      id: 'fc_1',
      callId: '61nzpsv4',
      name: 'getWeather',
      arguments: '{"location":"San Francisco"}',
      opaque: { provider: 'gemini', data: 'CALL_SIG' },
    },
    { type: 'function_call_output', callId: '61nzpsv4', output: '{"temp":27,"sky":"sunny"}' },
    { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Sunny, 27°C.' }] },
    { type: 'message', role: 'user', content: [{ type: 'text', text: 'Thanks!' }] },
  ],
  tools: [
    {
      type: 'function',
      name: 'getWeather',
      description: 'Current weather',
      parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
    },
  ],
  toolChoice: { type: 'function', name: 'getWeather' },
  reasoning: { effort: 'medium', summary: 'auto' },
  maxOutputTokens: 512,
  temperature: 0.2,
  topP: 0.9,
};

describe('convertGeminiRequest', () => {
  it('builds the Interactions body for a multi-turn tool loop', () => {
    const { body, warnings } = convert(toolLoop, 'flex');
    expect(body).toEqual({
      model: 'gemini-2.5-flash',
      system_instruction: 'Be brief.\n\nUse metric units.',
      input: [
        {
          type: 'user_input',
          content: [
            { type: 'text', text: 'Weather in SF? See the photo.' },
            { type: 'image', data: 'iVBORw0KGgo=', mime_type: 'image/png', resolution: 'low' },
            { type: 'image', uri: 'https://example.com/sky.jpg' },
          ],
        },
        { type: 'thought', signature: 'THOUGHT_SIG', summary: [{ type: 'text', text: 'Need the weather tool.' }] },
        { type: 'function_call', id: '61nzpsv4', name: 'getWeather', arguments: { location: 'San Francisco' } },
        { type: 'function_result', call_id: '61nzpsv4', name: 'getWeather', result: '{"temp":27,"sky":"sunny"}' },
        { type: 'model_output', content: [{ type: 'text', text: 'Sunny, 27°C.' }] },
        { type: 'user_input', content: [{ type: 'text', text: 'Thanks!' }] },
      ],
      tools: [
        {
          type: 'function',
          name: 'getWeather',
          description: 'Current weather',
          parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
        },
      ],
      generation_config: {
        max_output_tokens: 512,
        temperature: 0.2,
        top_p: 0.9,
        thinking_level: 'medium',
        thinking_summaries: 'auto',
        tool_choice: { allowed_tools: { mode: 'any', tools: ['getWeather'] } },
      },
      service_tier: 'flex',
      store: false,
      stream: true,
    });
    expect(warnings).toEqual([
      { code: 'reasoning_item_dropped', field: 'input[3]', message: 'The reasoning item rs_2 did not come from Gemini and cannot be replayed to it; it was dropped.' },
    ]);
  });

  it('is pure: converting again (another tier) gives an equal result and leaves the request as it was', () => {
    const request = structuredClone(toolLoop);
    const flex = convert(request, 'flex');
    expect(convert(request, 'flex')).toEqual(flex);
    const standard = convert(request, 'standard');
    expect(standard.body).toEqual({ ...flex.body, service_tier: 'standard' });
    expect(standard.warnings).toEqual(flex.warnings);
    expect(request).toEqual(toolLoop);
  });

  it.each([
    ['standard', 'standard'],
    ['priority', 'priority'],
    ['flex', 'flex'],
  ] as const)('maps tier %s to service_tier %s', (tier, expected) => {
    expect(convert({ model: 'gemini-2.5-flash', input: [] }, tier).body.service_tier).toBe(expected);
  });

  it('refuses the auto tier as an internal error', () => {
    expect(() => convert({ model: 'gemini-2.5-flash', input: [] }, 'auto')).toThrow(FlexError);
    try {
      convert({ model: 'gemini-2.5-flash', input: [] }, 'auto');
    } catch (err) {
      expect(err).toMatchObject({ code: 'internal_error', status: 500 });
    }
  });

  it.each([
    ['minimal', 'minimal', false],
    ['low', 'low', false],
    ['high', 'high', false],
    ['none', 'minimal', true],
    ['xhigh', 'high', true],
  ] as const)('maps effort %s to thinking_level %s', (effort, level, warns) => {
    const request: CanonicalRequest = { model: 'gemini-3-flash-preview', input: [], reasoning: { effort } };
    expect(convert(request, 'standard').body.generation_config).toEqual({ thinking_level: level });
    expect(entries(request)).toEqual(warns ? ['reasoning_changed:reasoning.effort'] : []);
  });

  it.each([
    ['gemini-3-pro-preview', 'minimal', 'low', 1],
    ['gemini-3.1-pro-preview', 'none', 'low', 2],
    ['gemini-2.5-pro', 'low', 'low', 0],
    ['gemini-3-flash-preview', 'minimal', 'minimal', 0],
  ] as const)('on %s sends effort %s as thinking_level %s', (model, effort, level, warningCount) => {
    const request: CanonicalRequest = { model, input: [], reasoning: { effort } };
    const { body, warnings } = convert(request, 'standard');
    expect(body.generation_config).toEqual({ thinking_level: level });
    expect(warnings).toHaveLength(warningCount);
    if (warningCount > 0) expect(warnings.at(-1)?.message).toContain('Pro models');
  });

  it('maps json_schema output to a JSON text response format', () => {
    const { body } = convert(
      {
        model: 'gemini-2.5-flash',
        input: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'Person?' }] }],
        output: { type: 'json_schema', name: 'person', schema: { type: 'object', properties: { name: { type: 'string' } } }, strict: true },
      },
      'standard',
    );
    expect(body.response_format).toEqual([
      { type: 'text', mime_type: 'application/json', schema: { type: 'object', properties: { name: { type: 'string' } } } },
    ]);
    expect(body.generation_config).toBeUndefined();
  });

  it('maps tool choice modes and drops a choice given without tools', () => {
    const tools = toolLoop.tools ?? [];
    const choice = (toolChoice: CanonicalRequest['toolChoice'], withTools = true) =>
      convert({ model: 'm', input: [], ...(withTools ? { tools } : {}), ...(toolChoice ? { toolChoice } : {}) }, 'standard')
        .body.generation_config?.tool_choice;
    expect(choice({ type: 'auto' })).toBe('auto');
    expect(choice({ type: 'none' })).toBe('none');
    expect(choice({ type: 'required' })).toBe('any');
    expect(choice({ type: 'required' }, false)).toBeUndefined();
  });

  it('sends function results with rich content, errors, and unparsable arguments wrapped', () => {
    const request: CanonicalRequest = {
      model: 'gemini-2.5-flash',
      input: [
        { type: 'function_call', id: 'fc_a', callId: 'a', name: 'shot', arguments: 'not json' },
        {
          type: 'function_call_output',
          callId: 'a',
          isError: true,
          output: [
            { type: 'text', text: 'partial' },
            { type: 'image', source: { type: 'url', url: 'data:image/jpeg;base64,/9j/4AAQ' } },
          ],
        },
        { type: 'function_call_output', callId: 'unknown', output: 'orphan' },
      ],
    };
    const { body, warnings } = convert(request, 'standard');
    expect(body.input).toEqual([
      { type: 'function_call', id: 'a', name: 'shot', arguments: { value: 'not json' } },
      {
        type: 'function_result',
        call_id: 'a',
        name: 'shot',
        is_error: true,
        result: [
          { type: 'text', text: 'partial' },
          { type: 'image', data: '/9j/4AAQ', mime_type: 'image/jpeg' },
        ],
      },
      { type: 'function_result', call_id: 'unknown', result: 'orphan' },
    ]);
    expect(warnings).toEqual([expect.objectContaining({ code: 'translated', field: 'input[0].arguments', message: expect.stringContaining('not valid JSON') as unknown })]);
  });

  it('reports fields with no Interactions counterpart', () => {
    const request: CanonicalRequest = { model: 'm', input: [], user: 'u1', metadata: { k: 'v' }, parallelToolCalls: false };
    expect(entries(request)).toEqual(['translated:parallel_tool_calls', 'translated:user', 'translated:metadata']);
  });
});
