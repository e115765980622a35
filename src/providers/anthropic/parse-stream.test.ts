import { describe, expect, it } from 'vitest';
import type { CanonicalResponse, CanonicalStreamEvent } from '../../canonical/types.js';
import { FlexError } from '../../errors/catalog.js';
import { createSseDecoder } from '../sse-decoder.js';
import { createAnthropicStreamParser } from './parse-stream.js';
import { cassetteStreamBody, chunksAsSse } from './test-support/fixtures.js';
import type { AnthropicStreamEvent } from './wire.js';

const NOW = 1_760_000_000_123;

/** Feeds raw SSE text (in awkward 7-byte pieces) through the reader and the parser. */
function run(sse: string): CanonicalStreamEvent[] {
  const bytes = new TextEncoder().encode(sse);
  const parser = createAnthropicStreamParser({ now: () => NOW });
  const out: CanonicalStreamEvent[] = [];
  const decoder = createSseDecoder((item) => {
    if (item.kind === 'malformed') throw new Error(`malformed: ${item.raw}`);
    const step = parser.push(item.data as unknown as AnthropicStreamEvent);
    if (step.type === 'error') throw step.error;
    out.push(...step.events);
  });
  for (let i = 0; i < bytes.length; i += 7) decoder.feed(bytes.slice(i, i + 7));
  decoder.end();
  if (!parser.done) throw new Error('stream did not complete');
  return out;
}

function pushAll(events: unknown[]): { events: CanonicalStreamEvent[]; error?: FlexError } {
  const parser = createAnthropicStreamParser({ now: () => NOW });
  const out: CanonicalStreamEvent[] = [];
  for (const event of events) {
    const step = parser.push(event as AnthropicStreamEvent);
    if (step.type === 'error') return { events: out, error: step.error };
    out.push(...step.events);
  }
  return { events: out };
}

function completed(events: CanonicalStreamEvent[]): CanonicalResponse {
  const last = events.at(-1);
  if (last?.type !== 'response.completed') throw new Error('no response.completed at the end');
  return last.response;
}

function textOf(events: CanonicalStreamEvent[], outputIndex: number): string {
  return events
    .filter((e) => e.type === 'text.delta' && e.outputIndex === outputIndex)
    .map((e) => (e.type === 'text.delta' ? e.delta : ''))
    .join('');
}

/** The canonical stream contract: pairing, order and sequential output indexes. */
function expectWellFormed(events: CanonicalStreamEvent[]): void {
  expect(events[0]).toEqual({ type: 'admitted' });
  expect(events[1]?.type).toBe('response.created');
  expect(events.filter((e) => e.type === 'response.completed')).toHaveLength(1);
  const open = new Set<number>();
  const openParts = new Set<string>();
  let nextIndex = 0;
  for (const e of events) {
    if (e.type === 'item.added') {
      expect(e.outputIndex).toBe(nextIndex++);
      open.add(e.outputIndex);
    } else if (e.type === 'content_part.added') {
      expect(open.has(e.outputIndex)).toBe(true);
      openParts.add(`${e.outputIndex}:${e.contentIndex}`);
    } else if (e.type === 'content_part.done') {
      expect(openParts.delete(`${e.outputIndex}:${e.contentIndex}`)).toBe(true);
    } else if (e.type === 'item.done') {
      expect([...openParts].some((key) => key.startsWith(`${e.outputIndex}:`))).toBe(false);
      expect(open.delete(e.outputIndex)).toBe(true);
    } else if ('outputIndex' in e) {
      expect(open.has(e.outputIndex)).toBe(true);
    }
  }
  expect(open.size).toBe(0);
  expect(completed(events).output).toHaveLength(nextIndex);
}

describe('createAnthropicStreamParser on recorded streams', () => {
  it('maps a text stream (anthropic-text) to one message item and usage', async () => {
    const events = run(chunksAsSse('anthropic-text.chunks.txt'));
    expectWellFormed(events);
    expect(events.map((e) => e.type)).toEqual([
      'admitted',
      'response.created',
      'item.added',
      'content_part.added',
      ...Array<string>(6).fill('text.delta'),
      'content_part.done',
      'item.done',
      'response.completed',
    ]);
    expect(events[1]).toEqual({
      type: 'response.created',
      id: 'msg_01QC4g3HwBThD4BaNtBckFDJ',
      model: 'claude-sonnet-4-5-20250929',
      createdAt: Math.floor(NOW / 1000),
      // message_start knows the input side; the output count is provisional.
      usage: { inputTokens: 12, cachedTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 },
      servedTier: 'standard',
    });
    const text = "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?";
    expect(textOf(events, 0)).toBe(text);
    const response = completed(events);
    expect(response).toMatchObject({
      id: 'msg_01QC4g3HwBThD4BaNtBckFDJ',
      status: 'completed',
      finishReason: { type: 'stop' },
      servedTier: 'standard',
      rawServiceTier: 'standard',
      provider: 'anthropic',
    });
    expect(response.usage).toEqual({ inputTokens: 12, cachedTokens: 0, cacheWriteTokens: 0, outputTokens: 30, reasoningTokens: 0 });
    expect(response.output).toEqual([
      { type: 'message', id: 'msg_01QC4g3HwBThD4BaNtBckFDJ_0', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] },
    ]);
  });

  it('maps thinking with its signature, then text (anthropic-clear-thinking)', async () => {
    const events = run(chunksAsSse('anthropic-clear-thinking.1.chunks.txt'));
    expectWellFormed(events);
    const response = completed(events);
    const [reasoning, message] = response.output;
    expect(reasoning).toMatchObject({
      type: 'reasoning',
      summary: [],
      text: 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185',
      status: 'completed',
    });
    expect(reasoning?.type === 'reasoning' && reasoning.opaque?.provider).toBe('anthropic');
    expect(reasoning?.type === 'reasoning' && reasoning.opaque?.data).toMatch(/^EvQBCkYICxgCKkAxhD4N.*BgB$/);
    const reasoningText = events.filter((e) => e.type === 'reasoning_text.delta').map((e) => (e.type === 'reasoning_text.delta' ? e.delta : ''));
    expect(reasoningText.join('')).toBe(reasoning?.type === 'reasoning' ? reasoning.text : undefined);
    expect(reasoningText).not.toContain('');
    expect(message).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: '925 ÷ 5 = 185' }] });
    expect(response.usage).toMatchObject({ inputTokens: 69, outputTokens: 53 });
  });

  it('maps a tool_use block with streamed JSON arguments (anthropic-json-tool)', async () => {
    const events = run(chunksAsSse('anthropic-json-tool.1.chunks.txt'));
    expectWellFormed(events);
    const response = completed(events);
    const args = '{"elements": [{"location": "San Francisco", "temperature": 58, "condition": "sunny"}]}';
    expect(response.output).toEqual([
      { type: 'function_call', id: 'fc_01KFbKqPYSuAKujiL6mTfzYA', callId: 'toolu_01KFbKqPYSuAKujiL6mTfzYA', name: 'json', arguments: args, status: 'completed' },
    ]);
    const deltas = events.filter((e) => e.type === 'function_call_arguments.delta');
    expect(deltas.map((e) => (e.type === 'function_call_arguments.delta' ? e.delta : '')).join('')).toBe(args);
    expect(response.finishReason).toEqual({ type: 'tool_calls' });
    expect(response.usage).toMatchObject({ inputTokens: 849, outputTokens: 47 });
  });

  it('closes the text message before a tool call and gives a no-args tool "{}" (anthropic-tool-no-args)', async () => {
    const events = run(chunksAsSse('anthropic-tool-no-args.chunks.txt'));
    expectWellFormed(events);
    const doneMessage = events.findIndex((e) => e.type === 'item.done' && e.outputIndex === 0);
    const addedTool = events.findIndex((e) => e.type === 'item.added' && e.outputIndex === 1);
    expect(doneMessage).toBeGreaterThan(-1);
    expect(doneMessage).toBeLessThan(addedTool);
    expect(textOf(events, 0)).toBe("I'll update the issue list for you.");
    const response = completed(events);
    expect(response.output[1]).toMatchObject({ type: 'function_call', name: 'updateIssueList', callId: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', arguments: '{}' });
    expect(events).toContainEqual({ type: 'function_call_arguments.delta', outputIndex: 1, delta: '{}' });
  });

  it('maps a refusal stop reason with no content (anthropic-refusal)', async () => {
    const events = run(chunksAsSse('anthropic-refusal.chunks.txt'));
    expectWellFormed(events);
    const response = completed(events);
    expect(response.output).toEqual([]);
    expect(response.finishReason).toEqual({ type: 'refusal' });
    expect(response.status).toBe('completed');
    expect(response.usage).toMatchObject({ inputTokens: 18, outputTokens: 5 });
  });

  it('reads raw cassette bytes with ping events and space-padded data lines (thinking stream)', async () => {
    const sse = cassetteStreamBody('test_anthropic_model_thinking_part_stream.yaml');
    expect(sse).toContain('data: {"type": "ping"}');
    expect(sse).toMatch(/"index":0\s{5,}}/);
    const events = run(sse);
    expectWellFormed(events);
    const response = completed(events);
    expect(response.id).toBe('msg_01ALwQ87pTS7hH1PjSdC9wJD');
    const [reasoning, message] = response.output;
    expect(reasoning?.type === 'reasoning' && reasoning.text).toMatch(/^This is a straightforward question about pedestrian safety\./);
    expect(reasoning?.type === 'reasoning' && reasoning.opaque?.data).toMatch(/^EvMCCkYICxgCKkCHP2c/);
    expect(message?.type === 'message' && message.content[0]).toMatchObject({ type: 'output_text' });
    expect(textOf(events, 1)).toMatch(/^Here are the basic steps for safely crossing the street:/);
    expect(textOf(events, 1)).toMatch(/when crossing streets\.$/);
    expect(response.usage).toMatchObject({ inputTokens: 43, outputTokens: 282 });
    expect(response.servedTier).toBe('standard');
  });
});

const START = {
  type: 'message_start',
  message: { id: 'msg_01Synthetic', model: 'claude-sonnet-4-5', usage: { input_tokens: 10, output_tokens: 1, service_tier: 'standard' } },
};

describe('createAnthropicStreamParser edge cases', () => {
  it.each([
    ['overloaded_error', 529],
    ['api_error', 500],
    ['rate_limit_error', 429],
    ['timeout_error', 504],
    ['something_new', 502],
  ])('turns an in-stream %s error event into a FlexError with status %i', (type, status) => {
    const { events, error } = pushAll([START, { type: 'ping' }, { type: 'error', error: { type, message: 'Overloaded' } }]);
    expect(events.map((e) => e.type)).toEqual(['admitted', 'response.created']);
    expect(error).toBeInstanceOf(FlexError);
    expect(error?.status).toBe(status);
    expect(error?.code).toBe(status === 504 ? 'upstream_timeout' : 'upstream_error');
    expect(error?.upstream).toMatchObject({ provider: 'anthropic', providerType: type, providerCode: type });
    expect(error?.message).toBe('Overloaded');
  });

  it('marks a max_tokens stop incomplete, on the response and the open message', () => {
    const { events } = pushAll([
      START,
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Once upon' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 2 } },
      { type: 'message_stop' },
    ]);
    const response = completed(events);
    expect(response.status).toBe('incomplete');
    expect(response.finishReason).toEqual({ type: 'max_output_tokens' });
    expect(response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
  });

  it('keeps consecutive text blocks in one message as separate content parts', () => {
    const { events } = pushAll([
      START,
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'a' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'b' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } },
      { type: 'message_stop' },
    ]);
    expectWellFormed(events);
    expect(completed(events).output).toEqual([
      {
        type: 'message',
        id: 'msg_01Synthetic_0',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'a' }, { type: 'output_text', text: 'b' }],
      },
    ]);
  });

  it('maps redacted thinking to a reasoning item carrying only opaque data', () => {
    const { events } = pushAll([
      START,
      { type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } },
      { type: 'message_stop' },
    ]);
    expectWellFormed(events);
    expect(completed(events).output[0]).toEqual({
      type: 'reasoning',
      id: 'rs_01Synthetic_0',
      summary: [],
      opaque: { provider: 'anthropic', data: 'EmwKAhgBEgy3va', redacted: true },
      status: 'completed',
    });
  });

  it('sums cache reads and writes into input tokens and reads thinking tokens and the priority tier', () => {
    const { events } = pushAll([
      {
        type: 'message_start',
        message: {
          id: 'msg_01Cached',
          model: 'claude-opus-4-6',
          usage: { input_tokens: 5, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 1, service_tier: 'priority' },
        },
      },
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn' },
        usage: { input_tokens: 5, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 90, output_tokens_details: { thinking_tokens: 60 } },
      },
      { type: 'message_stop' },
    ]);
    const response = completed(events);
    expect(response.usage).toEqual({ inputTokens: 1205, cachedTokens: 1000, cacheWriteTokens: 200, outputTokens: 90, reasoningTokens: 60 });
    expect(response.servedTier).toBe('priority');
    expect(response.rawServiceTier).toBe('priority');
  });

  it('keeps an unknown stop reason raw', () => {
    const { events } = pushAll([START, { type: 'message_delta', delta: { stop_reason: 'some_future_reason' } }, { type: 'message_stop' }]);
    expect(completed(events).finishReason).toEqual({ type: 'other', raw: 'some_future_reason' });
    expect(completed(events).status).toBe('completed');
  });

  it('maps pause_turn to a paused, incomplete turn: the answer is still to come', () => {
    const { events } = pushAll([
      START,
      { type: 'content_block_start', index: 0, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"query":"harbor towns"}' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'pause_turn' }, usage: { output_tokens: 9 } },
      { type: 'message_stop' },
    ]);
    const response = completed(events);
    expect(response.finishReason).toEqual({ type: 'paused' });
    expect(response.status).toBe('incomplete');
    expect(response.output[0]).toMatchObject({ type: 'web_search_call', queries: ['harbor towns'] });
  });

  it('refuses content before message_start', () => {
    const { error } = pushAll([{ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }]);
    expect(error?.status).toBe(502);
  });
});
