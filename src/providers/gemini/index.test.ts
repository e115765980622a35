import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalRequest, CanonicalStreamEvent, RequestedTier } from '../../canonical/types.js';
import { FlexError } from '../../errors/catalog.js';
import { createGeminiProvider } from './index.js';
import { chunked, fixtureEvents, fixtureText, toSse } from './test-support/fixtures.js';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown> | undefined;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let handler: Handler = (_req, res) => res.end();
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined });
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  seen.length = 0;
});

/** Answers with SSE text written in small pieces (frames cut across reads). */
function sse(text: string, pieceSize = 97): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const piece of chunked(text, pieceSize)) res.write(piece);
    res.end();
  };
}

function answer(status: number, body: string, contentType = 'application/json'): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  };
}

const request: CanonicalRequest = {
  model: 'gemini-2.5-flash',
  input: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'How are you?' }] }],
  reasoning: { effort: 'low' },
};

async function collect(tier: RequestedTier = 'flex', signal = new AbortController().signal, req = request) {
  const provider = createGeminiProvider({ baseUrl });
  const events: CanonicalStreamEvent[] = [];
  for await (const e of provider.stream({ request: structuredClone(req), tier, apiKey: 'AIzaTEST-key-123456', signal })) events.push(e);
  return events;
}

async function failure(tier: RequestedTier = 'flex', signal?: AbortSignal): Promise<unknown> {
  try {
    await collect(tier, signal);
  } catch (err) {
    return err;
  }
  throw new Error('expected the stream to fail');
}

describe('Gemini provider over HTTP', () => {
  it('posts the request to /v1beta/interactions with the key header and replays the recorded stream', async () => {
    handler = sse(toSse(fixtureEvents('basic.chunks.txt')));
    const events = await collect('flex');

    expect(seen).toHaveLength(1);
    const sent = seen[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/v1beta/interactions');
    expect(sent.headers['x-goog-api-key']).toBe('AIzaTEST-key-123456');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers.accept).toBe('text/event-stream');
    expect(sent.body).toEqual({
      model: 'gemini-2.5-flash',
      input: [{ type: 'user_input', content: [{ type: 'text', text: 'How are you?' }] }],
      generation_config: { thinking_level: 'low' },
      service_tier: 'flex',
      store: false,
      stream: true,
    });

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
    const last = events.at(-1);
    expect(last?.type === 'response.completed' && last.response.usage).toEqual({
      inputTokens: 7,
      cachedTokens: 0,
      outputTokens: 141,
      reasoningTokens: 115,
    });
  });

  it('replays the tool-call step 1 stream byte by byte', async () => {
    handler = sse(toSse(fixtureEvents('tool-call-step1.chunks.txt')), 1);
    const events = await collect('standard');
    expect(seen[0]!.body?.service_tier).toBe('standard');
    const done = events.find((e) => e.type === 'item.done' && e.item.type === 'function_call');
    expect(done).toMatchObject({ item: { callId: '61nzpsv4', name: 'getWeather', arguments: '{"location":"San Francisco"}' } });
    const last = events.at(-1);
    expect(last?.type === 'response.completed' && last.response.finishReason).toEqual({ type: 'tool_calls' });
  });

  it('keeps the recorded 429 RESOURCE_EXHAUSTED status, status name and message, and its RetryInfo wait', async () => {
    handler = answer(429, fixtureText('google-429-retry-info.json'));
    const err = await failure();
    expect(err).toBeInstanceOf(FlexError);
    expect(err).toMatchObject({ code: 'upstream_error', status: 429, message: 'You exceeded your current quota, please check your plan.' });
    expect((err as FlexError).upstream).toEqual({
      provider: 'gemini',
      status: 429,
      providerCode: 'RESOURCE_EXHAUSTED',
      message: 'You exceeded your current quota, please check your plan.',
      retryAfterMs: 34_400,
    });
  });

  it('keeps a 503 UNAVAILABLE from flex', async () => {
    handler = answer(503, JSON.stringify({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } }));
    const err = (await failure()) as FlexError;
    expect(err).toMatchObject({ code: 'upstream_error', status: 503 });
    expect(err.upstream?.providerCode).toBe('UNAVAILABLE');
    expect(err.message).toBe('The model is overloaded. Please try again later.');
  });

  it('tolerates empty and non-JSON error bodies', async () => {
    handler = answer(502, '');
    const empty = (await failure()) as FlexError;
    expect(empty).toMatchObject({ code: 'upstream_error', status: 502 });
    expect(empty.message).toMatch(/HTTP 502/);

    handler = answer(500, '<html>Internal Server Error</html>', 'text/html');
    const html = (await failure()) as FlexError;
    expect(html).toMatchObject({ status: 500, message: '<html>Internal Server Error</html>' });
    expect(html.upstream?.providerCode).toBeUndefined();
  });

  it('throws upstream_error 502 when the stream ends before interaction.completed', async () => {
    handler = sse(toSse(fixtureEvents('basic.chunks.txt').slice(0, 5), { done: false }));
    const err = (await failure()) as FlexError;
    expect(err).toMatchObject({ code: 'upstream_error', status: 502 });
    expect(err.message).toMatch(/ended early/);
  });

  it('a connection cut after the headers is an early end (502), as on the other providers', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(toSse(fixtureEvents('basic.chunks.txt').slice(0, 3), { done: false }), () => res.destroy());
    };
    const err = (await failure()) as FlexError;
    expect(err).toMatchObject({ code: 'upstream_error', status: 502 });
    expect(err.message).toMatch(/ended early.*connection lost/);
  });

  it('treats [DONE] without interaction.completed as an early end', async () => {
    handler = sse(toSse(fixtureEvents('basic.chunks.txt').slice(0, 3)));
    expect(await failure()).toMatchObject({ code: 'upstream_error', status: 502 });
  });

  it('throws in-stream error events with their code and status', async () => {
    const events = [
      ...fixtureEvents('basic.chunks.txt').slice(0, 2),
      { event_type: 'error', error: { code: 'UNAVAILABLE', message: 'Flex capacity is not available right now.' } },
    ];
    handler = sse(toSse(events, { done: false }));
    const err = (await failure()) as FlexError;
    expect(err).toMatchObject({ code: 'upstream_error', status: 503, message: 'Flex capacity is not available right now.' });
    expect(err.upstream?.providerCode).toBe('UNAVAILABLE');
  });

  it('throws malformed event data as upstream_error 502', async () => {
    handler = sse('event: step.start\r\ndata: {not json\r\n\r\n');
    expect(await failure()).toMatchObject({ code: 'upstream_error', status: 502 });
  });

  it('reports an unreachable upstream as upstream_unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const provider = createGeminiProvider({ baseUrl: `http://127.0.0.1:${port}` });
    const iterator = provider.stream({ request, tier: 'flex', apiKey: 'k', signal: new AbortController().signal })[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toMatchObject({ code: 'upstream_unavailable', status: 503 });
  });

  it('reuses the pooled connection after a completed stream', async () => {
    const ports: number[] = [];
    const replay = sse(toSse(fixtureEvents('tool-call-step2.chunks.txt')));
    handler = (req, res) => {
      ports.push(req.socket.remotePort ?? -1);
      replay(req, res);
    };
    const provider = createGeminiProvider({ baseUrl });
    for (let i = 0; i < 2; i++) {
      const types: string[] = [];
      for await (const e of provider.stream({ request, tier: 'standard', apiKey: 'k', signal: new AbortController().signal })) types.push(e.type);
      expect(types.at(-1)).toBe('response.completed');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(ports).toHaveLength(2);
    expect(ports[1]).toBe(ports[0]);
  });

  it('closes the upstream when the consumer stops early', async () => {
    let closed!: () => void;
    const upstreamClosed = new Promise<void>((resolve) => (closed = resolve));
    handler = (_req, res) => {
      res.on('close', () => closed());
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(toSse(fixtureEvents('basic.chunks.txt').slice(0, 3), { done: false }));
    };
    const provider = createGeminiProvider({ baseUrl });
    for await (const e of provider.stream({ request, tier: 'flex', apiKey: 'k', signal: new AbortController().signal })) {
      if (e.type === 'admitted') break;
    }
    await upstreamClosed;
  });

  it('rethrows the abort reason when aborted before the upstream answers', async () => {
    handler = () => undefined; // never answers: flex not admitted in time
    const controller = new AbortController();
    const reason = new DOMException('flex window over', 'AbortError');
    setTimeout(() => controller.abort(reason), 50);
    expect(await failure('flex', controller.signal)).toBe(reason);
  });

  it('rethrows the abort reason when the caller aborts mid-stream', async () => {
    const events = fixtureEvents('basic.chunks.txt');
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(toSse(events.slice(0, 3), { done: false })); // admitted, then the upstream stalls
    };
    const controller = new AbortController();
    const provider = createGeminiProvider({ baseUrl });
    const reason = new Error('deadline');
    const seenTypes: string[] = [];
    const run = (async () => {
      for await (const e of provider.stream({ request, tier: 'flex', apiKey: 'k', signal: controller.signal })) {
        seenTypes.push(e.type);
        if (e.type === 'admitted') controller.abort(reason);
      }
    })();
    await expect(run).rejects.toBe(reason);
    expect(seenTypes).toContain('admitted');
  });
});
