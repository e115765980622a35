import { describe, expect, it } from 'vitest';
import type { CanonicalResponse, OutputItem } from '../../canonical/types.js';
import { messagesSurface } from './index.js';
import { decodeMessagesSignature, encodeCallSignature, encodeReasoningSignature } from './opaque-signature.js';

describe('opaque signatures', () => {
  it('keeps Anthropic signatures verbatim', () => {
    expect(encodeReasoningSignature({ provider: 'anthropic', data: 'EvQBCkYI' }, 'rs_x')).toBe('EvQBCkYI');
    expect(decodeMessagesSignature('EvQBCkYI', 'p')).toEqual({ kind: 'reasoning', opaque: { provider: 'anthropic', data: 'EvQBCkYI' } });
    expect(decodeMessagesSignature('', 'p')).toEqual({ kind: 'none' });
  });

  it('round-trips OpenAI state with its item id, and Gemini reasoning and call state', () => {
    const openai = encodeReasoningSignature({ provider: 'openai', data: 'gAAAAB:x' }, 'rs_1');
    expect(openai).toBe('flexinf:openai:rs_1:gAAAAB:x');
    expect(decodeMessagesSignature(openai, 'p')).toEqual({ kind: 'reasoning', opaque: { provider: 'openai', data: 'gAAAAB:x' }, itemId: 'rs_1' });
    const gemini = encodeReasoningSignature({ provider: 'gemini', data: 'U0lH' }, 'rs_2');
    expect(decodeMessagesSignature(gemini, 'p')).toEqual({ kind: 'reasoning', opaque: { provider: 'gemini', data: 'U0lH' } });
    const call = encodeCallSignature({ provider: 'gemini', data: 'Q0FM' });
    expect(decodeMessagesSignature(call, 'p')).toEqual({ kind: 'call', opaque: { provider: 'gemini', data: 'Q0FM' } });
  });

  it('leaves out an item id that would break the format', () => {
    const signature = encodeReasoningSignature({ provider: 'openai', data: 'gA' }, 'a:b');
    expect(decodeMessagesSignature(signature, 'p')).toEqual({ kind: 'reasoning', opaque: { provider: 'openai', data: 'gA' } });
  });
});

describe('a multi-turn tool loop replays every provider state', () => {
  it('decodes the encoded assistant content back to the original items', () => {
    const output: OutputItem[] = [
      { type: 'reasoning', id: 'rs_7', summary: ['Think'], opaque: { provider: 'openai', data: 'gAAAAB' } },
      { type: 'message', id: 'm', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Calling.' }] },
      { type: 'function_call', id: 'fc', callId: 'call_1', name: 'f', arguments: '{"q":1}', opaque: { provider: 'gemini', data: 'U0lH' } },
      { type: 'reasoning', id: 'rs_8', summary: [], opaque: { provider: 'anthropic', data: 'REDACTED', redacted: true } },
    ];
    const response: CanonicalResponse = {
      id: 'resp',
      model: 'm',
      createdAt: 0,
      status: 'completed',
      finishReason: { type: 'tool_calls' },
      output,
      usage: { inputTokens: 1, cachedTokens: 0, outputTokens: 1, reasoningTokens: 0 },
      servedTier: 'standard',
      provider: 'openai',
    };
    const base = { model: 'm', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [{ role: 'user', content: 'Go' }] };
    const encoded = messagesSurface.decode(base).encodeResponse(response, { servedTier: 'standard', requestId: 'r' }) as {
      content: unknown[];
    };
    const replay = {
      ...base,
      messages: [
        ...base.messages,
        { role: 'assistant', content: encoded.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '42' }] },
      ],
    };
    expect(messagesSurface.decode(replay).request.input.slice(1)).toEqual([
      { type: 'reasoning', id: 'rs_7', summary: ['Think'], opaque: { provider: 'openai', data: 'gAAAAB' } },
      { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Calling.' }] },
      { type: 'function_call', id: 'call_1', callId: 'call_1', name: 'f', arguments: '{"q":1}', opaque: { provider: 'gemini', data: 'U0lH' } },
      { type: 'reasoning', id: 'rs_1_4', summary: [], opaque: { provider: 'anthropic', data: 'REDACTED', redacted: true } },
      { type: 'function_call_output', callId: 'call_1', output: '42' },
    ]);
  });
});
