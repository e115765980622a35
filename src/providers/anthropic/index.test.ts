import { afterEach, describe, expect, it } from 'vitest';
import type { CanonicalRequest, CanonicalStreamEvent } from '../../canonical/types.js';
import { FlexError } from '../../errors/catalog.js';
import type { ProviderCall } from '../provider.js';
import { createAnthropicProvider } from './index.js';
import {
  cassetteStreamBody,
  chunksAsSse,
  collect,
  readFixture,
  sendSse,
  startFakeUpstream,
  type FakeUpstream,
} from './test-support/fixtures.js';

let upstream: FakeUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

function call(overrides: Partial<ProviderCall> = {}, request: Partial<CanonicalRequest> = {}): ProviderCall {
  return {
    request: {
      model: 'claude-sonnet-4-5',
      instructions: 'Be kind.',
      input: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'Hello, how are you?' }] }],
      maxOutputTokens: 1024,
      ...request,
    },
    tier: 'standard',
    apiKey: 'sk-ant-test-key',
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<FlexError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FlexError);
    return error as FlexError;
  }
  throw new Error('expected a failure');
}

describe('createAnthropicProvider: successful streams', () => {
  it('posts a streamed Messages request with the Anthropic headers and yields canonical events', async () => {
    upstream = await startFakeUpstream((res) => sendSse(res, chunksAsSse('anthropic-text.chunks.txt')));
    const provider = createAnthropicProvider({ baseUrl: `${upstream.baseUrl}/`, now: () => 1_700_000_000_000 });
    expect(provider.name).toBe('anthropic');
    const events = await collect(provider.stream(call()));

    expect(upstream.requests).toHaveLength(1);
    const sent = upstream.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe('sk-ant-test-key');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello, how are you?' }] }],
      stream: true,
      service_tier: 'standard_only',
      system: 'Be kind.',
    });

    expect(events[0]).toEqual({ type: 'admitted' });
    expect(events[1]).toMatchObject({ type: 'response.created', id: 'msg_01QC4g3HwBThD4BaNtBckFDJ', createdAt: 1_700_000_000 });
    const last = events.at(-1);
    expect(last?.type).toBe('response.completed');
    expect(last?.type === 'response.completed' && last.response.usage.outputTokens).toBe(30);
  });

  it('asks for service_tier auto on the priority tier', async () => {
    upstream = await startFakeUpstream((res) => sendSse(res, chunksAsSse('anthropic-text.chunks.txt')));
    const provider = createAnthropicProvider({ baseUrl: upstream.baseUrl });
    await collect(provider.stream(call({ tier: 'priority' })));
    expect(upstream.requests[0]?.body).toMatchObject({ service_tier: 'auto' });
  });

  it('reads the recorded raw thinking stream written in small pieces', async () => {
    const body = cassetteStreamBody('test_anthropic_model_thinking_part_stream.yaml');
    upstream = await startFakeUpstream((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < body.length; i += 333) res.write(body.slice(i, i + 333));
      res.end();
    });
    const provider = createAnthropicProvider({ baseUrl: upstream.baseUrl });
    const events = await collect(provider.stream(call({}, { model: 'claude-sonnet-4-0', reasoning: { budgetTokens: 1024 }, maxOutputTokens: 4096 })));
    expect(upstream.requests[0]?.body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 4096 });
    const done = events.filter((e): e is Extract<CanonicalStreamEvent, { type: 'item.done' }> => e.type === 'item.done');
    expect(done.map((e) => e.item.type)).toEqual(['reasoning', 'message']);
    expect(done[0]?.item).toMatchObject({ opaque: { provider: 'anthropic' } });
  });

  it("reports its conversion's warnings on the call's stream, and leaves the request unchanged", async () => {
    upstream = await startFakeUpstream((res) => sendSse(res, chunksAsSse('anthropic-text.chunks.txt')));
    const provider = createAnthropicProvider({ baseUrl: upstream.baseUrl });
    const c = call({}, { output: { type: 'json_object' } });
    const before = structuredClone(c.request);
    const first = provider.stream(c);
    expect(first.warnings).toEqual([expect.objectContaining({ code: 'translated', field: 'text.format' })]);
    await collect(first);
    // A second call (a retry) converts on its own: the same warnings, once.
    const second = provider.stream(c);
    expect(second.warnings).toEqual(first.warnings);
    await collect(second);
    expect(c.request).toEqual(before);
  });
});

describe('createAnthropicProvider: failures', () => {
  it('keeps a 400 invalid_request_error with the provider message (recorded body)', async () => {
    const cassette = readFixture('test_anthropic_explicit_effort_xhigh_unsupported_model_errors.yaml');
    const message = "This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium.";
    expect(cassette).toContain(message.replaceAll("'", "''"));
    upstream = await startFakeUpstream((res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message }, request_id: 'req_011Ca7jT9AHpgXgdv8igm4z9' }));
    });
    const provider = createAnthropicProvider({ baseUrl: upstream.baseUrl });
    const error = await failure(collect(provider.stream(call())));
    expect(error.status).toBe(400);
    expect(error.code).toBe('upstream_error');
    expect(error.message).toBe(message);
    expect(error.upstream).toEqual({ provider: 'anthropic', status: 400, providerType: 'invalid_request_error', providerCode: 'invalid_request_error', message });
  });

  it.each([
    [429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'],
    [529, 'overloaded_error', 'Overloaded'],
  ])('keeps HTTP %i %s', async (status, type, message) => {
    upstream = await startFakeUpstream((res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type, message } }));
    });
    const provider = createAnthropicProvider({ baseUrl: upstream.baseUrl });
    const error = await failure(collect(provider.stream(call())));
    expect(error.status).toBe(status);
    expect(error.upstream?.providerType).toBe(type);
    expect(error.message).toBe(message);
  });

  it('tolerates non-JSON and empty error bodies', async () => {
    upstream = await startFakeUpstream((res, req) => {
      const empty = (req.body as { model: string }).model === 'claude-empty';
      res.writeHead(empty ? 503 : 502, { 'content-type': 'text/html' });
      res.end(empty ? '' : '<html><body>Bad gateway</body></html>');
    });
    const provider = createAnthropicProvider({ baseUrl: upstream.baseUrl });
    const html = await failure(collect(provider.stream(call())));
    expect(html.status).toBe(502);
    expect(html.message).toContain('Bad gateway');
    expect(html.upstream?.providerType).toBeUndefined();
    const empty = await failure(collect(provider.stream(call({}, { model: 'claude-empty' }))));
    expect(empty.status).toBe(503);
    expect(empty.message).toContain('empty body');
  });

  it('turns an in-stream overloaded error after admission into a 529 FlexError', async () => {
    upstream = await startFakeUpstream((res) =>
      sendSse(
        res,
        `${chunksAsSse('anthropic-text.chunks.txt').split('\n\n').slice(0, 3).join('\n\n')}\n\nevent: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n`,
      ),
    );
    const provider = createAnthropicProvider({ baseUrl: upstream.baseUrl });
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const event of provider.stream(call())) seen.push(event.type);
      })(),
    );
    expect(seen.slice(0, 2)).toEqual(['admitted', 'response.created']);
    expect(error.status).toBe(529);
    expect(error.upstream?.providerType).toBe('overloaded_error');
  });

  it('reports a stream that ends before message_stop as upstream_error 502', async () => {
    const sse = chunksAsSse('anthropic-text.chunks.txt');
    upstream = await startFakeUpstream((res) => sendSse(res, sse.slice(0, sse.indexOf('event: message_delta'))));
    const provider = createAnthropicProvider({ baseUrl: upstream.baseUrl });
    const error = await failure(collect(provider.stream(call())));
    expect(error.code).toBe('upstream_error');
    expect(error.status).toBe(502);
    expect(error.message).toContain('ended early');
  });

  it('reports an unreachable upstream as upstream_unavailable', async () => {
    upstream = await startFakeUpstream(() => undefined);
    const deadUrl = upstream.baseUrl;
    await upstream.close();
    upstream = undefined;
    const provider = createAnthropicProvider({ baseUrl: deadUrl });
    const error = await failure(collect(provider.stream(call())));
    expect(error.code).toBe('upstream_unavailable');
  });

  it('rethrows the abort reason when the signal fires mid-stream', async () => {
    const sse = chunksAsSse('anthropic-text.chunks.txt');
    upstream = await startFakeUpstream((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse.slice(0, sse.indexOf('event: content_block_delta')));
      // Never ends: only the abort can finish this request.
    });
    const controller = new AbortController();
    const provider = createAnthropicProvider({ baseUrl: upstream.baseUrl });
    const reason = new DOMException('client went away', 'AbortError');
    const consumed = (async () => {
      for await (const event of provider.stream(call({ signal: controller.signal }))) {
        if (event.type === 'content_part.added') controller.abort(reason);
      }
    })();
    await expect(consumed).rejects.toBe(reason);
  });

  it('refuses the flex tier on the first next() without calling upstream', async () => {
    upstream = await startFakeUpstream((res) => sendSse(res, ''));
    const provider = createAnthropicProvider({ baseUrl: upstream.baseUrl });
    const stream = provider.stream(call({ tier: 'flex' }));
    expect(stream.warnings).toEqual([]);
    const error = await failure(collect(stream));
    expect(error.code).toBe('internal_error');
    expect(upstream.requests).toHaveLength(0);
  });
});
