import { describe, expect, it } from 'vitest';
import type { CanonicalStreamEvent, ResponseCompletedEvent } from '../../canonical/types.js';
import { FlexError } from '../../errors/catalog.js';
import { createGeminiStreamParser, type GeminiStreamDeps } from './parse-stream.js';
import { fixtureEvents } from './test-support/fixtures.js';

function deps(overrides: Partial<GeminiStreamDeps> = {}): GeminiStreamDeps {
  let n = 0;
  return { model: 'gemini-2.5-flash', tier: 'standard', now: () => 1_700_000_000_000, randomId: () => `id${++n}`, ...overrides };
}

function run(events: readonly unknown[], d: GeminiStreamDeps = deps()): CanonicalStreamEvent[] {
  const parser = createGeminiStreamParser(d);
  const out = events.flatMap((e) => parser.push(e));
  if (!parser.done) throw new Error('the stream did not complete');
  return out;
}

function completed(events: CanonicalStreamEvent[]): ResponseCompletedEvent['response'] {
  const last = events.at(-1);
  if (last?.type !== 'response.completed') throw new Error(`last event is ${last?.type}`);
  return last.response;
}

describe('createGeminiStreamParser — recorded basic stream (thought + text)', () => {
  const events = run(fixtureEvents('basic.chunks.txt'));
  const signature = (fixtureEvents('basic.chunks.txt')[3] as { delta: { signature: string } }).delta.signature;

  it('emits the canonical event sequence in order', () => {
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'admitted',
      'item.added',
      'item.done',
      'item.added',
      'content_part.added',
      'text.delta',
      'content_part.done',
      'item.done',
      'response.completed',
    ]);
  });

  it('takes id and model from interaction.created', () => {
    expect(events[0]).toEqual({
      type: 'response.created',
      id: 'v1_ChdUR3NIYXVyQkFlYVA2ZGtQajZERThBVRIXVEdzSGF1ckJBZWFQNmRrUGo2REU4QVU',
      model: 'gemini-2.5-flash',
      createdAt: 1_700_000_000,
    });
  });

  it('keeps the thought signature as gemini opaque reasoning', () => {
    const done = events[3];
    expect(done).toMatchObject({
      type: 'item.done',
      outputIndex: 0,
      item: { type: 'reasoning', summary: [], opaque: { provider: 'gemini', data: signature }, status: 'completed' },
    });
    expect(signature.length).toBeGreaterThan(100);
  });

  it('streams the model_output text as message content at output index 1', () => {
    const text = "I'm doing great, thank you for asking!\n\nHow are you doing today? And what can I do for you?";
    expect(events[6]).toEqual({ type: 'text.delta', outputIndex: 1, contentIndex: 0, delta: text });
    expect(events[8]).toMatchObject({
      type: 'item.done',
      outputIndex: 1,
      item: { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] },
    });
  });

  it('completes with usage counting thought tokens as output, and the served tier', () => {
    const response = completed(events);
    expect(response.status).toBe('completed');
    expect(response.finishReason).toEqual({ type: 'stop' });
    expect(response.usage).toEqual({ inputTokens: 7, cachedTokens: 0, outputTokens: 26 + 115, reasoningTokens: 115 });
    expect(response.servedTier).toBe('standard');
    expect(response.rawServiceTier).toBe('standard');
    expect(response.provider).toBe('gemini');
    expect(response.output.map((i) => i.type)).toEqual(['reasoning', 'message']);
  });
});

describe('createGeminiStreamParser — recorded tool-call step 1 (requires_action)', () => {
  const events = run(fixtureEvents('tool-call-step1.chunks.txt'));

  it('turns the function_call step into a function_call item with streamed arguments', () => {
    expect(events.filter((e) => e.type === 'function_call_arguments.delta')).toEqual([
      { type: 'function_call_arguments.delta', outputIndex: 1, delta: '{"location":"San Francisco"}' },
    ]);
    const done = events.find((e) => e.type === 'item.done' && e.item.type === 'function_call');
    expect(done).toMatchObject({
      outputIndex: 1,
      item: { type: 'function_call', callId: '61nzpsv4', name: 'getWeather', arguments: '{"location":"San Francisco"}', status: 'completed' },
    });
    // The recorded step carries `signature: ""`: an empty signature is no signature.
    expect(done?.type === 'item.done' && done.item.type === 'function_call' ? done.item.opaque : 'x').toBeUndefined();
  });

  it('maps requires_action to completed with finish reason tool_calls', () => {
    const response = completed(events);
    expect(response.status).toBe('completed');
    expect(response.finishReason).toEqual({ type: 'tool_calls' });
    expect(response.usage).toEqual({ inputTokens: 53, cachedTokens: 0, outputTokens: 15 + 65, reasoningTokens: 65 });
  });

  it('admits once, on the first step.start, after response.created', () => {
    expect(events.filter((e) => e.type === 'admitted')).toHaveLength(1);
    expect(events.findIndex((e) => e.type === 'admitted')).toBe(1);
  });
});

describe('createGeminiStreamParser — recorded tool-call step 2', () => {
  it('concatenates text deltas and reports no reasoning tokens', () => {
    const events = run(fixtureEvents('tool-call-step2.chunks.txt'));
    const deltas = events.flatMap((e) => (e.type === 'text.delta' ? [e.delta] : []));
    expect(deltas.join('')).toBe('The weather in San Francisco right now is sunny with a temperature of 27 degrees Celsius.');
    const response = completed(events);
    expect(response.finishReason).toEqual({ type: 'stop' });
    expect(response.usage).toEqual({ inputTokens: 161, cachedTokens: 0, outputTokens: 19, reasoningTokens: 0 });
  });
});

describe('createGeminiStreamParser — admission', () => {
  it('does not admit on interaction.created or status updates alone', () => {
    const parser = createGeminiStreamParser(deps());
    const events = fixtureEvents('basic.chunks.txt');
    const early = [...parser.push(events[0]), ...parser.push(events[1])];
    expect(early.map((e) => e.type)).toEqual(['response.created']);
    expect(parser.push(events[2]).map((e) => e.type)).toEqual(['admitted', 'item.added']);
  });
});

describe('createGeminiStreamParser — synthetic cases', () => {
  const created = { event_type: 'interaction.created', interaction: { id: '', status: 'in_progress', model: 'gemini-3-flash-preview' } };
  const completedEvent = (interaction: Record<string, unknown>) => ({ event_type: 'interaction.completed', interaction });

  it('streams thought summaries as one summary part and generates an id under store:false', () => {
    const events = run([
      created,
      { event_type: 'step.start', index: 0, step: { type: 'thought' } },
      { event_type: 'step.delta', index: 0, delta: { type: 'thought_summary', content: { type: 'text', text: 'Thinking ' } } },
      { event_type: 'step.delta', index: 0, delta: { type: 'thought_summary', content: { type: 'text', text: 'hard.' } } },
      { event_type: 'step.delta', index: 0, delta: { type: 'thought_signature', signature: 'SIG' } },
      { event_type: 'step.stop', index: 0 },
      completedEvent({ status: 'completed', service_tier: 'flex', usage: { total_input_tokens: 10, total_cached_tokens: 4, total_output_tokens: 3, total_thought_tokens: 5 } }),
    ], deps({ tier: 'flex' }));
    expect(events[0]).toMatchObject({ type: 'response.created', id: 'gemini_id1', model: 'gemini-3-flash-preview' });
    expect(events.slice(2).map((e) => e.type)).toEqual([
      'item.added',
      'reasoning_summary_part.added',
      'reasoning_summary.delta',
      'reasoning_summary.delta',
      'reasoning_summary_part.done',
      'item.done',
      'response.completed',
    ]);
    expect(events[7]).toMatchObject({ item: { type: 'reasoning', summary: ['Thinking hard.'], opaque: { provider: 'gemini', data: 'SIG' } } });
    const response = completed(events);
    expect(response.servedTier).toBe('flex');
    expect(response.usage).toEqual({ inputTokens: 10, cachedTokens: 4, outputTokens: 8, reasoningTokens: 5 });
  });

  it('takes whole arguments from step.start and keeps a function call signature', () => {
    const events = run([
      created,
      { event_type: 'step.start', index: 0, step: { type: 'function_call', id: 'c1', name: 'f', signature: 'FSIG', arguments: { a: 1 } } },
      { event_type: 'step.stop', index: 0 },
      { event_type: 'step.start', index: 1, step: { type: 'function_call', id: 'c2', name: 'g', arguments: {} } },
      { event_type: 'step.stop', index: 1 },
      completedEvent({ status: 'completed' }),
    ]);
    const items = completed(events).output;
    expect(items).toMatchObject([
      { type: 'function_call', callId: 'c1', name: 'f', arguments: '{"a":1}', opaque: { provider: 'gemini', data: 'FSIG' } },
      { type: 'function_call', callId: 'c2', name: 'g', arguments: '{}' },
    ]);
    // Deltas always add up to the final arguments.
    expect(events.filter((e) => e.type === 'function_call_arguments.delta').map((e) => e.type === 'function_call_arguments.delta' && e.delta)).toEqual(['{"a":1}', '{}']);
    expect(completed(events).finishReason).toEqual({ type: 'tool_calls' });
  });

  it('maps incomplete to max_output_tokens and closes steps left open', () => {
    const events = run([
      created,
      { event_type: 'step.start', index: 0, step: { type: 'model_output' } },
      { event_type: 'step.delta', index: 0, delta: { type: 'text', text: 'cut' } },
      completedEvent({ status: 'incomplete' }),
    ]);
    expect(events.slice(-3).map((e) => e.type)).toEqual(['content_part.done', 'item.done', 'response.completed']);
    const response = completed(events);
    expect(response.status).toBe('incomplete');
    expect(response.finishReason).toEqual({ type: 'max_output_tokens' });
    expect(response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
  });

  it('skips server-side tool steps without breaking output indexes', () => {
    const events = run([
      created,
      { event_type: 'step.start', index: 0, step: { type: 'code_execution_call', id: 's1' } },
      { event_type: 'step.stop', index: 0 },
      { event_type: 'step.start', index: 1, step: { type: 'model_output' } },
      { event_type: 'step.delta', index: 1, delta: { type: 'text', text: 'hi' } },
      { event_type: 'step.stop', index: 1 },
      completedEvent({ status: 'completed' }),
    ]);
    expect(events.find((e) => e.type === 'item.added')).toMatchObject({ outputIndex: 0, item: { type: 'message' } });
    expect(events.filter((e) => e.type === 'admitted')).toHaveLength(1);
  });

  it('throws in-stream error events as upstream errors with the status name', () => {
    const parser = createGeminiStreamParser(deps());
    parser.push(created);
    const error = catchError(() => parser.push({ event_type: 'error', error: { code: 'RESOURCE_EXHAUSTED', message: 'Flex capacity exhausted.' } }));
    expect(error).toMatchObject({ code: 'upstream_error', status: 429, message: 'Flex capacity exhausted.' });
    expect(error.upstream).toEqual({ provider: 'gemini', status: 429, providerCode: 'RESOURCE_EXHAUSTED', message: 'Flex capacity exhausted.' });
  });

  it('throws a failed interaction', () => {
    const parser = createGeminiStreamParser(deps());
    const error = catchError(() => parser.push(completedEvent({ status: 'failed' })));
    expect(error).toMatchObject({ code: 'upstream_error', status: 502 });
    // "failed" is an interaction status, not a google.rpc name: no provider code is claimed.
    expect(error.upstream?.providerCode).toBeUndefined();
  });

  it('is done only at interaction.completed', () => {
    const parser = createGeminiStreamParser(deps());
    const events = fixtureEvents('basic.chunks.txt');
    for (const e of events.slice(0, -1)) parser.push(e);
    expect(parser.done).toBe(false);
    parser.push(events.at(-1));
    expect(parser.done).toBe(true);
  });
});

function catchError(fn: () => unknown): FlexError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FlexError) return err;
    throw err;
  }
  throw new Error('expected a FlexError');
}

describe('createGeminiStreamParser — recorded google_search stream (text first, then the search)', () => {
  const raw = fixtureEvents('google-search.chunks.txt');
  const events = run(raw);
  const response = completed(events);
  const annotationDelta = raw.find((e) => (e as { delta?: { type?: string } }).delta?.type === 'text_annotation_delta');
  const recordedCitations = (annotationDelta as { delta: { annotations: { url: string; title: string }[] } }).delta.annotations;

  it('has the recorded shape this test reads: 14 citations over 8 distinct pages', () => {
    expect(recordedCitations).toHaveLength(14);
    expect(new Set(recordedCitations.map((a) => a.url)).size).toBe(8);
  });

  it('gives the web_search_call the queries and, as sources, each cited page once in first-cited order', () => {
    const search = response.output.find((item) => item.type === 'web_search_call');
    const firstSeen = [...new Map(recordedCitations.map((a) => [a.url, { url: a.url, title: a.title }])).values()];
    expect(search).toEqual({
      type: 'web_search_call',
      id: 'ws_gemini_7xveqyd2',
      status: 'completed',
      provider: 'gemini',
      queries: ['notable AI developments last week May 8-15 2026', 'AI news May 8 2026', 'AI breakthroughs May 2026', 'major AI announcements May 2026'],
      sources: firstSeen,
    });
    expect(firstSeen[0]).toEqual({ url: expect.stringMatching(/^https:\/\/vertexaisearch\.cloud\.google\.com\/grounding-api-redirect\//), title: 'coaio.com' });
  });

  it('keeps output order (thought, message, search) and the search item.done carries the final item', () => {
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'web_search_call']);
    const done = events.filter((e) => e.type === 'item.done');
    expect(done.at(-1)).toEqual({ type: 'item.done', outputIndex: 2, item: response.output[2] });
    // The search_suggestions widget of the result step is not part of the canonical output.
    expect(JSON.stringify(response)).not.toContain('search_suggestions');
  });
});
