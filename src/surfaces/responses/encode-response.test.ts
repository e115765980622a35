import { describe, expect, it } from 'vitest';
import type { CanonicalResponse, OutputItem } from '../../canonical/types.js';
import { FlexError } from '../../errors/catalog.js';
import { fixtureText } from '../../test-support/fixtures.js';
import { responsesSurface } from './index.js';

const recorded = JSON.parse(fixtureText('openai-responses/openai-reasoning-encrypted-content.1.json'));

function canonicalFromRecording(): CanonicalResponse {
  const [rs, msg] = recorded.output;
  return {
    id: recorded.id,
    model: recorded.model,
    createdAt: recorded.created_at,
    status: 'completed',
    finishReason: { type: 'stop' },
    output: [
      { type: 'reasoning', id: rs.id, summary: [rs.summary[0].text], opaque: { provider: 'openai', data: rs.encrypted_content } },
      { type: 'message', id: msg.id, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: msg.content[0].text, annotations: [] }] },
    ],
    usage: { inputTokens: 865, cachedTokens: 0, outputTokens: 163, reasoningTokens: 128 },
    servedTier: 'standard',
    provider: 'openai',
  };
}

describe('responses encodeResponse', () => {
  it('reproduces the recorded response object, key order included (the billing block aside)', () => {
    const decoded = responsesSurface.decode({
      model: 'gpt-5-mini',
      start_within: 'default',
      input: 'What is ((12 + 7) * 3) * 10?',
      reasoning: recorded.reasoning,
      tools: recorded.tools,
      store: false,
      include: ['reasoning.encrypted_content'],
    });
    const body = decoded.encodeResponse(canonicalFromRecording(), { servedTier: 'standard', requestId: 'r' });
    const { billing: _billing, ...expected } = recorded;
    expect(body).toEqual(expected);
    expect(Object.keys(body as object)).toEqual(Object.keys(expected));
  });

  it.each([
    ['flex', 'flex'],
    ['standard', 'default'],
    ['priority', 'priority'],
  ] as const)('reports served tier %s as service_tier "%s"', (servedTier, wire) => {
    const decoded = responsesSurface.decode({ model: 'gpt-5-mini', start_within: 'default', input: 'x' });
    expect(decoded.encodeResponse(canonicalFromRecording(), { servedTier, requestId: 'r' })).toMatchObject({ service_tier: wire });
  });

  it('encodes function calls, refusals, phases, non-OpenAI ids and echoes request fields', () => {
    const output: OutputItem[] = [
      { type: 'message', id: 'msg_a', role: 'assistant', status: 'completed', phase: 'commentary', content: [{ type: 'refusal', refusal: 'No.' }] },
      { type: 'function_call', id: 'fc_1', callId: 'toolu_1', name: 'lookup', arguments: '{"q":1}', opaque: { provider: 'gemini', data: 'sig' } },
    ];
    const decoded = responsesSurface.decode({
      model: 'gemini-2.5-flash', start_within: 'default', input: 'x', instructions: 'Be brief.', max_output_tokens: 50,
      temperature: 0.3, top_p: 0.5, user: 'u1', safety_identifier: 's1', metadata: { k: 'v' }, parallel_tool_calls: false,
      tool_choice: 'required', text: { format: { type: 'json_schema', name: 'n', schema: { type: 'object' } } },
    });
    const body = decoded.encodeResponse(
      { ...canonicalFromRecording(), id: 'interaction-123', model: 'gemini-2.5-flash', status: 'completed', finishReason: { type: 'tool_calls' }, output },
      { servedTier: 'flex', requestId: 'r' },
    ) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: 'resp_interaction-123', instructions: 'Be brief.', max_output_tokens: 50, temperature: 0.3, top_p: 0.5,
      user: 'u1', safety_identifier: 's1', metadata: { k: 'v' }, parallel_tool_calls: false, tool_choice: 'required',
      text: { format: { type: 'json_schema', description: null, name: 'n', schema: { type: 'object' }, strict: false }, verbosity: 'medium' },
      reasoning: { effort: null, summary: null }, store: true, incomplete_details: null,
    });
    expect(body.output).toEqual([
      { id: 'msg_a', type: 'message', status: 'completed', content: [{ type: 'refusal', refusal: 'No.' }], phase: 'commentary', role: 'assistant' },
      { id: 'fc_1', type: 'function_call', status: 'completed', arguments: '{"q":1}', call_id: 'toolu_1', name: 'lookup', encrypted_content: 'flexinf:gemini:sig' },
    ]);
    // What the caller gets back decodes to the same canonical items (Gemini signature included).
    const replay = responsesSurface.decode({ model: 'gemini-2.5-flash', start_within: 'default', input: body.output });
    expect(replay.request.input[1]).toEqual({ type: 'function_call', id: 'fc_1', callId: 'toolu_1', name: 'lookup', arguments: '{"q":1}', status: 'completed', opaque: { provider: 'gemini', data: 'sig' } });
  });

  it.each([
    [{ type: 'max_output_tokens' }, 'max_output_tokens'],
    [{ type: 'content_filter' }, 'content_filter'],
    [{ type: 'paused' }, 'pause_turn'],
    [{ type: 'other', raw: 'SAFETY' }, 'SAFETY'],
  ] as const)('maps an incomplete finish reason %j to incomplete_details.reason %s', (finishReason, reason) => {
    const decoded = responsesSurface.decode({ model: 'gpt-5-mini', start_within: 'default', input: 'x' });
    const body = decoded.encodeResponse({ ...canonicalFromRecording(), status: 'incomplete', finishReason }, { servedTier: 'standard', requestId: 'r' });
    expect(body).toMatchObject({ status: 'incomplete', incomplete_details: { reason } });
  });

  it('renders errors in the OpenAI envelope', () => {
    const rendered = responsesSurface.renderError(new FlexError('unsupported_parameter', { param: 'background' }), 'https://flex.example');
    expect(rendered.status).toBe(400);
    expect(rendered.body).toMatchObject({
      error: { type: 'invalid_request_error', code: 'unsupported_parameter', param: 'background', doc_url: 'https://flex.example/docs/errors#unsupported_parameter' },
    });
  });
});
