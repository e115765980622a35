import { describe, expect, it } from 'vitest';
import type { CanonicalStreamEvent, ResponseCompletedEvent } from '../../canonical/types.js';
import { FlexError } from '../../errors/catalog.js';
import { createOpenAIStreamParser } from './parse-stream.js';
import { createSseDecoder, type SseItem } from '../sse-decoder.js';
import { chunksAsSse, readCassette, readChunks } from './test-support/fixtures.js';

const DIR = 'openai-responses/';

/** Feeds raw SSE text through the decoder and parser in small slices, as a socket would. */
function replay(raw: string, sliceSize = 37): CanonicalStreamEvent[] {
  const bytes = new TextEncoder().encode(raw);
  const parser = createOpenAIStreamParser();
  const events: CanonicalStreamEvent[] = [];
  const sse = createSseDecoder((item) => {
    if (item.kind === 'malformed') throw new Error(`malformed: ${item.raw}`);
    events.push(...parser.push(item.data));
  });
  for (let at = 0; at < bytes.length; at += sliceSize) sse.feed(bytes.subarray(at, at + sliceSize));
  sse.end();
  if (!parser.done) throw new Error('the stream did not complete');
  return events;
}

/** Replays and returns what was emitted before the parser threw. */
function replayFailing(raw: string): { events: CanonicalStreamEvent[]; error: unknown } {
  const parser = createOpenAIStreamParser();
  const events: CanonicalStreamEvent[] = [];
  const items: SseItem[] = [];
  const sse = createSseDecoder((item) => items.push(item));
  sse.feed(raw);
  sse.end();
  try {
    for (const item of items) {
      if (item.kind === 'event') events.push(...parser.push(item.data));
    }
  } catch (error) {
    return { events, error };
  }
  throw new Error('expected the stream to fail');
}

function completed(events: CanonicalStreamEvent[]): ResponseCompletedEvent {
  const last = events.at(-1);
  if (last?.type !== 'response.completed') throw new Error(`last event is ${last?.type}`);
  return last;
}

function splitTurns(chunks: Record<string, unknown>[]): Record<string, unknown>[][] {
  const turns: Record<string, unknown>[][] = [];
  for (const chunk of chunks) {
    if (chunk.type === 'response.created') turns.push([]);
    turns.at(-1)!.push(chunk);
  }
  return turns;
}

describe('createOpenAIStreamParser on recorded streams', () => {
  it('maps the flex cassette: admission, encrypted reasoning, tool call, usage and tier', () => {
    const [interaction] = readCassette(`${DIR}test_openai_responses_streaming_usage.yaml`);
    const events = replay(interaction!.rawBody!);
    expect(events.map((e) => e.type).slice(0, 4)).toEqual(['response.created', 'admitted', 'item.added', 'item.done']);
    expect(events.filter((e) => e.type === 'admitted')).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: 'resp_0050471a34b36ae60068c97b94a480819587a9d70cf2979b33', model: 'gpt-5-2025-08-07', createdAt: 1758034836 });

    const reasoningDone = events[3];
    expect(reasoningDone).toMatchObject({ type: 'item.done', outputIndex: 0, item: { type: 'reasoning', id: 'rs_0050471a34b36ae60068c97bac4dcc819595fd0f80d6b3c405', summary: [] } });
    if (reasoningDone?.type !== 'item.done' || reasoningDone.item.type !== 'reasoning') throw new Error('no reasoning');
    expect(reasoningDone.item.opaque?.provider).toBe('openai');
    expect(reasoningDone.item.opaque?.data).toMatch(/^gAAAAABoyXvx/);

    const args = events.filter((e) => e.type === 'function_call_arguments.delta').map((e) => (e.type === 'function_call_arguments.delta' ? e.delta : ''));
    expect(args).toHaveLength(6);
    expect(args.join('')).toBe('{"result":6666}');

    const { response } = completed(events);
    expect(response).toMatchObject({
      status: 'completed',
      finishReason: { type: 'tool_calls' },
      servedTier: 'flex',
      rawServiceTier: 'flex',
      provider: 'openai',
      usage: { inputTokens: 53, cachedTokens: 0, outputTokens: 469, reasoningTokens: 448 },
    });
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'function_call']);
    expect(response.output[1]).toMatchObject({ callId: 'call_CWXgs68YprAjp6t0371hiPOI', name: 'final_result', arguments: '{"result":6666}' });
  });

  it('handles the March-2025 recording without sequence_number (tool call, then text turn)', () => {
    const [toolTurn, textTurn] = readCassette(`${DIR}test_openai_responses_stream.yaml`);
    const first = replay(toolTurn!.rawBody!);
    expect(first.map((e) => e.type)).toEqual([
      'response.created',
      'admitted',
      'item.added',
      ...Array<string>(5).fill('function_call_arguments.delta'),
      'item.done',
      'response.completed',
    ]);
    expect(first[2]).toEqual({
      type: 'item.added',
      outputIndex: 0,
      item: { type: 'function_call', id: 'fc_67e554a1de488191af0831d35cbe082e0794405d35281ae2', callId: 'call_kL0PCQV7M2WMoVX8V8OtYSAL', name: 'get_capital', arguments: '', status: 'in_progress' },
    });
    expect(completed(first).response.finishReason).toEqual({ type: 'tool_calls' });

    const second = replay(textTurn!.rawBody!, 5);
    const text = second.flatMap((e) => (e.type === 'text.delta' ? [e.delta] : [])).join('');
    expect(text).toBe('The capital of France is Paris.');
    expect(second.find((e) => e.type === 'content_part.done')).toEqual({
      type: 'content_part.done',
      outputIndex: 0,
      contentIndex: 0,
      part: { type: 'output_text', text: 'The capital of France is Paris.' },
    });
    const { response } = completed(second);
    expect(response).toMatchObject({ status: 'completed', finishReason: { type: 'stop' }, servedTier: 'standard', usage: { inputTokens: 278, outputTokens: 9 } });
    expect(response.rawServiceTier).toBeUndefined();
  });

  it('throws the nested in-stream error with its message, never admitting', () => {
    const chunks = readChunks(`${DIR}openai-error.1.chunks.txt`);
    for (const eventLines of [true, false]) {
      const { events, error } = replayFailing(chunksAsSse(chunks, { eventLines }));
      expect(events.map((e) => e.type)).toEqual(['response.created']);
      expect(error).toBeInstanceOf(FlexError);
      const flex = error as FlexError;
      expect(flex.message).toMatch(/^You exceeded your current quota/);
      expect(flex.status).toBe(429);
      expect(flex.code).toBe('upstream_error');
      expect(flex.upstream).toMatchObject({ provider: 'openai', providerCode: 'insufficient_quota', providerType: 'insufficient_quota' });
    }
  });

  it('maps reasoning summaries and ignores obfuscation padding', () => {
    const turns = splitTurns(readChunks(`${DIR}openai-reasoning-encrypted-content.1.chunks.txt`));
    expect(turns).toHaveLength(4);
    const events = replay(chunksAsSse(turns[0]!, { eventLines: false }));
    const summaryEvents = events.filter((e) => e.type.startsWith('reasoning_summary'));
    expect(summaryEvents[0]).toEqual({ type: 'reasoning_summary_part.added', outputIndex: 0, summaryIndex: 0 });
    const delta = summaryEvents.flatMap((e) => (e.type === 'reasoning_summary.delta' ? [e.delta] : [])).join('');
    const done = summaryEvents.at(-1);
    expect(done?.type).toBe('reasoning_summary_part.done');
    if (done?.type !== 'reasoning_summary_part.done') return;
    expect(done.text).toBe(delta);
    expect(done.text).toMatch(/^\*\*Calculating step-by-step/);
    for (const event of events) expect(JSON.stringify(event)).not.toContain('obfuscation');

    const { response } = completed(events);
    expect(response.output[0]).toMatchObject({ type: 'reasoning', summary: [done.text], opaque: { provider: 'openai' } });
    expect(response).toMatchObject({ servedTier: 'standard', rawServiceTier: 'default', usage: { inputTokens: 134, outputTokens: 28 } });

    const last = replay(chunksAsSse(turns[3]!, { eventLines: true }));
    expect(completed(last).response.output).toEqual([
      {
        type: 'message',
        id: 'msg_01830d662ab3856501693c32183a488190a612c410a0a39823',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'The final result is **570**.' }],
      },
    ]);
  });

  it('numbers items densely when the upstream skips an output index, keeping phase', () => {
    const events = replay(chunksAsSse(readChunks(`${DIR}openai-phase.1.chunks.txt`), { eventLines: false }));
    const added = events.filter((e) => e.type === 'item.added');
    expect(added.map((e) => e.outputIndex)).toEqual([0, 1]);
    expect(added.map((e) => (e.item.type === 'message' ? e.item.phase : undefined))).toEqual(['commentary', 'final_answer']);
    const deltas = events.filter((e) => e.type === 'text.delta');
    expect(deltas.map((e) => e.outputIndex)).toEqual([0, 0, 1, 1]);
  });

  it('admits after response.queued and response.in_progress, on the first output event', () => {
    const [interaction] = readCassette(`${DIR}test_background_mode_streaming_vcr.yaml`);
    const events = replay(interaction!.rawBody!);
    expect(events.map((e) => e.type).slice(0, 4)).toEqual(['response.created', 'admitted', 'item.added', 'content_part.added']);
    expect(completed(events).response).toMatchObject({ servedTier: 'standard', rawServiceTier: 'default' });
  });
});

describe('createOpenAIStreamParser rules', () => {
  const created = { type: 'response.created', response: { id: 'resp_1', model: 'gpt-5', created_at: 1, status: 'in_progress', service_tier: 'flex' } };
  const inProgress = { ...created, type: 'response.in_progress' };

  it('does not count in_progress or keepalives as admission', () => {
    const parser = createOpenAIStreamParser();
    expect(parser.push(created).map((e) => e.type)).toEqual(['response.created']);
    expect(parser.push(inProgress)).toEqual([]);
    expect(parser.push({ type: 'keepalive', sequence_number: 2 })).toEqual([]);
    expect(parser.push({ type: 'response.some_future_event' })).toEqual([]);
    expect(() => parser.push({ type: 'error', code: 'server_error', message: 'The server had an error.' })).toThrow('The server had an error.');
  });

  it('gives flat in-stream errors a status from their code', () => {
    const parser = createOpenAIStreamParser();
    parser.push(created);
    try {
      parser.push({ type: 'error', code: 'rate_limit_exceeded', message: 'Slow down', param: null });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ status: 429, upstream: { providerCode: 'rate_limit_exceeded', message: 'Slow down' } });
    }
  });

  it('throws on response.failed alone', () => {
    const parser = createOpenAIStreamParser();
    parser.push(created);
    const failed = { type: 'response.failed', response: { ...created.response, status: 'failed', error: { code: 'server_error', message: 'Boom' } } };
    expect(() => parser.push(failed)).toThrow(expect.objectContaining({ status: 500, message: 'Boom' }) as Error);
  });

  it('is not done before response.completed', () => {
    const parser = createOpenAIStreamParser();
    parser.push(created);
    parser.push(inProgress);
    parser.push({ type: 'response.output_item.added', output_index: 0, item: { type: 'message', id: 'msg_1', role: 'assistant', content: [] } });
    expect(parser.done).toBe(false);
  });

  it('maps response.incomplete and refusals to their finish reasons', () => {
    const parser = createOpenAIStreamParser();
    parser.push(created);
    const incomplete = parser.push({
      type: 'response.incomplete',
      response: { ...created.response, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [], usage: null },
    });
    expect(incomplete.map((e) => e.type)).toEqual(['admitted', 'response.completed']);
    expect(completed(incomplete).response).toMatchObject({
      status: 'incomplete',
      finishReason: { type: 'max_output_tokens' },
      servedTier: 'flex',
      usage: { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 },
    });
    expect(parser.done).toBe(true);

    const refusing = createOpenAIStreamParser();
    const message = { type: 'message', id: 'msg_2', role: 'assistant', status: 'completed', content: [{ type: 'refusal', refusal: 'No.' }] };
    refusing.push({ type: 'response.output_item.added', output_index: 0, item: { ...message, content: [], status: 'in_progress' } });
    refusing.push({ type: 'response.content_part.added', output_index: 0, content_index: 0, part: { type: 'refusal', refusal: '' } });
    expect(refusing.push({ type: 'response.refusal.delta', output_index: 0, content_index: 0, delta: 'No.' })).toEqual([
      { type: 'refusal.delta', outputIndex: 0, contentIndex: 0, delta: 'No.' },
    ]);
    const done = refusing.push({ type: 'response.completed', response: { ...created.response, status: 'completed', output: [message] } });
    expect(completed(done).response.finishReason).toEqual({ type: 'refusal' });
    expect(done.map((e) => e.type)).toEqual(['response.created', 'response.completed']);
  });
});
