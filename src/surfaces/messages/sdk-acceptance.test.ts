// The official Anthropic SDK reads what this surface writes: streams through `messages.stream()`
// (whose accumulator checks block order and indexes), responses through `messages.create()`,
// and error bodies / in-stream error events as typed APIErrors.
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import type { CanonicalResponse, CanonicalStreamEvent } from '../../canonical/types.js';
import { FlexError, upstreamError } from '../../errors/catalog.js';
import type { EncodeContext } from '../surface.js';
import { messagesSurface } from './index.js';
import { cassetteSseBody, parseSse, readChunks } from './test-support/recorded.js';
import { canonicalFromStream } from './test-support/to-canonical.js';

const ctx: EncodeContext = { servedTier: 'flex', requestId: 'req_sdk' };

function client(respond: () => Response): Anthropic {
  return new Anthropic({
    apiKey: 'flex_live_test',
    baseURL: 'http://flexinference.test',
    maxRetries: 0,
    fetch: async () => respond(),
  });
}

const sseHeaders = { 'content-type': 'text/event-stream; charset=utf-8' };
const params = {
  model: 'claude-fable-5',
  max_tokens: 4096,
  thinking: { type: 'enabled' as const, budget_tokens: 2048 },
  messages: [{ role: 'user' as const, content: 'Hi' }],
};

function encodeStream(events: readonly CanonicalStreamEvent[]): string {
  const encoder = messagesSurface.decode({ ...params, stream: true }).createStreamEncoder(ctx);
  return events.map((event) => encoder.event(event)).join('') + encoder.end();
}

function completedResponse(events: readonly CanonicalStreamEvent[]): CanonicalResponse {
  const last = events.at(-1);
  if (last?.type !== 'response.completed') throw new Error('stream without completion');
  return last.response;
}

const streams: [string, CanonicalStreamEvent[]][] = [
  ['text', canonicalFromStream(readChunks('anthropic-text.chunks.txt'))],
  ['tool', canonicalFromStream(readChunks('anthropic-tool-no-args.chunks.txt'))],
  ['json tool', canonicalFromStream(readChunks('anthropic-json-tool.1.chunks.txt'))],
  ['thinking', canonicalFromStream(readChunks('anthropic-clear-thinking.1.chunks.txt'))],
  ['live thinking', canonicalFromStream(parseSse(cassetteSseBody('test_anthropic_model_thinking_part_stream.yaml')).map((e) => e.data))],
  [
    'openai reasoning + call',
    [
      { type: 'response.created', id: 'resp_1', model: 'gpt-5', createdAt: 1 },
      { type: 'item.added', outputIndex: 0, item: { type: 'reasoning', id: 'rs_1', summary: [] } },
      { type: 'reasoning_summary.delta', outputIndex: 0, summaryIndex: 0, delta: 'Plan' },
      { type: 'item.done', outputIndex: 0, item: { type: 'reasoning', id: 'rs_1', summary: ['Plan'], opaque: { provider: 'openai', data: 'gAAA' } } },
      { type: 'item.added', outputIndex: 1, item: { type: 'function_call', id: 'fc', callId: 'call_1', name: 'f', arguments: '' } },
      { type: 'function_call_arguments.delta', outputIndex: 1, delta: '{"x":1}' },
      { type: 'item.done', outputIndex: 1, item: { type: 'function_call', id: 'fc', callId: 'call_1', name: 'f', arguments: '{"x":1}' } },
      {
        type: 'response.completed',
        response: {
          id: 'resp_1',
          model: 'gpt-5',
          createdAt: 1,
          status: 'completed',
          finishReason: { type: 'tool_calls' },
          output: [
            { type: 'reasoning', id: 'rs_1', summary: ['Plan'], opaque: { provider: 'openai', data: 'gAAA' } },
            { type: 'function_call', id: 'fc', callId: 'call_1', name: 'f', arguments: '{"x":1}' },
          ],
          usage: { inputTokens: 50, cachedTokens: 10, outputTokens: 20, reasoningTokens: 8 },
          servedTier: 'flex',
          provider: 'openai',
        },
      },
    ],
  ],
];

describe('Anthropic SDK accepts the stream', () => {
  it.each(streams)('%s: messages.stream() accumulates exactly the non-streamed message', async (_name, events) => {
    const sse = encodeStream(events);
    const stream = client(() => new Response(sse, { headers: sseHeaders })).messages.stream(params);
    // The SDK adds its own `parsed_output` (structured-output helper); the rest is the wire message.
    const { parsed_output: _parsed, ...final } = await stream.finalMessage();
    const expected = messagesSurface.decode(params).encodeResponse(completedResponse(events), ctx);
    expect(final).toEqual(expected);
  });

  it('raises an in-stream error event as a typed APIError', async () => {
    const events = canonicalFromStream(readChunks('anthropic-text.chunks.txt')).slice(0, 5);
    const encoder = messagesSurface.decode({ ...params, stream: true }).createStreamEncoder(ctx);
    const err = upstreamError({ provider: 'anthropic', status: 529, providerType: 'overloaded_error', message: 'Overloaded' });
    const sse = events.map((event) => encoder.event(event)).join('') + encoder.error(err);
    const stream = client(() => new Response(sse, { headers: sseHeaders })).messages.stream(params);
    const failure: unknown = await stream.finalMessage().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as InstanceType<typeof Anthropic.APIError>).error).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded', code: 'upstream_error' },
    });
  });
});

describe('Anthropic SDK accepts responses and errors', () => {
  it('messages.create() reads the non-streamed message', async () => {
    const events = streams[3]![1];
    const body = messagesSurface.decode(params).encodeResponse(completedResponse(events), ctx);
    const message = await client(() => Response.json(body)).messages.create(params);
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    expect(message.usage.service_tier).toBe('flex');
    expect(message.stop_reason).toBe('end_turn');
  });

  it('reads a refused request as a BadRequestError with the Anthropic error type', async () => {
    let thrown: unknown;
    try {
      messagesSurface.decode({ ...params, top_k: 5 });
    } catch (err) {
      thrown = err;
    }
    const rendered = messagesSurface.renderError(thrown as FlexError, 'https://flex.test');
    const respond = () => Response.json(rendered.body, { status: rendered.status, headers: rendered.headers });
    const failure: unknown = await client(respond).messages.create(params).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
    const apiError = failure as InstanceType<typeof Anthropic.BadRequestError>;
    expect(apiError.status).toBe(400);
    expect(apiError.type).toBe('invalid_request_error');
    expect(apiError.message).toContain('`top_k` is not supported');
  });

  it('names the offending field in the message, since the Anthropic envelope has no param', () => {
    const err = new FlexError('invalid_start_within', { param: 'start_within', detail: '"nope" is not a duration.' });
    const body = messagesSurface.renderError(err, '').body as { error: { message: string } };
    expect(body.error.message).toBe(`\`start_within\`: ${err.message}`);
    const named = new FlexError('unsupported_parameter', { param: 'top_k', detail: '`top_k` is not supported.' });
    expect((messagesSurface.renderError(named, '').body as { error: { message: string } }).error.message).toBe(named.message);
  });

  it('carries Retry-After on a rate-limit error', () => {
    const rendered = messagesSurface.renderError(new FlexError('rate_limit_exceeded', { retryAfterSeconds: 5 }), '');
    expect(rendered).toEqual({
      status: 429,
      headers: { 'retry-after': '5', 'x-flexinference-error-code': 'rate_limit_exceeded' },
      body: {
        type: 'error',
        error: { type: 'rate_limit_error', message: expect.stringContaining('Too many requests.') as string, code: 'rate_limit_exceeded' },
      },
    });
  });
});

describe('callers that did not enable thinking', () => {
  it('get no thinking blocks, streamed or not, even when the provider reasoned', async () => {
    const events = streams[3]![1];
    const plain = { model: 'gpt-5-mini', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Hi' }] };
    const body = messagesSurface.decode(plain).encodeResponse(completedResponse(events), ctx) as { content: { type: string }[] };
    expect(body.content.map((b) => b.type)).toEqual(['text']);
    const encoder = messagesSurface.decode({ ...plain, stream: true }).createStreamEncoder(ctx);
    const sse = events.map((e) => encoder.event(e)).join('') + encoder.end();
    const message = await client(() => new Response(sse, { headers: sseHeaders })).messages.stream(plain).finalMessage();
    expect(message.content.map((b) => b.type)).toEqual(['text']);
    expect(sse).not.toContain('thinking');
  });
});
