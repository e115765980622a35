import { describe, expect, it } from 'vitest';
import type { OutputItem } from '../../canonical/types.js';
import { mapOpenAIFinishReason } from './map-finish-reason.js';
import { mapOpenAIServedTier } from './map-tier.js';
import { mapOpenAIUsage } from './map-usage.js';

const call: OutputItem = { type: 'function_call', id: 'fc_1', callId: 'call_1', name: 'f', arguments: '{}' };
const text: OutputItem = { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'hi' }] };

describe('mapOpenAIFinishReason', () => {
  it('maps incomplete reasons, keeping unknown ones raw', () => {
    expect(mapOpenAIFinishReason({ status: 'incomplete', incompleteReason: 'max_output_tokens', output: [] })).toEqual({ type: 'max_output_tokens' });
    expect(mapOpenAIFinishReason({ status: 'incomplete', incompleteReason: 'content_filter', output: [] })).toEqual({ type: 'content_filter' });
    expect(mapOpenAIFinishReason({ status: 'incomplete', incompleteReason: 'something_new', output: [] })).toEqual({ type: 'other', raw: 'something_new' });
  });

  it('reports tool calls, then refusals, else stop', () => {
    expect(mapOpenAIFinishReason({ status: 'completed', incompleteReason: undefined, output: [text, call] })).toEqual({ type: 'tool_calls' });
    const refusal: OutputItem = { type: 'message', id: 'msg_2', role: 'assistant', status: 'completed', content: [{ type: 'refusal', refusal: 'no' }] };
    expect(mapOpenAIFinishReason({ status: 'completed', incompleteReason: undefined, output: [refusal] })).toEqual({ type: 'refusal' });
    expect(mapOpenAIFinishReason({ status: 'completed', incompleteReason: undefined, output: [text] })).toEqual({ type: 'stop' });
  });
});

describe('mapOpenAIServedTier', () => {
  it('maps flex and priority, everything else to standard', () => {
    expect(mapOpenAIServedTier('flex')).toBe('flex');
    expect(mapOpenAIServedTier('priority')).toBe('priority');
    expect(mapOpenAIServedTier('default')).toBe('standard');
    expect(mapOpenAIServedTier('auto')).toBe('standard');
    expect(mapOpenAIServedTier('scale')).toBe('standard');
    expect(mapOpenAIServedTier(undefined)).toBe('standard');
  });
});

describe('mapOpenAIUsage', () => {
  it('reads cached and reasoning details, tolerating null usage', () => {
    expect(
      mapOpenAIUsage({ input_tokens: 100, input_tokens_details: { cached_tokens: 40 }, output_tokens: 50, output_tokens_details: { reasoning_tokens: 30 }, total_tokens: 150 }),
    ).toEqual({ inputTokens: 100, cachedTokens: 40, outputTokens: 50, reasoningTokens: 30 });
    expect(mapOpenAIUsage(null)).toEqual({ inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 });
  });
});
