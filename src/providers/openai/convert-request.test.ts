import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../canonical/types.js';
import { convertRequest, isReasoningModel, serviceTierFor } from './convert-request.js';
import { readCassette } from './test-support/fixtures.js';

describe('convertRequest', () => {
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
    const body = convertRequest({ request, tier: 'flex' });
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
    expect(serviceTierFor('flex')).toBe('flex');
    expect(serviceTierFor('standard')).toBe('default');
    expect(serviceTierFor('priority')).toBe('priority');
    expect(serviceTierFor('auto')).toBe('auto');
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
    const body = convertRequest({ request, tier: 'standard' });
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
        { type: 'reasoning', id: 'rs_1', encrypted_content: 'gAAAA', summary: [{ type: 'summary_text', text: 'thought' }] },
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
      temperature: 0.2,
      top_p: 0.9,
      safety_identifier: 'user-123',
      metadata: { team: 'evals' },
      include: ['reasoning.encrypted_content'],
    });
    expect(request.warnings).toHaveLength(2);
    expect(request.warnings?.[0]).toMatch(/anthropic cannot be replayed/);

    convertRequest({ request, tier: 'flex' });
    expect(request.warnings).toHaveLength(2);
  });

  it('asks for encrypted reasoning only where reasoning can happen', () => {
    const plain: CanonicalRequest = { model: 'gpt-4o', input: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'hi' }] }] };
    const body = convertRequest({ request: plain, tier: 'auto' });
    expect(body.include).toBeUndefined();
    expect(body.store).toBe(false);
    expect(Object.keys(body).sort()).toEqual(['input', 'model', 'service_tier', 'store', 'stream']);
    expect(convertRequest({ request: { ...plain, reasoning: { effort: 'low' } }, tier: 'auto' }).include).toEqual(['reasoning.encrypted_content']);
    expect(convertRequest({ request: { ...plain, model: 'o4-mini' }, tier: 'auto' }).include).toEqual(['reasoning.encrypted_content']);
  });

  it('picks an effort for a thinking budget when no effort was given', () => {
    const request: CanonicalRequest = { model: 'o3', input: [], reasoning: { budgetTokens: 1024 } };
    expect(convertRequest({ request, tier: 'flex' }).reasoning).toEqual({ effort: 'low' });
  });
});

describe('isReasoningModel', () => {
  it('knows the reasoning families', () => {
    expect(['o3', 'o4-mini', 'gpt-5', 'gpt-5.4-nano', 'codex-mini-latest'].every(isReasoningModel)).toBe(true);
    expect(['gpt-4o', 'gpt-4.1-mini', 'gpt-5-chat-latest'].some(isReasoningModel)).toBe(false);
  });
});
