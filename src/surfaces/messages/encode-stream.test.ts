import { describe, expect, it } from 'vitest';
import type { CanonicalResponse, CanonicalStreamEvent, OutputMessage, ReasoningItem } from '../../canonical/types.js';
import { FlexError, upstreamError } from '../../errors/catalog.js';
import type { EncodeContext } from '../surface.js';
import { createMessagesStreamEncoder } from './encode-stream.js';
import { cassetteSseBody, parseSse, readChunks } from './test-support/recorded.js';
import type { Json, SseEvent } from './test-support/recorded.js';
import { canonicalFromStream } from './test-support/to-canonical.js';

const ctx: EncodeContext = { servedTier: 'standard', requestId: 'req_1' };

function encode(events: readonly CanonicalStreamEvent[], context: EncodeContext = ctx): string {
  const encoder = createMessagesStreamEncoder(context);
  return events.map((event) => encoder.event(event)).join('') + encoder.end();
}

function encodeParsed(events: readonly CanonicalStreamEvent[], context: EncodeContext = ctx): SseEvent[] {
  const parsed = parseSse(encode(events, context));
  // Every event is framed with its own type as the SSE event name, as Anthropic does.
  for (const event of parsed) expect(event.event).toBe(event.data.type);
  return parsed;
}

/** What is compared with a recording: pings are keep-alives, not content. */
function comparable(data: Json): Json {
  switch (data.type) {
    case 'message_start': {
      // The canonical stream knows usage only at the end; message_start carries zeros + the tier.
      const { usage: _usage, ...message } = data.message as Json;
      return { ...data, message };
    }
    case 'message_delta': {
      const { context_management: _cm, ...rest } = data;
      const { stop_details: details, ...delta } = rest.delta as Json;
      // Canonical refusals carry no category; the shape and type are checked.
      return { ...rest, delta: details === undefined ? delta : { ...delta, stop_details: (details as Json).type } };
    }
    default:
      return data;
  }
}

function expectReproduces(recorded: readonly Json[]): SseEvent[] {
  const ours = encodeParsed(canonicalFromStream(recorded));
  const expected = recorded.filter((event) => event.type !== 'ping').map(comparable);
  expect(ours.map((event) => comparable(event.data))).toEqual(expected);
  return ours;
}

describe('stream encoder reproduces recorded Anthropic streams', () => {
  it.each([
    'anthropic-text.chunks.txt',
    'anthropic-json-tool.1.chunks.txt',
    'anthropic-tool-no-args.chunks.txt',
    'anthropic-clear-thinking.1.chunks.txt',
    'anthropic-refusal.chunks.txt',
  ])('%s', (name) => {
    const ours = expectReproduces(readChunks(name));
    const start = ours[0]?.data.message as Json;
    expect(start.usage).toEqual({
      input_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 0,
      service_tier: 'standard',
    });
  });

  it('message_start carries the input count when the provider knew it at the start', () => {
    const usage = { inputTokens: 40, cachedTokens: 10, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 };
    const [start] = encodeParsed([{ type: 'response.created', id: 'msg_1', model: 'claude-sonnet-4-5', createdAt: 1, usage }]);
    expect((start?.data.message as Json).usage).toEqual({
      input_tokens: 30,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 10,
      output_tokens: 1,
      service_tier: 'standard',
    });
  });

  it('reproduces the raw SSE of a live thinking stream (event names and data)', () => {
    const recorded = parseSse(cassetteSseBody('test_anthropic_model_thinking_part_stream.yaml'));
    expect(recorded.length).toBeGreaterThan(50);
    const ours = expectReproduces(recorded.map((event) => event.data));
    const names = recorded.filter((event) => event.event !== 'ping').map((event) => event.event);
    expect(ours.map((event) => event.event)).toEqual(names);
  });

  it('reports the refusal with stop_details', () => {
    const ours = encodeParsed(canonicalFromStream(readChunks('anthropic-refusal.chunks.txt')));
    const delta = ours.find((event) => event.data.type === 'message_delta')?.data;
    expect(delta?.delta).toEqual({
      stop_reason: 'refusal',
      stop_sequence: null,
      stop_details: { type: 'refusal', category: null, explanation: null },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Streams from other providers

const created: CanonicalStreamEvent = { type: 'response.created', id: 'resp_abc', model: 'gpt-5', createdAt: 1 };

function completed(response: Partial<CanonicalResponse>): CanonicalStreamEvent {
  return {
    type: 'response.completed',
    response: {
      id: 'resp_abc',
      model: 'gpt-5',
      createdAt: 1,
      status: 'completed',
      finishReason: { type: 'stop' },
      output: [],
      usage: { inputTokens: 100, cachedTokens: 40, outputTokens: 30, reasoningTokens: 12 },
      servedTier: 'flex',
      provider: 'openai',
      ...response,
    },
  };
}

describe('stream encoder on OpenAI-shaped streams', () => {
  const call = { type: 'function_call', id: 'fc_1', callId: 'call_1', name: 'lookup', arguments: '' } as const;
  const reasoning: ReasoningItem = { type: 'reasoning', id: 'rs_1', summary: [] };
  const events: CanonicalStreamEvent[] = [
    { type: 'admitted' },
    created,
    { type: 'item.added', outputIndex: 0, item: reasoning },
    { type: 'reasoning_summary_part.added', outputIndex: 0, summaryIndex: 0 },
    { type: 'reasoning_summary.delta', outputIndex: 0, summaryIndex: 0, delta: 'First' },
    { type: 'reasoning_summary_part.done', outputIndex: 0, summaryIndex: 0, text: 'First' },
    { type: 'reasoning_summary_part.added', outputIndex: 0, summaryIndex: 1 },
    { type: 'reasoning_summary.delta', outputIndex: 0, summaryIndex: 1, delta: 'Second' },
    {
      type: 'item.done',
      outputIndex: 0,
      item: { ...reasoning, summary: ['First', 'Second'], opaque: { provider: 'openai', data: 'gAAAA_enc' } },
    },
    { type: 'item.added', outputIndex: 1, item: call },
    { type: 'function_call_arguments.delta', outputIndex: 1, delta: '{"q":' },
    { type: 'function_call_arguments.delta', outputIndex: 1, delta: '"x"}' },
    { type: 'item.done', outputIndex: 1, item: { ...call, arguments: '{"q":"x"}' } },
    completed({ output: [] }),
  ];

  it('renders summaries as one thinking block, the encrypted state as a prefixed signature, and a tool_use', () => {
    const ours = encodeParsed(events, { servedTier: 'flex', requestId: 'req_2' }).map((event) => event.data);
    expect(ours).toEqual([
      {
        type: 'message_start',
        message: {
          model: 'gpt-5',
          id: 'msg_resp_abc',
          type: 'message',
          role: 'assistant',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0, service_tier: 'flex' },
        },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'First' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: '\n\nSecond' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'flexinf:openai:rs_1:gAAAA_enc' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_1', name: 'lookup', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"q":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"x"}' } },
      { type: 'content_block_stop', index: 1 },
      {
        type: 'message_delta',
        // OpenAI reports a plain completion after tool calls; Anthropic clients loop on tool_use.
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: {
          input_tokens: 60,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 40,
          output_tokens: 30,
          output_tokens_details: { thinking_tokens: 12 },
        },
      },
      { type: 'message_stop' },
    ]);
  });

  it('maps a plain completion with function calls in the output to tool_use', () => {
    const last = completed({ output: [{ ...call, arguments: '{"q":"x"}' }] });
    const ours = encodeParsed([...events.slice(0, -1), last]).map((event) => event.data);
    expect(ours.find((event) => event.type === 'message_delta')?.delta).toEqual({ stop_reason: 'tool_use', stop_sequence: null });
  });

  it('renders an OpenAI refusal part as text with stop_reason refusal and its explanation', () => {
    const message: OutputMessage = { type: 'message', id: 'msg_1', role: 'assistant', status: 'in_progress', content: [] };
    const refusal = { type: 'refusal', refusal: '' } as const;
    const ours = encodeParsed([
      created,
      { type: 'item.added', outputIndex: 0, item: message },
      { type: 'content_part.added', outputIndex: 0, contentIndex: 0, part: refusal },
      { type: 'refusal.delta', outputIndex: 0, contentIndex: 0, delta: "I can't help." },
      { type: 'content_part.done', outputIndex: 0, contentIndex: 0, part: { type: 'refusal', refusal: "I can't help." } },
      { type: 'item.done', outputIndex: 0, item: { ...message, status: 'completed', content: [{ type: 'refusal', refusal: "I can't help." }] } },
      completed({
        finishReason: { type: 'refusal' },
        output: [{ ...message, status: 'completed', content: [{ type: 'refusal', refusal: "I can't help." }] }],
      }),
    ]).map((event) => event.data);
    expect(ours.slice(1, 4)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: "I can't help." } },
      { type: 'content_block_stop', index: 0 },
    ]);
    expect(ours[4]?.delta).toEqual({
      stop_reason: 'refusal',
      stop_sequence: null,
      stop_details: { type: 'refusal', category: null, explanation: "I can't help." },
    });
  });
});

describe('stream encoder on Gemini-shaped streams', () => {
  it('sends whole arguments at item.done and carries the call signature in a following thinking block', () => {
    const call = { type: 'function_call', id: 'fc_g', callId: 'call_g', name: 'weather', arguments: '' } as const;
    const ours = encodeParsed([
      { ...created, id: 'int_1', model: 'gemini-3-flash-preview' },
      { type: 'item.added', outputIndex: 0, item: call },
      {
        type: 'item.done',
        outputIndex: 0,
        item: { ...call, arguments: '{"city":"Paris"}', opaque: { provider: 'gemini', data: 'c2lnbmF0dXJl' } },
      },
      completed({ id: 'int_1', finishReason: { type: 'tool_calls' }, provider: 'gemini' }),
    ]).map((event) => event.data);
    expect(ours.slice(1, 9)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'call_g', name: 'weather', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"city":"Paris"}' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'signature_delta', signature: 'flexinf:gemini-call:c2lnbmF0dXJl' } },
      { type: 'content_block_stop', index: 1 },
      expect.objectContaining({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null } }),
    ]);
  });

  it('renders a message whose text arrived only with item.done', () => {
    const ours = encodeParsed([
      created,
      {
        type: 'item.done',
        outputIndex: 0,
        item: { type: 'message', id: 'm', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hi' }] },
      },
      completed({}),
    ]).map((event) => event.data);
    expect(ours.slice(1, 4)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
      { type: 'content_block_stop', index: 0 },
    ]);
  });
});

describe('stream encoder block discipline', () => {
  it('never overlaps blocks even when a provider interleaves content parts', () => {
    const message: OutputMessage = { type: 'message', id: 'm', role: 'assistant', status: 'in_progress', content: [] };
    const ours = encodeParsed([
      created,
      { type: 'item.added', outputIndex: 0, item: message },
      { type: 'text.delta', outputIndex: 0, contentIndex: 0, delta: 'a' },
      { type: 'text.delta', outputIndex: 0, contentIndex: 1, delta: 'b' },
      { type: 'text.delta', outputIndex: 0, contentIndex: 1, delta: 'c' },
      completed({}),
    ]).map((event) => event.data);
    const opened: number[] = [];
    let open: number | undefined;
    for (const event of ours) {
      if (event.type === 'content_block_start') {
        expect(open).toBeUndefined();
        open = event.index as number;
        opened.push(open);
      }
      if (event.type === 'content_block_delta') expect(event.index).toBe(open);
      if (event.type === 'content_block_stop') {
        expect(event.index).toBe(open);
        open = undefined;
      }
    }
    expect(open).toBeUndefined();
    expect(opened).toEqual([0, 1]);
  });

  it('renders nothing for admitted and nothing at end', () => {
    const encoder = createMessagesStreamEncoder(ctx);
    expect(encoder.event({ type: 'admitted' })).toBe('');
    expect(encoder.end()).toBe('');
  });

  it('drops a reasoning item with neither text nor state', () => {
    const ours = encodeParsed([
      created,
      { type: 'item.added', outputIndex: 0, item: { type: 'reasoning', id: 'rs', summary: [] } },
      { type: 'item.done', outputIndex: 0, item: { type: 'reasoning', id: 'rs', summary: [] } },
      completed({}),
    ]).map((event) => event.data.type);
    expect(ours).toEqual(['message_start', 'message_delta', 'message_stop']);
  });

  it('renders Anthropic redacted thinking as a redacted_thinking block', () => {
    const item: ReasoningItem = { type: 'reasoning', id: 'rs', summary: [], opaque: { provider: 'anthropic', data: 'EmwKAhgB', redacted: true } };
    const ours = encodeParsed([
      created,
      { type: 'item.added', outputIndex: 0, item: { type: 'reasoning', id: 'rs', summary: [] } },
      { type: 'item.done', outputIndex: 0, item },
      completed({}),
    ]).map((event) => event.data);
    expect(ours.slice(1, 3)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'EmwKAhgB' } },
      { type: 'content_block_stop', index: 0 },
    ]);
  });
});

describe('stream errors', () => {
  it('renders an in-stream error event with Anthropic error body', () => {
    const encoder = createMessagesStreamEncoder(ctx);
    const text = encoder.error(upstreamError({ provider: 'anthropic', status: 529, providerType: 'overloaded_error', message: 'Overloaded' }));
    expect(text.startsWith('event: error\ndata: ')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(true);
    expect(parseSse(text)).toMatchObject([
      { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
    ]);
  });

  it('maps our own errors to Anthropic error types', () => {
    const encoder = createMessagesStreamEncoder(ctx);
    const [event] = parseSse(encoder.error(new FlexError('upstream_timeout')));
    expect(event?.data.error).toEqual(expect.objectContaining({ type: 'timeout_error' }));
  });
});
