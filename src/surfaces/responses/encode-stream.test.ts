// Recorded fixtures are untyped JSON; the assertions check their shape.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return */
import { createParser } from 'eventsource-parser';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { CanonicalResponse, CanonicalStreamEvent, OutputContent, OutputItem } from '../../canonical/types.js';
import { FlexError, upstreamError } from '../../errors/catalog.js';
import { fixtureText as read } from '../../test-support/fixtures.js';
import type { StreamEncoder } from '../surface.js';
import { responsesSurface } from './index.js';

// ---- recorded OpenAI events → canonical events (what the OpenAI provider would yield) ----------

function toPart(p: any): OutputContent {
  return p.type === 'output_text' ? { type: 'output_text', text: p.text, annotations: p.annotations } : { type: 'refusal', refusal: p.refusal };
}

function toItem(wire: any): OutputItem {
  switch (wire.type) {
    case 'message': {
      const item: OutputItem = {
        type: 'message',
        id: wire.id,
        role: 'assistant',
        status: wire.status,
        content: wire.content.map(toPart),
      };
      if (wire.phase) item.phase = wire.phase;
      return item;
    }
    case 'reasoning': {
      const item: OutputItem = { type: 'reasoning', id: wire.id, summary: wire.summary.map((s: any) => s.text) };
      if (wire.encrypted_content) item.opaque = { provider: 'openai', data: wire.encrypted_content };
      return item;
    }
    default:
      return { type: 'function_call', id: wire.id, callId: wire.call_id, name: wire.name, arguments: wire.arguments, status: wire.status };
  }
}

function toResponse(wire: any): CanonicalResponse {
  const output: OutputItem[] = wire.output.map(toItem);
  return {
    id: wire.id,
    model: wire.model,
    createdAt: wire.created_at,
    status: wire.status,
    finishReason: { type: output.some((i) => i.type === 'function_call') ? 'tool_calls' : 'stop' },
    output,
    usage: {
      inputTokens: wire.usage.input_tokens,
      cachedTokens: wire.usage.input_tokens_details.cached_tokens,
      outputTokens: wire.usage.output_tokens,
      reasoningTokens: wire.usage.output_tokens_details.reasoning_tokens,
    },
    servedTier: 'standard',
    provider: 'openai',
  };
}

function toCanonical(e: any): CanonicalStreamEvent[] {
  const at = { outputIndex: e.output_index };
  switch (e.type) {
    case 'response.created':
      return [{ type: 'admitted' }, { type: 'response.created', id: e.response.id, model: e.response.model, createdAt: e.response.created_at }];
    case 'response.output_item.added':
      return [{ type: 'item.added', ...at, item: toItem(e.item) }];
    case 'response.output_item.done':
      return [{ type: 'item.done', ...at, item: toItem(e.item) }];
    case 'response.content_part.added':
      return [{ type: 'content_part.added', ...at, contentIndex: e.content_index, part: toPart(e.part) }];
    case 'response.content_part.done':
      return [{ type: 'content_part.done', ...at, contentIndex: e.content_index, part: toPart(e.part) }];
    case 'response.output_text.delta':
      return [{ type: 'text.delta', ...at, contentIndex: e.content_index, delta: e.delta }];
    case 'response.reasoning_summary_part.added':
      return [{ type: 'reasoning_summary_part.added', ...at, summaryIndex: e.summary_index }];
    case 'response.reasoning_summary_text.delta':
      return [{ type: 'reasoning_summary.delta', ...at, summaryIndex: e.summary_index, delta: e.delta }];
    case 'response.reasoning_summary_part.done':
      return [{ type: 'reasoning_summary_part.done', ...at, summaryIndex: e.summary_index, text: e.part.text }];
    case 'response.function_call_arguments.delta':
      return [{ type: 'function_call_arguments.delta', ...at, delta: e.delta }];
    case 'response.completed':
      return [{ type: 'response.completed', response: toResponse(e.response) }];
    default:
      // in_progress and the *.done text events are re-derived by the encoder.
      return [];
  }
}

/** Splits the 4 concatenated recorded turns. */
function recordedTurns(): any[][] {
  const turns: any[][] = [];
  for (const line of read('openai-responses/openai-reasoning-encrypted-content.1.chunks.txt').split('\n')) {
    if (!line.trim()) continue;
    const event = JSON.parse(line);
    if (event.type === 'response.created') turns.push([]);
    turns.at(-1)!.push(event);
  }
  return turns;
}

/** The request those turns answered, as a Responses caller would send it. */
function recordedRequest(turn: any[]) {
  const r = turn[0].response;
  return responsesSurface.decode({
    model: 'gpt-5.1-codex-max',
    start_within: '00h-00m-30s',
    input: 'Compute ((12 + 7) * 3) * 10 step by step with the calculator.',
    reasoning: r.reasoning,
    tools: r.tools,
    top_p: r.top_p,
    store: false,
    stream: true,
    include: ['reasoning.encrypted_content'],
  });
}

function parseSse(text: string): { event: string | undefined; data: any }[] {
  const out: { event: string | undefined; data: any }[] = [];
  const parser = createParser({ onEvent: (e) => out.push({ event: e.event, data: JSON.parse(e.data) }) });
  parser.feed(text);
  return out;
}

function run(encoder: StreamEncoder, events: CanonicalStreamEvent[]): string {
  return events.map((e) => encoder.event(e)).join('') + encoder.end();
}

const withoutObfuscation = ({ obfuscation: _o, ...rest }: any) => rest;

describe('responses stream encoder vs the recorded stream', () => {
  const turns = recordedTurns();

  it.each(turns.map((turn, i) => [i, turn] as const))('re-encodes recorded turn %i event for event', (_i, turn) => {
    const decoded = recordedRequest(turn);
    const encoder = decoded.createStreamEncoder({ servedTier: 'standard', requestId: 'req_1' });
    const output = run(encoder, turn.flatMap(toCanonical));
    const frames = parseSse(output);

    expect(frames.map((f) => f.event)).toEqual(turn.map((e) => e.type));
    expect(frames.map((f) => f.data.type)).toEqual(turn.map((e) => e.type));
    frames.forEach((frame, k) => {
      const recorded = withoutObfuscation(turn[k]);
      if (recorded.response) {
        // The recording echoes the requested tier ("auto") until completion; FlexInference knows
        // the served tier before the first byte and reports it throughout.
        expect(frame.data).toEqual({ ...recorded, response: { ...recorded.response, service_tier: 'default' } });
      } else {
        expect(frame.data).toEqual(recorded);
      }
    });
    expect(output.endsWith('\n\n')).toBe(true);
    expect(output).not.toContain('[DONE]');
  });

  it('keeps the recorded key order of delta events', () => {
    const turn = turns[3]!;
    const decoded = recordedRequest(turn);
    const output = run(decoded.createStreamEncoder({ servedTier: 'standard', requestId: 'r' }), turn.flatMap(toCanonical));
    const deltaLine = output.split('\n').find((l) => l.includes('"response.output_text.delta"'))!;
    expect(Object.keys(JSON.parse(deltaLine.slice('data: '.length)))).toEqual([
      'type', 'sequence_number', 'item_id', 'output_index', 'content_index', 'delta', 'logprobs',
    ]);
  });
});

/** Raw SSE body of the first interaction of a VCR cassette. */
function cassetteBody(name: string): string {
  const lines = read(name).split('\n');
  const start = lines.findIndex((l) => l.trim() === 'string: |+');
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== '' && !line.startsWith('        ')) break;
    body.push(line.slice(8));
  }
  return body.join('\n');
}

describe('responses stream encoder vs the March-2025 cassette (test_openai_responses_stream.yaml)', () => {
  it('emits the same events with the same payloads (plus sequence_number)', () => {
    const recorded = parseSse(cassetteBody('openai-responses/test_openai_responses_stream.yaml'));
    const decoded = responsesSurface.decode({
      model: 'gpt-4o', start_within: 'default', input: 'What is the capital of France?', stream: true,
      tools: [{ type: 'function', name: 'get_capital', description: '', parameters: { type: 'object' }, strict: true }],
    });
    const frames = parseSse(run(decoded.createStreamEncoder({ servedTier: 'standard', requestId: 'r' }), recorded.flatMap((f) => toCanonical(f.data))));
    expect(frames.map((f) => f.event)).toEqual(recorded.map((f) => f.event));
    frames.forEach((frame, k) => {
      expect(frame.data.sequence_number).toBe(k);
      const { sequence_number: _s, ...ours } = frame.data;
      if (!ours.response) {
        // Same payload; the recording predates `sequence_number`, so it is compared separately above.
        expect(ours).toEqual(recorded[k]!.data);
      } else {
        expect(ours.response.id).toBe(recorded[k]!.data.response.id);
        expect(ours.response.output).toEqual(recorded[k]!.data.response.output);
        expect(ours.response.usage).toEqual(recorded[k]!.data.response.usage);
      }
    });
  });
});

// ---- hand-built canonical streams for what the recordings do not cover ------------------------

const created: CanonicalStreamEvent = { type: 'response.created', id: 'msg_01XYZ', model: 'claude-sonnet-4-5', createdAt: 1765552659 };

function anthropicThinkingStream(): CanonicalStreamEvent[] {
  const reasoning: OutputItem = { type: 'reasoning', id: 'rs_0', summary: [], text: '', status: 'in_progress' };
  const done: OutputItem = { type: 'reasoning', id: 'rs_0', summary: [], text: 'Let me think.', opaque: { provider: 'anthropic', data: 'EqQBsig' } };
  const msg: OutputItem = { type: 'message', id: 'msg_1', role: 'assistant', status: 'in_progress', content: [] };
  const final: OutputItem = { ...msg, status: 'completed', content: [{ type: 'output_text', text: 'Hi' }] };
  return [
    { type: 'admitted' },
    created,
    { type: 'item.added', outputIndex: 0, item: reasoning },
    { type: 'reasoning_text.delta', outputIndex: 0, delta: 'Let me ' },
    { type: 'reasoning_text.delta', outputIndex: 0, delta: 'think.' },
    { type: 'item.done', outputIndex: 0, item: done },
    { type: 'item.added', outputIndex: 1, item: msg },
    { type: 'content_part.added', outputIndex: 1, contentIndex: 0, part: { type: 'output_text', text: '' } },
    { type: 'text.delta', outputIndex: 1, contentIndex: 0, delta: 'Hi' },
    { type: 'content_part.done', outputIndex: 1, contentIndex: 0, part: { type: 'output_text', text: 'Hi' } },
    { type: 'item.done', outputIndex: 1, item: final },
    {
      type: 'response.completed',
      response: {
        id: 'msg_01XYZ', model: 'claude-sonnet-4-5', createdAt: 1765552659, status: 'incomplete',
        finishReason: { type: 'max_output_tokens' }, output: [done, final],
        usage: { inputTokens: 10, cachedTokens: 2, outputTokens: 20, reasoningTokens: 15 },
        servedTier: 'standard', provider: 'anthropic',
      },
    },
  ];
}

describe('responses stream encoder: other providers, refusals, failures', () => {
  const decoded = responsesSurface.decode({ model: 'claude-sonnet-4-5', start_within: 'default', input: 'Hi', stream: true, max_output_tokens: 20 });

  it('streams full reasoning text as a reasoning_text part and ends incomplete', () => {
    const frames = parseSse(run(decoded.createStreamEncoder({ servedTier: 'priority', requestId: 'r' }), anthropicThinkingStream()));
    expect(frames.map((f) => f.event)).toEqual([
      'response.created', 'response.in_progress', 'response.output_item.added',
      'response.content_part.added', 'response.reasoning_text.delta', 'response.reasoning_text.delta',
      'response.reasoning_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.output_item.added', 'response.content_part.added', 'response.output_text.delta',
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.incomplete',
    ]);
    expect(frames[0]!.data.response).toMatchObject({ id: 'resp_msg_01XYZ', status: 'in_progress', service_tier: 'priority', max_output_tokens: 20 });
    expect(frames[6]!.data).toMatchObject({ item_id: 'rs_0', content_index: 0, text: 'Let me think.' });
    expect(frames[8]!.data.item).toEqual({
      id: 'rs_0', type: 'reasoning', encrypted_content: 'flexinf:anthropic:EqQBsig', summary: [],
      content: [{ type: 'reasoning_text', text: 'Let me think.' }],
    });
    const last = frames.at(-1)!.data.response;
    expect(last).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(last.usage).toEqual({
      input_tokens: 10, input_tokens_details: { cached_tokens: 2 }, output_tokens: 20,
      output_tokens_details: { reasoning_tokens: 15 }, total_tokens: 30,
    });
  });

  it('round-trips Anthropic reasoning state through a Responses caller', () => {
    const frames = parseSse(run(decoded.createStreamEncoder({ servedTier: 'standard', requestId: 'r' }), anthropicThinkingStream()));
    const replay = responsesSurface.decode({ model: 'claude-sonnet-4-5', start_within: 'default', input: frames.at(-1)!.data.response.output });
    expect(replay.request.input[0]).toEqual({ type: 'reasoning', id: 'rs_0', summary: [], text: 'Let me think.', opaque: { provider: 'anthropic', data: 'EqQBsig' } });
  });

  it('streams refusals with refusal.delta / refusal.done', () => {
    const msg: OutputItem = { type: 'message', id: 'msg_r', role: 'assistant', status: 'in_progress', content: [] };
    const out = run(decoded.createStreamEncoder({ servedTier: 'flex', requestId: 'r' }), [
      created,
      { type: 'item.added', outputIndex: 0, item: msg },
      { type: 'content_part.added', outputIndex: 0, contentIndex: 0, part: { type: 'refusal', refusal: '' } },
      { type: 'refusal.delta', outputIndex: 0, contentIndex: 0, delta: 'No.' },
      { type: 'content_part.done', outputIndex: 0, contentIndex: 0, part: { type: 'refusal', refusal: 'No.' } },
    ]);
    const frames = parseSse(out);
    expect(frames.slice(3).map((f) => f.data)).toEqual([
      { type: 'response.content_part.added', sequence_number: 3, item_id: 'msg_r', output_index: 0, content_index: 0, part: { type: 'refusal', refusal: '' } },
      { type: 'response.refusal.delta', sequence_number: 4, item_id: 'msg_r', output_index: 0, content_index: 0, delta: 'No.' },
      { type: 'response.refusal.done', sequence_number: 5, item_id: 'msg_r', output_index: 0, content_index: 0, refusal: 'No.' },
      { type: 'response.content_part.done', sequence_number: 6, item_id: 'msg_r', output_index: 0, content_index: 0, part: { type: 'refusal', refusal: 'No.' } },
    ]);
    expect(frames[0]!.data.response.service_tier).toBe('flex');
  });

  it('ends a failed stream with error then response.failed, like openai-error.1.chunks.txt', () => {
    const recorded = read('openai-responses/openai-error.1.chunks.txt').trim().split('\n').map((l) => JSON.parse(l));
    const encoder = decoded.createStreamEncoder({ servedTier: 'standard', requestId: 'r', docsBaseUrl: 'https://flex.example' });
    const err = upstreamError({ provider: 'openai', status: 429, providerCode: 'insufficient_quota', providerType: 'insufficient_quota', message: recorded[2].error.message });
    const frames = parseSse(encoder.event(created) + encoder.error(err));
    expect(frames.map((f) => f.event)).toEqual(recorded.map((e) => e.type));
    expect(frames[2]!.data).toEqual({
      type: 'error', sequence_number: 2, code: 'insufficient_quota', message: recorded[2].error.message, param: null,
      error: { type: 'rate_limit_error', code: 'insufficient_quota', message: recorded[2].error.message, param: null },
    });
    expect(frames[3]!.data.response).toMatchObject({ status: 'failed', error: recorded[3].response.error, output: [], usage: null });
  });

  it('fails cleanly even before response.created', () => {
    const encoder = decoded.createStreamEncoder({ servedTier: 'standard', requestId: 'req_9' });
    const frames = parseSse(encoder.error(new FlexError('upstream_unavailable')));
    expect(frames.map((f) => f.event)).toEqual(['error', 'response.failed']);
    expect(frames[1]!.data.response).toMatchObject({ id: 'resp_req_9', model: 'claude-sonnet-4-5', status: 'failed' });
  });
});

// ---- the official SDK accepts the stream ---------------------------------------------------

function sdkClient(body: string): OpenAI {
  return new OpenAI({
    apiKey: 'flex_live_test',
    baseURL: 'http://flex.test/v1',
    fetch: async () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
  });
}

describe('openai SDK acceptance', () => {
  it('ResponseStream assembles the final response from our events', async () => {
    const turn = recordedTurns()[0]!;
    const decoded = recordedRequest(turn);
    const body = run(decoded.createStreamEncoder({ servedTier: 'flex', requestId: 'r' }), turn.flatMap(toCanonical));
    const stream = sdkClient(body).responses.stream({ model: 'gpt-5.1-codex-max', input: 'x' });
    const final = await stream.finalResponse();
    expect(final.service_tier).toBe('flex');
    expect(final.output.map((o) => o.type)).toEqual(['reasoning', 'function_call']);
    expect(final.output[1]).toMatchObject({ name: 'calculator', arguments: '{"a":12,"b":7,"op":"add"}' });
  });

  it('raises our in-stream error as an APIError', async () => {
    const encoder = responsesSurface.decode({ model: 'gpt-5-mini', start_within: 'default', input: 'x', stream: true }).createStreamEncoder({ servedTier: 'standard', requestId: 'r' });
    const body = encoder.event(created) + encoder.error(new FlexError('upstream_timeout'));
    const stream = await sdkClient(body).responses.create({ model: 'gpt-5-mini', input: 'x', stream: true });
    await expect(async () => {
      for await (const _event of stream) {
        // drain
      }
    }).rejects.toMatchObject({ code: 'upstream_timeout' });
  });
});
