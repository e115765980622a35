import { describe, expect, it } from 'vitest';
import type { CanonicalResponse } from '../../canonical/types.js';
import type { EncodeContext } from '../surface.js';
import { encodeMessagesResponse } from './encode-response.js';
import { fixtureText, readJson } from './test-support/recorded.js';
import type { Json } from './test-support/recorded.js';
import { canonicalFromMessage } from './test-support/to-canonical.js';

const ctx: EncodeContext = { servedTier: 'standard', requestId: 'req_1' };

/** Fields Anthropic sends that the canonical form does not carry (cache TTL split, region). */
function withoutUncarried(message: Json): Json {
  const { cache_creation: _cc, inference_geo: _geo, ...usage } = message.usage as Json;
  return { ...message, usage };
}

describe('response encoder reproduces recorded Anthropic messages', () => {
  it.each(['anthropic-text.json'])('%s', (name) => {
    const recorded = readJson(name);
    expect(encodeMessagesResponse(canonicalFromMessage(recorded), ctx)).toEqual(withoutUncarried(recorded));
  });

  it('anthropic-json-tool.1.json (the recording omits stop_sequence)', () => {
    const recorded = readJson('anthropic-json-tool.1.json');
    expect(encodeMessagesResponse(canonicalFromMessage(recorded), ctx)).toEqual({
      ...withoutUncarried(recorded),
      stop_sequence: null,
    });
  });

  it('thinking + text + tool_use from a live cassette', () => {
    const signature = /- signature: (\S+)/.exec(fixtureText('test_anthropic_tool_with_thinking.yaml'))?.[1];
    expect(signature).toMatch(/^EqEE/);
    const recorded: Json = {
      model: 'claude-sonnet-4-20250514',
      id: 'msg_01WvueFjZVbHcj4H4zUzeGv2',
      type: 'message',
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'The user is asking about the largest city.', signature },
        { type: 'text', text: "I'll help you find the largest city in your country." },
        { type: 'tool_use', id: 'toolu_01YGzqpRE16Vricda3Aqcejo', name: 'get_user_country', input: {} },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 398, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 155, service_tier: 'standard' },
    };
    expect(encodeMessagesResponse(canonicalFromMessage(recorded), ctx)).toEqual(recorded);
  });

  it('parallel tool_use blocks from a live cassette', () => {
    const names = ['Alice', 'Bob', 'Charlie', 'Daisy'];
    const ids = ['toolu_0167cfEnoQaPviGdVXA95zcu', 'toolu_01EEe2V5HD1Ac4rKiUR4HD2T', 'toolu_01XFyAjstT3966qvRynZyVPo', 'toolu_013mnQZbgtK2oe3Mo3XKJsx3'];
    for (const id of ids) expect(fixtureText('test_multiple_parallel_tool_calls.yaml')).toContain(id);
    const recorded: Json = {
      model: 'claude-haiku-4-5-20251001',
      id: 'msg_011S3wxtqL5CVescWqS3zeg2',
      type: 'message',
      role: 'assistant',
      content: [
        { type: 'text', text: "I'll help you find out who is the youngest." },
        ...ids.map((id, i) => ({ type: 'tool_use', id, name: 'retrieve_entity_info', input: { name: names[i] } })),
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 423, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 202, service_tier: 'standard' },
    };
    expect(encodeMessagesResponse(canonicalFromMessage(recorded), ctx)).toEqual(recorded);
  });
});

function response(over: Partial<CanonicalResponse>): CanonicalResponse {
  return {
    id: 'resp_1',
    model: 'gpt-5',
    createdAt: 1,
    status: 'completed',
    finishReason: { type: 'stop' },
    output: [],
    usage: { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 },
    servedTier: 'flex',
    provider: 'openai',
    ...over,
  };
}

describe('response encoder across providers', () => {
  it('reports usage Anthropic-style: input excludes cache reads and writes; thinking tokens detailed', () => {
    const out = encodeMessagesResponse(
      response({ usage: { inputTokens: 1000, cachedTokens: 600, cacheWriteTokens: 100, outputTokens: 80, reasoningTokens: 50 } }),
      { servedTier: 'flex', requestId: 'r' },
    );
    expect(out.usage).toEqual({
      input_tokens: 300,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 600,
      output_tokens: 80,
      service_tier: 'flex',
      output_tokens_details: { thinking_tokens: 50 },
    });
    expect(out.id).toBe('msg_resp_1');
  });

  it('reports the served tier from the context (priority)', () => {
    expect(encodeMessagesResponse(response({}), { servedTier: 'priority', requestId: 'r' }).usage.service_tier).toBe('priority');
  });

  it('renders OpenAI reasoning summaries as thinking with a prefixed signature, and tool calls', () => {
    const out = encodeMessagesResponse(
      response({
        output: [
          { type: 'reasoning', id: 'rs_9', summary: ['One', 'Two'], opaque: { provider: 'openai', data: 'gAAAAB' } },
          { type: 'function_call', id: 'fc_1', callId: 'call_1', name: 'f', arguments: '{"a":1}' },
        ],
      }),
      ctx,
    );
    expect(out.content).toEqual([
      { type: 'thinking', thinking: 'One\n\nTwo', signature: 'flexinf:openai:rs_9:gAAAAB' },
      { type: 'tool_use', id: 'call_1', name: 'f', input: { a: 1 } },
    ]);
    expect(out.stop_reason).toBe('tool_use');
  });

  it('renders a Gemini function-call signature as a thinking block after the tool_use', () => {
    const out = encodeMessagesResponse(
      response({
        finishReason: { type: 'tool_calls' },
        output: [
          { type: 'function_call', id: 'fc', callId: 'c1', name: 'f', arguments: '{}', opaque: { provider: 'gemini', data: 'U0lH' } },
        ],
      }),
      ctx,
    );
    expect(out.content).toEqual([
      { type: 'tool_use', id: 'c1', name: 'f', input: {} },
      { type: 'thinking', thinking: '', signature: 'flexinf:gemini-call:U0lH' },
    ]);
  });

  it('maps finish reasons to stop reasons', () => {
    const cases: [CanonicalResponse['finishReason'], string][] = [
      [{ type: 'stop' }, 'end_turn'],
      [{ type: 'max_output_tokens' }, 'max_tokens'],
      [{ type: 'tool_calls' }, 'tool_use'],
      [{ type: 'content_filter' }, 'refusal'],
      [{ type: 'refusal' }, 'refusal'],
      [{ type: 'paused' }, 'pause_turn'],
      [{ type: 'other', raw: 'pause_turn' }, 'pause_turn'],
      [{ type: 'other', raw: 'SAFETY_WEIRD' }, 'end_turn'],
    ];
    for (const [finishReason, expected] of cases) {
      expect(encodeMessagesResponse(response({ finishReason }), ctx).stop_reason).toBe(expected);
    }
  });

  it('keeps redacted thinking, drops empty reasoning, and tolerates unparseable arguments', () => {
    const out = encodeMessagesResponse(
      response({
        finishReason: { type: 'max_output_tokens' },
        output: [
          { type: 'reasoning', id: 'r1', summary: [], opaque: { provider: 'anthropic', data: 'RED', redacted: true } },
          { type: 'reasoning', id: 'r2', summary: [] },
          { type: 'function_call', id: 'f', callId: 'c', name: 'g', arguments: '{"cut' },
        ],
      }),
      ctx,
    );
    expect(out.content).toEqual([
      { type: 'redacted_thinking', data: 'RED' },
      { type: 'tool_use', id: 'c', name: 'g', input: {} },
    ]);
    expect(out.stop_reason).toBe('max_tokens');
  });

  it('renders a refusal with stop_details', () => {
    const out = encodeMessagesResponse(
      response({
        finishReason: { type: 'refusal' },
        output: [{ type: 'message', id: 'm', role: 'assistant', status: 'completed', content: [{ type: 'refusal', refusal: 'No.' }] }],
      }),
      ctx,
    );
    expect(out.content).toEqual([{ type: 'text', text: 'No.' }]);
    expect(out.stop_details).toEqual({ type: 'refusal', category: null, explanation: 'No.' });
  });
});
