import { describe, expect, it } from 'vitest';
import type { CanonicalStreamEvent } from '../../canonical/types.js';
import { FlexError, upstreamError } from '../../errors/catalog.js';
import type { EncodeContext } from '../surface.js';
import { createInteractionsStreamEncoder } from './encode-stream.js';
import {
  canonicalEvents,
  canonicalUsage,
  fixtureChunks,
  need,
  parseSse,
  unixSeconds,
} from './test-support/fixtures.js';
import type { AnswerSpec, EventJson, StepSpec } from './test-support/fixtures.js';

const ctx: EncodeContext = { servedTier: 'standard', requestId: 'req_1' };

function run(events: CanonicalStreamEvent[], context: EncodeContext = ctx, textOnlyInput = true): string {
  const encoder = createInteractionsStreamEncoder(context, { textOnlyInput });
  return events.map((e) => encoder.event(e)).join('') + encoder.end();
}

/** Frames before `done`, each checked to carry its own event type in the `event:` line. */
function dataFrames(out: string): EventJson[] {
  const frames = parseSse(out);
  expect(frames.at(-1)).toEqual({ event: 'done', data: '[DONE]' });
  return frames.slice(0, -1).map((f) => {
    const data: EventJson = JSON.parse(f.data);
    expect(f.event).toBe(data.event_type);
    return data;
  });
}

/** The answer a provider would stream for a recorded stream, read from the fixture. */
function specFromChunks(name: string, steps: (chunks: EventJson[]) => StepSpec[]): { spec: AnswerSpec; chunks: EventJson[] } {
  const chunks = fixtureChunks(name) as EventJson[];
  const created = need(chunks[0]?.interaction);
  const completed = need(chunks.at(-1)?.interaction);
  return {
    chunks,
    spec: {
      id: created.id,
      model: created.model,
      createdAt: unixSeconds(completed.created),
      usage: canonicalUsage(completed.usage),
      steps: steps(chunks),
    },
  };
}

describe('interactions stream encoder on the recorded streams', () => {
  it('reproduces basic.chunks.txt byte for byte (thought signature, text answer)', () => {
    const { spec, chunks } = specFromChunks('basic.chunks.txt', (c) => [
      { kind: 'thought', opaque: { provider: 'gemini', data: need(c[3]?.delta?.signature) } },
      { kind: 'text', deltas: [need(c[6]?.delta?.text)] },
    ]);
    const out = run(canonicalEvents(spec));
    expect(dataFrames(out)).toEqual(chunks);
    // Same bytes as the recording, key order included.
    expect(parseSse(out).slice(0, -1).map((f) => f.data)).toEqual(chunks.map((c) => JSON.stringify(c)));
    expect(out.endsWith('\n\nevent: done\ndata: [DONE]\n\n')).toBe(true);
  });

  it('reproduces tool-call-step1.chunks.txt (function_call step, arguments_delta, requires_action)', () => {
    const { spec, chunks } = specFromChunks('tool-call-step1.chunks.txt', (c) => [
      { kind: 'thought', opaque: { provider: 'gemini', data: need(c[3]?.delta?.signature) } },
      { kind: 'call', callId: need(c[5]?.step?.id), name: need(c[5]?.step?.name), argDeltas: [need(c[6]?.delta?.arguments)] },
    ]);
    const out = run(canonicalEvents(spec));
    expect(dataFrames(out)).toEqual(chunks);
    expect(parseSse(out).slice(0, -1).map((f) => f.data)).toEqual(chunks.map((c) => JSON.stringify(c)));
    expect(chunks.at(-1)?.interaction?.status).toBe('requires_action');
  });

  it('reproduces tool-call-step2.chunks.txt (two text deltas after a function result)', () => {
    const { spec, chunks } = specFromChunks('tool-call-step2.chunks.txt', (c) => [
      { kind: 'thought', opaque: { provider: 'gemini', data: need(c[3]?.delta?.signature) } },
      { kind: 'text', deltas: [need(c[6]?.delta?.text), need(c[7]?.delta?.text)] },
    ]);
    const out = run(canonicalEvents(spec));
    expect(dataFrames(out)).toEqual(chunks);
    expect(parseSse(out).slice(0, -1).map((f) => f.data)).toEqual(chunks.map((c) => JSON.stringify(c)));
  });
});

const base: Omit<AnswerSpec, 'steps'> = {
  id: 'resp_abc',
  model: 'gpt-5-mini',
  createdAt: 1_778_871_117,
  usage: { inputTokens: 10, cachedTokens: 4, outputTokens: 30, reasoningTokens: 20 },
};

function framesFor(steps: StepSpec[], extra: Partial<AnswerSpec> = {}, context: EncodeContext = ctx): EventJson[] {
  return dataFrames(run(canonicalEvents({ ...base, ...extra, steps }), context));
}

describe('interactions stream encoder, other providers and edge cases', () => {
  it('streams reasoning summary parts as thought_summary deltas, later parts set off as paragraphs', () => {
    const frames = framesFor([
      { kind: 'thought', summary: ['**Plan**', '**Check**'], opaque: { provider: 'openai', data: 'ENC' }, id: 'rs_9' },
    ]);
    const deltas = frames.filter((f) => f.event_type === 'step.delta').map((f) => f.delta);
    expect(deltas).toEqual([
      { content: { text: '**Plan**', type: 'text' }, type: 'thought_summary' },
      { content: { text: '\n\n', type: 'text' }, type: 'thought_summary' },
      { content: { text: '**Check**', type: 'text' }, type: 'thought_summary' },
      { signature: 'flexinf:openai:rs_9:ENC', type: 'thought_signature' },
    ]);
  });

  it('streams Anthropic thinking text as the thought summary and wraps its signature', () => {
    const frames = framesFor([
      { kind: 'thought', text: ['Let me ', 'think.'], opaque: { provider: 'anthropic', data: 'SIG' } },
      { kind: 'text', deltas: ['Hi'] },
    ]);
    expect(frames.map((f) => f.event_type)).toEqual([
      'interaction.created',
      'interaction.status_update',
      'step.start',
      'step.delta',
      'step.delta',
      'step.delta',
      'step.stop',
      'step.start',
      'step.delta',
      'step.stop',
      'interaction.completed',
    ]);
    expect(frames[5]?.delta).toEqual({ signature: 'flexinf:anthropic:SIG', type: 'thought_signature' });
    expect(frames[8]).toEqual({ index: 1, delta: { text: 'Hi', type: 'text' }, event_type: 'step.delta' });
  });

  it('puts a call signature known at the start in step.start, else in a delta before step.stop', () => {
    const atStart = framesFor([
      { kind: 'call', callId: 'c1', name: 'f', argDeltas: ['{}'], opaque: { provider: 'gemini', data: 'S1' }, opaqueAtStart: true },
    ]);
    expect(atStart[2]?.step).toEqual({ id: 'c1', signature: 'S1', type: 'function_call', name: 'f', arguments: {} });
    expect(atStart.filter((f) => f.delta?.type === 'thought_signature')).toEqual([]);

    const atEnd = framesFor([
      { kind: 'call', callId: 'c2', name: 'g', argDeltas: ['{"a":', '1}'], opaque: { provider: 'gemini', data: 'S2' } },
    ]);
    expect(atEnd[2]?.step?.signature).toBe('');
    expect(atEnd.slice(3, 7)).toEqual([
      { index: 0, delta: { arguments: '{"a":', type: 'arguments_delta' }, event_type: 'step.delta' },
      { index: 0, delta: { arguments: '1}', type: 'arguments_delta' }, event_type: 'step.delta' },
      { index: 0, delta: { signature: 'S2', type: 'thought_signature' }, event_type: 'step.delta' },
      { index: 0, event_type: 'step.stop' },
    ]);
  });

  it('sends unstreamed arguments from the finished call', () => {
    const frames = framesFor([{ kind: 'call', callId: 'c3', name: 'h', argDeltas: [] }]);
    // argDeltas [] gives arguments "" — nothing to send; a finished item with text is sent once.
    expect(frames.filter((f) => f.event_type === 'step.delta')).toEqual([]);
    const encoder = createInteractionsStreamEncoder(ctx, { textOnlyInput: true });
    encoder.event({ type: 'response.created', id: 'r', model: 'm', createdAt: 1 });
    encoder.event({ type: 'item.added', outputIndex: 0, item: { type: 'function_call', id: 'fc', callId: 'c4', name: 'h', arguments: '' } });
    const done = encoder.event({ type: 'item.done', outputIndex: 0, item: { type: 'function_call', id: 'fc', callId: 'c4', name: 'h', arguments: '{"x":2}' } });
    expect(dataFrames(done + encoder.end())).toEqual([
      { index: 0, delta: { arguments: '{"x":2}', type: 'arguments_delta' }, event_type: 'step.delta' },
      { index: 0, event_type: 'step.stop' },
    ]);
  });

  it('renders a refusal as answer text', () => {
    const frames = framesFor([{ kind: 'text', deltas: ['I cannot help with that.'], refusal: true }]);
    expect(frames[3]?.delta).toEqual({ text: 'I cannot help with that.', type: 'text' });
  });

  it('reports the served tier, incomplete status and usage without thought tokens in output', () => {
    const frames = framesFor([{ kind: 'text', deltas: ['Partial'] }], { status: 'incomplete' }, { servedTier: 'flex', requestId: 'r' });
    const completed = frames.at(-1);
    expect(completed?.event_type).toBe('interaction.completed');
    expect(completed?.interaction).toEqual({
      id: 'resp_abc',
      status: 'incomplete',
      usage: {
        total_tokens: 40,
        total_input_tokens: 10,
        input_tokens_by_modality: [{ modality: 'text', tokens: 10 }],
        total_cached_tokens: 4,
        total_output_tokens: 10,
        total_tool_use_tokens: 0,
        total_thought_tokens: 20,
      },
      created: '2026-05-15T18:51:57Z',
      updated: '2026-05-15T18:51:57Z',
      service_tier: 'flex',
      object: 'interaction',
      model: 'gpt-5-mini',
    });
  });

  it('omits the per-modality input breakdown when the request carried images', () => {
    const out = run(canonicalEvents({ ...base, steps: [{ kind: 'text', deltas: ['x'] }] }), ctx, false);
    expect(dataFrames(out).at(-1)?.interaction?.usage.input_tokens_by_modality).toBeUndefined();
  });

  it('says nothing for admission and content part boundaries', () => {
    const encoder = createInteractionsStreamEncoder(ctx, { textOnlyInput: true });
    expect(encoder.event({ type: 'admitted' })).toBe('');
    expect(encoder.event({ type: 'content_part.added', outputIndex: 0, contentIndex: 0, part: { type: 'output_text', text: '' } })).toBe('');
  });
});

describe('interactions stream encoder errors', () => {
  it('ends a failed stream with an error event (SDK ErrorEvent shape) and the done marker', () => {
    const encoder = createInteractionsStreamEncoder(ctx, { textOnlyInput: true });
    const err = upstreamError({ provider: 'gemini', status: 429, providerCode: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded.' });
    const frames = parseSse(encoder.error(err));
    expect(frames).toHaveLength(2);
    expect(frames[0]?.event).toBe('error');
    expect(JSON.parse(need(frames[0]).data)).toEqual({
      error: { code: 'resource_exhausted', message: 'Quota exceeded.' },
      event_type: 'error',
    });
    expect(frames[1]).toEqual({ event: 'done', data: '[DONE]' });
  });

  it('names our own failures by their Google status', () => {
    const encoder = createInteractionsStreamEncoder(ctx, { textOnlyInput: true });
    const frames = parseSse(encoder.error(new FlexError('upstream_timeout')));
    const data: EventJson = JSON.parse(need(frames[0]).data);
    expect(data.error?.code).toBe('deadline_exceeded');
    expect(data.error?.message).toContain('The provider did not answer in time.');
  });
});
