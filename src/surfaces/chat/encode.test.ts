// Recorded fixtures are untyped JSON; the assertions check their shape.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { CanonicalResponse, CanonicalStreamEvent, FunctionCallItem, OutputItem, Usage } from '../../canonical/types.js';
import { FlexError, upstreamError } from '../../errors/catalog.js';
import { fixtureText } from '../../test-support/fixtures.js';
import type { StreamEncoder } from '../surface.js';
import { chatSurface } from './index.js';

const read = (name: string): string => fixtureText(`openai-chat/${name}`);

const decodedStream = (includeUsage: boolean) =>
  chatSurface.decode({
    model: 'gpt-4.1-nano',
    start_within: 'default',
    messages: [{ role: 'user', content: 'Invent a holiday.' }],
    stream: true,
    ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
  });

/** `data:` payloads of an SSE body, `[DONE]` kept as the string. */
function dataLines(body: string): any[] {
  return body
    .split('\n\n')
    .filter((f) => f.startsWith('data: '))
    .map((f) => f.slice('data: '.length).trim())
    .map((d) => (d === '[DONE]' ? d : JSON.parse(d)));
}

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

/** A recorded snapshot body from ChatCompletionStream.test.ts.snap. */
function snapBody(title: string): string {
  const snap = read('ChatCompletionStream.test.ts.snap');
  const start = snap.indexOf(`exports[\`${title}\`] = \`\n"`) + `exports[\`${title}\`] = \`\n"`.length;
  return snap.slice(start, snap.indexOf('"\n`;', start)).replace(/\\\\/g, '\\');
}

function run(encoder: StreamEncoder, events: CanonicalStreamEvent[]): string {
  return events.map((e) => encoder.event(e)).join('') + encoder.end();
}

const usageOf = (u: any): Usage => ({
  inputTokens: u.prompt_tokens,
  cachedTokens: u.prompt_tokens_details?.cached_tokens ?? 0,
  outputTokens: u.completion_tokens,
  reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
});

function response(head: any, output: OutputItem[], usage: Usage, stop: CanonicalResponse['finishReason']): CanonicalResponse {
  return { id: head.id, model: head.model, createdAt: head.created, status: 'completed', finishReason: stop, output, usage, servedTier: 'standard', provider: 'openai' };
}

/** Canonical events for a recorded text (or refusal) stream. */
function textEvents(chunks: any[], kind: 'output_text' | 'refusal'): CanonicalStreamEvent[] {
  const head = chunks[0];
  const deltas = chunks.flatMap((c) => (c.choices ?? []).map((ch: any) => (kind === 'output_text' ? ch.delta.content : ch.delta.refusal))).filter((d: unknown) => typeof d === 'string' && d !== '');
  const text = deltas.join('');
  const part = kind === 'output_text' ? { type: 'output_text' as const, text: '' } : { type: 'refusal' as const, refusal: '' };
  const donePart = kind === 'output_text' ? { type: 'output_text' as const, text } : { type: 'refusal' as const, refusal: text };
  const item: OutputItem = { type: 'message', id: 'msg_1', role: 'assistant', status: 'in_progress', content: [] };
  const done: OutputItem = { ...item, status: 'completed', content: [donePart] };
  const usageChunk = chunks.find((c) => c.usage);
  return [
    { type: 'admitted' },
    { type: 'response.created', id: head.id, model: head.model, createdAt: head.created },
    { type: 'item.added', outputIndex: 0, item },
    { type: 'content_part.added', outputIndex: 0, contentIndex: 0, part },
    ...deltas.map((delta: string): CanonicalStreamEvent =>
      kind === 'output_text'
        ? { type: 'text.delta', outputIndex: 0, contentIndex: 0, delta }
        : { type: 'refusal.delta', outputIndex: 0, contentIndex: 0, delta },
    ),
    { type: 'content_part.done', outputIndex: 0, contentIndex: 0, part: donePart },
    { type: 'item.done', outputIndex: 0, item: done },
    { type: 'response.completed', response: response(head, [done], usageOf(usageChunk.usage), { type: kind === 'refusal' ? 'refusal' : 'stop' }) },
  ];
}

const comparable = ({ obfuscation: _o, system_fingerprint: _f, ...rest }: any) => rest;

describe('chat stream encoder vs recordings', () => {
  it('re-encodes openai-text.chunks.txt chunk for chunk (fingerprint and obfuscation aside)', () => {
    const recorded = read('openai-text.chunks.txt').trim().split('\n').map((l) => JSON.parse(l));
    const out = dataLines(run(decodedStream(true).createStreamEncoder({ servedTier: 'standard', requestId: 'r' }), textEvents(recorded, 'output_text')));
    expect(out.at(-1)).toBe('[DONE]');
    const chunks = out.slice(0, -1);
    expect(chunks).toHaveLength(recorded.length);
    expect(chunks.map(comparable)).toEqual(recorded.map(comparable));
    expect(Object.keys(chunks[0])).toEqual(['id', 'object', 'created', 'model', 'service_tier', 'system_fingerprint', 'choices', 'usage']);
  });

  it('re-encodes the recorded tool-call stream (test_run_stream_sync_streams_real_model.yaml)', () => {
    const recorded = dataLines(cassetteBody('test_run_stream_sync_streams_real_model.yaml'));
    const head = recorded[0];
    const call = head.choices[0].delta.tool_calls[0];
    const args = recorded.slice(1, -1).flatMap((c: any) => c.choices.flatMap((ch: any) => ch.delta.tool_calls?.map((t: any) => t.function.arguments) ?? []));
    const added: OutputItem = { type: 'function_call', id: 'fc_1', callId: call.id, name: call.function.name, arguments: '', status: 'in_progress' };
    const done: OutputItem = { ...added, arguments: args.join(''), status: 'completed' };
    const events: CanonicalStreamEvent[] = [
      { type: 'response.created', id: head.id, model: head.model, createdAt: head.created },
      { type: 'item.added', outputIndex: 0, item: added },
      ...args.map((delta: string): CanonicalStreamEvent => ({ type: 'function_call_arguments.delta', outputIndex: 0, delta })),
      { type: 'item.done', outputIndex: 0, item: done },
      { type: 'response.completed', response: response(head, [done], usageOf(recorded.at(-2).usage), { type: 'tool_calls' }) },
    ];
    const out = dataLines(run(decodedStream(true).createStreamEncoder({ servedTier: 'standard', requestId: 'r' }), events));
    expect(out.map((c) => (c === '[DONE]' ? c : comparable(c)))).toEqual(recorded.map((c: any) => (c === '[DONE]' ? c : comparable(c))));
  });

  it('opens a refusal like the recorded refusal stream (ChatCompletionStream.test.ts.snap)', () => {
    const recorded = dataLines(snapBody('.stream() emits refusal logprobs events 1'));
    const chunks = recorded.filter((c) => c !== '[DONE]');
    const out = dataLines(run(decodedStream(true).createStreamEncoder({ servedTier: 'standard', requestId: 'r' }), textEvents(chunks, 'refusal')));
    const ours = out.filter((c) => c !== '[DONE]');
    // The recording asked for logprobs (refused here) and predates service_tier and `usage: null`;
    // compare the choices chunk by chunk, and the usage.
    expect(ours.map((c) => c.choices)).toEqual(chunks.map((c) => c.choices.map((ch: any) => ({ ...ch, logprobs: null }))));
    expect(ours.at(-1).usage).toMatchObject(chunks.at(-1).usage);
    expect(out.at(-1)).toBe('[DONE]');
  });
});

describe('chat stream encoder: details', () => {
  it('skips reasoning, numbers parallel tool calls, and flushes arguments sent only at the end', () => {
    const fc = (id: string, name: string): FunctionCallItem => ({ type: 'function_call', id, callId: `call_${id}`, name, arguments: '' });
    const events: CanonicalStreamEvent[] = [
      { type: 'response.created', id: 'msg_01A', model: 'claude-sonnet-4-5', createdAt: 1700000000 },
      { type: 'item.added', outputIndex: 0, item: { type: 'reasoning', id: 'rs', summary: [] } },
      { type: 'reasoning_text.delta', outputIndex: 0, delta: 'thinking' },
      { type: 'item.done', outputIndex: 0, item: { type: 'reasoning', id: 'rs', summary: [], text: 'thinking', opaque: { provider: 'anthropic', data: 'sig' } } },
      { type: 'item.added', outputIndex: 1, item: fc('a', 'one') },
      { type: 'function_call_arguments.delta', outputIndex: 1, delta: '{"x":' },
      { type: 'item.done', outputIndex: 1, item: { ...fc('a', 'one'), arguments: '{"x":1}' } },
      { type: 'item.added', outputIndex: 2, item: fc('b', 'two') },
      { type: 'item.done', outputIndex: 2, item: { ...fc('b', 'two'), arguments: '{}' } },
      {
        type: 'response.completed',
        response: {
          id: 'msg_01A', model: 'claude-sonnet-4-5', createdAt: 1700000000, status: 'completed', finishReason: { type: 'stop' },
          output: [], usage: { inputTokens: 5, cachedTokens: 0, outputTokens: 9, reasoningTokens: 4 }, servedTier: 'priority', provider: 'anthropic',
        },
      },
    ];
    const out = dataLines(run(decodedStream(false).createStreamEncoder({ servedTier: 'priority', requestId: 'r' }), events));
    expect(out.map((c) => (c === '[DONE]' ? c : c.choices[0].delta))).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'one', arguments: '' } }], refusal: null },
      { tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '1}' } }] },
      { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'two', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{}' } }] },
      {},
      '[DONE]',
    ]);
    expect(out[5]).toMatchObject({ id: 'chatcmpl-msg_01A', service_tier: 'priority', choices: [{ finish_reason: 'tool_calls' }] });
    expect(out[0]).not.toHaveProperty('usage');
  });

  it('ends with an error chunk and no [DONE]', () => {
    const encoder = decodedStream(true).createStreamEncoder({ servedTier: 'flex', requestId: 'req_1', docsBaseUrl: 'https://flex.example' });
    const body = encoder.event({ type: 'response.created', id: 'resp_1', model: 'gpt-5-mini', createdAt: 1 }) +
      encoder.event({ type: 'content_part.added', outputIndex: 0, contentIndex: 0, part: { type: 'output_text', text: '' } }) +
      encoder.error(upstreamError({ provider: 'openai', status: 500, message: 'The server had an error.' }));
    const out = dataLines(body);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ id: 'chatcmpl-1', service_tier: 'flex', usage: null });
    expect(out[1]).toEqual({
      error: { message: 'The server had an error.', type: 'upstream_error', code: 'upstream_error', param: null, doc_url: 'https://flex.example/docs/errors#upstream_error' },
    });
  });
});

describe('chat encodeResponse', () => {
  it('reproduces the recorded chat.completion (openai-text.json), fingerprint aside', () => {
    const recorded = JSON.parse(read('openai-text.json'));
    const text = recorded.choices[0].message.content;
    const msg: OutputItem = { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] };
    const body = chatSurface
      .decode({ model: 'gpt-4.1-nano', start_within: 'default', messages: [{ role: 'user', content: 'x' }] })
      .encodeResponse(response(recorded, [msg], usageOf(recorded.usage), { type: 'stop' }), { servedTier: 'standard', requestId: 'r' });
    expect(body).toEqual({ ...recorded, system_fingerprint: null });
    expect(Object.keys(body as object)).toEqual(Object.keys(recorded));
  });

  it.each([
    [{ type: 'max_output_tokens' }, 'length'],
    [{ type: 'paused' }, 'length'],
    [{ type: 'content_filter' }, 'content_filter'],
    [{ type: 'refusal' }, 'stop'],
    [{ type: 'other', raw: 'weird' }, 'stop'],
  ] as const)('maps finish reason %j to finish_reason %s', (stop, finish) => {
    const body: any = chatSurface
      .decode({ model: 'm', start_within: 'default', messages: [{ role: 'user', content: 'x' }] })
      .encodeResponse(response({ id: 'resp_9', model: 'm', created: 1 }, [], usageOf({ prompt_tokens: 1, completion_tokens: 0 }), stop), { servedTier: 'flex', requestId: 'r' });
    expect(body.choices[0].finish_reason).toBe(finish);
    expect(body.choices[0].message).toEqual({ role: 'assistant', content: '', refusal: null, annotations: [] });
    expect(body.id).toBe('chatcmpl-9');
    expect(body.service_tier).toBe('flex');
  });

  it('puts tool calls and refusals where OpenAI does, skipping reasoning', () => {
    const output: OutputItem[] = [
      { type: 'reasoning', id: 'rs', summary: ['s'], opaque: { provider: 'openai', data: 'gAAA' } },
      { type: 'message', id: 'm', role: 'assistant', status: 'completed', content: [{ type: 'refusal', refusal: 'No.' }] },
      { type: 'function_call', id: 'fc', callId: 'call_1', name: 'f', arguments: '{"a":1}' },
    ];
    const body: any = chatSurface
      .decode({ model: 'm', start_within: 'default', messages: [{ role: 'user', content: 'x' }] })
      .encodeResponse(response({ id: 'chatcmpl-x', model: 'm', created: 1 }, output, { inputTokens: 10, cachedTokens: 4, outputTokens: 20, reasoningTokens: 12 }, { type: 'tool_calls' }), { servedTier: 'standard', requestId: 'r' });
    expect(body.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: null, refusal: 'No.', annotations: [], tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
    expect(body.usage).toEqual({
      prompt_tokens: 10, completion_tokens: 20, total_tokens: 30,
      prompt_tokens_details: { cached_tokens: 4, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 12, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
  });

  it('renders errors in the OpenAI envelope', () => {
    const rendered = chatSurface.renderError(new FlexError('unsupported_parameter', { param: 'seed' }), 'https://flex.example');
    expect(rendered).toMatchObject({ status: 400, body: { error: { code: 'unsupported_parameter', param: 'seed', type: 'invalid_request_error' } } });
  });
});

describe('openai SDK acceptance', () => {
  const client = (body: string) =>
    new OpenAI({
      apiKey: 'flex_live_test',
      baseURL: 'http://flex.test/v1',
      fetch: async () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    });

  it('ChatCompletionStream assembles text and usage from our chunks', async () => {
    const recorded = read('openai-text.chunks.txt').trim().split('\n').map((l) => JSON.parse(l));
    const body = run(decodedStream(true).createStreamEncoder({ servedTier: 'flex', requestId: 'r' }), textEvents(recorded, 'output_text'));
    const stream = client(body).chat.completions.stream({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe(recorded.map((c) => c.choices[0]?.delta.content ?? '').join(''));
    expect(final.choices[0]!.finish_reason).toBe('stop');
    expect(final.usage?.completion_tokens).toBe(300);
    expect(final.service_tier).toBe('flex');
  });

  it('raises our error chunk as an APIError', async () => {
    const encoder = decodedStream(false).createStreamEncoder({ servedTier: 'standard', requestId: 'r' });
    const body = encoder.event({ type: 'response.created', id: 'r', model: 'm', createdAt: 1 }) + encoder.error(new FlexError('upstream_timeout'));
    const stream = await client(body).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true });
    await expect(async () => {
      for await (const _chunk of stream) {
        // drain
      }
    }).rejects.toMatchObject({ code: 'upstream_timeout' });
  });
});
