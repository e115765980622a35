import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CanonicalRequest, ReasoningEffort } from '../../canonical/types.js';
import { convertOpenAIRequest, openaiServiceTierFor } from './convert-request.js';
import { isReasoningModel } from './model-traits.js';
import { readCassette } from './test-support/fixtures.js';

describe('convertOpenAIRequest', () => {
  it('reproduces the recorded flex request of the streaming-usage cassette', () => {
    const [interaction] = readCassette('openai-responses/test_openai_responses_streaming_usage.yaml');
    const recorded = interaction!.requestBody as Record<string, unknown>;
    const request: CanonicalRequest = {
      model: 'gpt-5',
      input: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'Calculate 100 * 200 / 3' }] }],
      reasoning: { effort: 'low' },
      toolChoice: { type: 'required' },
      tools: [
        {
          type: 'function',
          name: 'final_result',
          description: 'The final response which ends this conversation',
          parameters: { additionalProperties: false, properties: { result: { type: 'integer' } }, required: ['result'], type: 'object' },
          strict: true,
        },
      ],
    };
    const { body, warnings } = convertOpenAIRequest({ request, tier: 'flex' });
    expect(warnings).toEqual([]);
    expect(body).toMatchObject({
      model: recorded.model,
      service_tier: recorded.service_tier,
      stream: true,
      include: recorded.include,
      tool_choice: recorded.tool_choice,
      tools: recorded.tools,
      reasoning: { effort: 'low' },
      store: false,
    });
    expect(body.input).toEqual([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Calculate 100 * 200 / 3' }] }]);
  });

  it('maps every tier', () => {
    expect(openaiServiceTierFor('flex')).toBe('flex');
    expect(openaiServiceTierFor('standard')).toBe('default');
    expect(openaiServiceTierFor('priority')).toBe('priority');
    expect(openaiServiceTierFor('auto')).toBe('auto');
  });

  it('converts every item kind and option', () => {
    const request: CanonicalRequest = {
      model: 'gpt-5-mini',
      instructions: 'Be brief.',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'text', text: 'dev' }] },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' }, detail: 'low' },
            { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: 'iVBORw0' } },
          ],
        },
        { type: 'reasoning', id: 'rs_1', summary: ['thought'], opaque: { provider: 'openai', data: 'gAAAA' } },
        { type: 'reasoning', id: 'th_1', summary: [], text: 'claude thinking', opaque: { provider: 'anthropic', data: 'sig' } },
        { type: 'message', role: 'assistant', id: 'msg_abc', phase: 'commentary', content: [{ type: 'text', text: 'Checking.' }] },
        { type: 'function_call', id: 'toolu_1', callId: 'call_1', name: 'lookup', arguments: '{"q":1}' },
        { type: 'function_call_output', callId: 'call_1', output: [{ type: 'text', text: 'found' }], isError: true },
      ],
      tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object' } }],
      toolChoice: { type: 'function', name: 'lookup' },
      parallelToolCalls: false,
      output: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
      reasoning: { effort: 'high', summary: 'auto' },
      maxOutputTokens: 500,
      temperature: 0.2,
      topP: 0.9,
      user: 'user-123',
      metadata: { team: 'evals' },
    };
    const { body, warnings } = convertOpenAIRequest({ request, tier: 'standard' });
    expect(body).toEqual({
      model: 'gpt-5-mini',
      stream: true,
      service_tier: 'default',
      store: false,
      instructions: 'Be brief.',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'dev' }] },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'look' },
            { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'low' },
            { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0', detail: 'auto' },
          ],
        },
        { type: 'reasoning', encrypted_content: 'gAAAA', summary: [{ type: 'summary_text', text: 'thought' }] },
        { type: 'message', role: 'assistant', phase: 'commentary', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
        { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"q":1}' },
        { type: 'function_call_output', call_id: 'call_1', output: [{ type: 'input_text', text: 'found' }] },
      ],
      tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object' }, strict: false }],
      tool_choice: { type: 'function', name: 'lookup' },
      parallel_tool_calls: false,
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      reasoning: { effort: 'high', summary: 'auto' },
      max_output_tokens: 500,
      safety_identifier: 'user-123',
      metadata: { team: 'evals' },
      include: ['reasoning.encrypted_content'],
    });
    expect(warnings.map((w) => `${w.code}:${w.field}`)).toEqual([
      'reasoning_item_dropped:input[3]',
      'translated:input[6]',
      'sampling_dropped:temperature',
      'sampling_dropped:top_p',
    ]);
    expect(warnings[0]?.message).toMatch(/anthropic cannot be replayed/);
  });

  it('is pure: converting again (another tier) gives an equal result and leaves the request as it was', () => {
    const request: CanonicalRequest = {
      model: 'gpt-5-mini',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'refusal', refusal: 'no' }] },
        { type: 'reasoning', id: 'th_1', summary: [], opaque: { provider: 'anthropic', data: 'sig' } },
        { type: 'function_call', id: 'fc_1', callId: 'c'.repeat(80), name: 'f', arguments: '{}' },
      ],
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }],
      reasoning: { effort: 'xhigh', summary: 'concise' },
      maxOutputTokens: 4,
      temperature: 0.5,
      native: { provider: 'openai', body: { include: ['file_search_call.results'], text: { verbosity: 'low' } }, tools: [{ type: 'web_search' }], refusable: [] },
    };
    const before = structuredClone(request);
    const first = convertOpenAIRequest({ request, tier: 'flex' });
    const second = convertOpenAIRequest({ request, tier: 'flex' });
    expect(second).toEqual(first);
    expect(request).toEqual(before);
    expect(first.warnings.length).toBeGreaterThan(0);
    const standard = convertOpenAIRequest({ request, tier: 'standard' });
    expect(standard.warnings).toEqual(first.warnings);
    expect(standard.body).toEqual({ ...first.body, service_tier: 'default' });
  });

  it('asks for encrypted reasoning only where reasoning can happen', () => {
    const plain: CanonicalRequest = { model: 'gpt-4o', input: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'hi' }] }] };
    const { body } = convertOpenAIRequest({ request: plain, tier: 'auto' });
    expect(body.include).toBeUndefined();
    expect(body.store).toBe(false);
    expect(Object.keys(body).sort()).toEqual(['input', 'model', 'service_tier', 'store', 'stream']);
    expect(convertOpenAIRequest({ request: { ...plain, includeEncryptedReasoning: true }, tier: 'auto' }).body.include).toBeUndefined();
    expect(convertOpenAIRequest({ request: { ...plain, model: 'o4-mini' }, tier: 'auto' }).body.include).toEqual(['reasoning.encrypted_content']);
  });

  it('drops reasoning settings and replayed reasoning for non-reasoning models, with warnings', () => {
    const request: CanonicalRequest = {
      model: 'gpt-4.1',
      input: [{ type: 'reasoning', id: 'rs_1', summary: [], opaque: { provider: 'openai', data: 'gAAAA' } }],
      reasoning: { effort: 'low' },
      temperature: 0.3,
    };
    const { body, warnings } = convertOpenAIRequest({ request, tier: 'auto' });
    expect(body.reasoning).toBeUndefined();
    expect(body.include).toBeUndefined();
    expect(body.input).toEqual([]);
    expect(body.temperature).toBe(0.3);
    expect(warnings).toEqual([
      { code: 'reasoning_item_dropped', field: 'input[0]', message: 'gpt-4.1 is not an OpenAI reasoning model; replayed OpenAI reasoning was dropped.' },
      { code: 'reasoning_dropped', field: 'reasoning', message: 'gpt-4.1 is not an OpenAI reasoning model; the reasoning settings were dropped.' },
    ]);
    // Thinking explicitly off asks for nothing: no warning.
    const off = convertOpenAIRequest({ request: { model: 'gpt-4o', input: [], reasoning: { effort: 'none' } }, tier: 'auto' });
    expect(off.body.reasoning).toBeUndefined();
    expect(off.warnings).toEqual([]);
  });

  it('replays OpenAI reasoning without its id', () => {
    const request: CanonicalRequest = {
      model: 'gpt-5',
      input: [{ type: 'reasoning', id: 'rs_1', summary: ['s'], opaque: { provider: 'openai', data: 'gAAAA' } }],
    };
    expect(convertOpenAIRequest({ request, tier: 'auto' }).body.input).toEqual([
      { type: 'reasoning', encrypted_content: 'gAAAA', summary: [{ type: 'summary_text', text: 's' }] },
    ]);
  });

  it('drops temperature and top_p on reasoning models unless gpt-5.1+ runs with effort none', () => {
    const sampled = (model: string, effort?: ReasoningEffort) => {
      const request: CanonicalRequest = { model, input: [], temperature: 0.5, topP: 0.8, ...(effort ? { reasoning: { effort } } : {}) };
      const { body, warnings } = convertOpenAIRequest({ request, tier: 'auto' });
      return { temperature: body.temperature, top_p: body.top_p, warnings };
    };
    const dropped = sampled('gpt-5-mini', 'low');
    expect(dropped).toMatchObject({ temperature: undefined, top_p: undefined });
    expect(dropped.warnings).toEqual([
      { code: 'sampling_dropped', field: 'temperature', message: 'gpt-5-mini supports only the default temperature; temperature was not sent.' },
      { code: 'sampling_dropped', field: 'top_p', message: 'gpt-5-mini supports only the default top_p; top_p was not sent.' },
    ]);
    expect(sampled('o3')).toMatchObject({ temperature: undefined, top_p: undefined });
    expect(sampled('gpt-5.1', 'low')).toMatchObject({ temperature: undefined, top_p: undefined });
    expect(sampled('gpt-5', 'none')).toMatchObject({ temperature: undefined, top_p: undefined });
    expect(sampled('gpt-5.1', 'none')).toEqual({ temperature: 0.5, top_p: 0.8, warnings: [] });
    expect(sampled('gpt-5.4-mini', 'none')).toEqual({ temperature: 0.5, top_p: 0.8, warnings: [] });
    expect(sampled('gpt-4o')).toEqual({ temperature: 0.5, top_p: 0.8, warnings: [] });
  });

  it.each<[string, ReasoningEffort, string | undefined]>([
    ['gpt-5.1', 'minimal', 'low'],
    ['gpt-5.2', 'minimal', 'low'],
    ['gpt-5.4-nano', 'minimal', 'low'],
    ['gpt-5.1', 'none', 'none'],
    ['gpt-5', 'none', 'minimal'],
    ['gpt-5-mini', 'none', 'minimal'],
    ['gpt-5-nano', 'minimal', 'minimal'],
    ['o3', 'none', 'low'],
    ['o4-mini', 'minimal', 'low'],
    ['gpt-5', 'xhigh', 'high'],
    ['gpt-5-nano', 'xhigh', 'high'],
    ['gpt-5.1', 'xhigh', 'high'],
    ['o3', 'xhigh', 'high'],
    ['o4-mini', 'xhigh', 'high'],
    ['gpt-5.2', 'xhigh', 'xhigh'],
    ['gpt-5.5', 'xhigh', 'xhigh'],
    ['gpt-5.1-codex-max', 'xhigh', 'xhigh'],
    ['gpt-5-pro', 'high', undefined],
    ['o3-pro', 'low', undefined],
  ])('sends %s effort %s as %s', (model, effort, sent) => {
    const { body, warnings } = convertOpenAIRequest({ request: { model, input: [], reasoning: { effort } }, tier: 'auto' });
    expect(body.reasoning?.effort).toBe(sent);
    const expected = sent === effort ? [] : [sent === undefined ? 'reasoning_dropped:reasoning.effort' : 'reasoning_changed:reasoning.effort'];
    expect(warnings.map((w) => `${w.code}:${w.field}`)).toEqual(expected);
  });

  it('sends summary concise as auto where only auto/detailed exist', () => {
    for (const model of ['gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'o3', 'o4-mini']) {
      const { body, warnings } = convertOpenAIRequest({ request: { model, input: [], reasoning: { summary: 'concise' } }, tier: 'auto' });
      expect(body.reasoning).toEqual({ summary: 'auto' });
      expect(warnings).toEqual([
        { code: 'reasoning_changed', field: 'reasoning.summary', message: `${model} does not support reasoning summary 'concise'; 'auto' was used.` },
      ]);
    }
    const { body, warnings } = convertOpenAIRequest({ request: { model: 'gpt-5.2', input: [], reasoning: { summary: 'concise' } }, tier: 'auto' });
    expect(body.reasoning).toEqual({ summary: 'concise' });
    expect(warnings).toEqual([]);
  });

  it('keeps ids and token limits within OpenAI bounds', () => {
    const longId = 'x'.repeat(65);
    const hash = createHash('sha256').update(longId).digest('hex');
    const request: CanonicalRequest = {
      model: 'gpt-5',
      input: [
        { type: 'function_call', id: 'fc_1', callId: longId, name: 'f', arguments: '{}' },
        { type: 'function_call_output', callId: longId, output: 'ok' },
        { type: 'function_call', id: 'fc_2', callId: 'y'.repeat(64), name: 'f', arguments: '{}' },
      ],
      user: longId,
      maxOutputTokens: 5,
    };
    const { body, warnings } = convertOpenAIRequest({ request, tier: 'auto' });
    expect(hash).toHaveLength(64);
    expect(body.safety_identifier).toBe(hash);
    expect(body.input).toMatchObject([{ call_id: hash }, { call_id: hash }, { call_id: 'y'.repeat(64) }]);
    expect(body.max_output_tokens).toBe(16);
    expect(warnings.map((w) => `${w.code}:${w.field}`)).toEqual([
      'translated:input[0].call_id',
      'translated:input[1].call_id',
      'output_limit_raised:max_output_tokens',
      'translated:user',
    ]);
    expect(convertOpenAIRequest({ request: { model: 'gpt-5', input: [], user: 'u', maxOutputTokens: 16 }, tier: 'auto' }).body).toMatchObject({
      safety_identifier: 'u',
      max_output_tokens: 16,
    });
  });

  it('picks an effort for a thinking budget when no effort was given', () => {
    const request: CanonicalRequest = { model: 'o3', input: [], reasoning: { budgetTokens: 1024 } };
    expect(convertOpenAIRequest({ request, tier: 'flex' }).body.reasoning).toEqual({ effort: 'low' });
  });
});

describe('isReasoningModel', () => {
  it('knows the reasoning families', () => {
    expect(['o3', 'o4-mini', 'gpt-5', 'gpt-5.4-nano', 'codex-mini-latest'].every(isReasoningModel)).toBe(true);
    expect(['gpt-4o', 'gpt-4.1-mini', 'gpt-5-chat-latest'].some(isReasoningModel)).toBe(false);
  });
});
