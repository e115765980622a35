import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalRequest, CanonicalStreamEvent } from '../../canonical/types.js';
import { FlexError } from '../../errors/catalog.js';
import type { ProviderCall } from '../provider.js';
import type { UpstreamProvider } from '../upstream-stream.js';
import { createOpenAIProvider } from './index.js';
import { readCassette, readFixture } from './test-support/fixtures.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface Recorded {
  method: string | undefined;
  url: string | undefined;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

let server: Server;
let baseUrl: string;
let handler: Handler = (_req, res) => res.end();
let recorded: Recorded[] = [];
let connections = 0;
let closedConnections = 0;
let provider: UpstreamProvider;

beforeAll(async () => {
  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8');
      recorded.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body: JSON.parse(body) as Record<string, unknown> });
      handler(req, res, body);
    });
  });
  server.on('connection', (socket) => {
    connections++;
    socket.on('close', () => closedConnections++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  provider = createOpenAIProvider({ baseUrl });
});

afterEach(() => {
  recorded = [];
});

afterAll(async () => {
  await provider.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const request: CanonicalRequest = {
  model: 'gpt-5',
  input: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'Calculate 100 * 200 / 3' }] }],
};

function call(overrides: Partial<ProviderCall> = {}): ProviderCall {
  return { request, tier: 'flex', apiKey: 'sk-test-0123456789abcdef', signal: new AbortController().signal, ...overrides };
}

async function collect(events: AsyncIterable<CanonicalStreamEvent>): Promise<CanonicalStreamEvent[]> {
  const out: CanonicalStreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

async function failure(events: AsyncIterable<CanonicalStreamEvent>): Promise<unknown> {
  try {
    await collect(events);
  } catch (error) {
    return error;
  }
  throw new Error('expected the stream to fail');
}

function sse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
}

/** Writes a recorded body in small pieces, as the real upstream streams it. */
function writeInPieces(res: ServerResponse, raw: string, size = 512): void {
  for (let at = 0; at < raw.length; at += size) res.write(raw.slice(at, at + size));
  res.end();
}

const created = 'event: response.created\ndata: {"type":"response.created","response":{"id":"resp_1","model":"gpt-5","created_at":1,"status":"in_progress"}}\n\n';
const inProgress = 'event: response.in_progress\ndata: {"type":"response.in_progress","response":{"id":"resp_1","model":"gpt-5","created_at":1,"status":"in_progress"}}\n\n';
const itemAdded = 'data: {"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","status":"in_progress","content":[]}}\n\n';

describe('createOpenAIProvider', () => {
  it('posts the converted request and streams the recorded flex answer', async () => {
    const [interaction] = readCassette('openai-responses/test_openai_responses_streaming_usage.yaml');
    handler = (_req, res) => {
      sse(res);
      writeInPieces(res, interaction!.rawBody!);
    };
    const events = await collect(provider.stream(call({ request: { ...request, reasoning: { effort: 'low' } } })));

    expect(recorded).toHaveLength(1);
    const sent = recorded[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/v1/responses');
    expect(sent.authorization).toBe('Bearer sk-test-0123456789abcdef');
    expect(sent.body).toMatchObject({ model: 'gpt-5', stream: true, service_tier: 'flex', store: false, include: ['reasoning.encrypted_content'] });
    expect(sent.body).not.toHaveProperty('start_within');

    expect(events.filter((e) => e.type === 'admitted')).toHaveLength(1);
    expect(events[1]?.type).toBe('admitted');
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'response.completed', response: { servedTier: 'flex', usage: { reasoningTokens: 448 } } });
  });

  it('sends the standard tier as service_tier "default"', async () => {
    const [interaction] = readCassette('openai-responses/test_openai_responses_stream.yaml');
    handler = (_req, res) => {
      sse(res);
      writeInPieces(res, interaction!.rawBody!, 64);
    };
    const events = await collect(provider.stream(call({ tier: 'standard' })));
    expect(recorded[0]?.body.service_tier).toBe('default');
    expect(events.at(-1)).toMatchObject({ type: 'response.completed', response: { servedTier: 'standard', finishReason: { type: 'tool_calls' } } });
  });

  it('asks for a whole answer where the call allows it, and reads it as the stream would have ended', async () => {
    const [interaction] = readCassette('openai-responses/test_openai_responses_stream.yaml');
    const raw = interaction!.rawBody!;
    handler = (_req, res) => {
      sse(res);
      res.end(raw);
    };
    const streamed = await collect(provider.stream(call({ tier: 'standard' })));
    const final = raw
      .split('\n')
      .filter((line) => line.startsWith('data: {'))
      .map((line) => JSON.parse(line.slice(6)) as { type: string; response?: unknown })
      .find((event) => event.type === 'response.completed')!.response;
    handler = (req, res) => {
      expect(req.headers.accept).toBe('application/json');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(final));
    };
    const whole = await collect(provider.stream(call({ tier: 'standard', wholeWithinMs: 1_000 })));
    expect(recorded[1]?.body.stream).toBe(false);
    expect(whole.map((e) => e.type)).toEqual(['admitted', 'response.created', 'response.completed']);
    expect(whole.at(-1)).toEqual(streamed.at(-1));

    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...(final as object), status: 'failed', error: { code: 'server_error', message: 'it broke' } }));
    };
    expect(await failure(provider.stream(call({ tier: 'standard', wholeWithinMs: 1_000 })))).toMatchObject({ message: expect.stringContaining('it broke') });

    // Native fields go as sent, so such a call streams; so does one whose answers take too long for the timeouts.
    handler = (_req, res) => {
      sse(res);
      res.end(raw);
    };
    const native = (body: Record<string, unknown>, tools: Record<string, unknown>[] = []) => ({ ...request, native: { provider: 'openai' as const, body, tools, refusable: [] } });
    await collect(provider.stream(call({ tier: 'standard', wholeWithinMs: 1_000, request: native({ store: true, truncation: 'auto' }) })));
    await collect(provider.stream(call({ tier: 'standard', wholeWithinMs: 1_000, request: native({ store: true }, [{ type: 'code_interpreter' }]) })));
    await collect(provider.stream(call({ tier: 'standard', wholeWithinMs: 60_000 })));
    expect(recorded.slice(3).map((r) => r.body.stream)).toEqual([true, true, true]);
    // The `store` flag every Responses caller sends leaves a call whole.
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(final));
    };
    await collect(provider.stream(call({ tier: 'standard', wholeWithinMs: 1_000, request: native({ store: true }) })));
    expect(recorded.at(-1)?.body).toMatchObject({ stream: false, store: true });
  });

  it('reuses one keep-alive connection, even when the body ends after the final event', async () => {
    const [interaction] = readCassette('openai-responses/test_openai_responses_stream.yaml');
    handler = (_req, res) => {
      sse(res);
      res.write(interaction!.rawBody!);
      setTimeout(() => res.end(), 30);
    };
    await collect(provider.stream(call()));
    await delay(60);
    const [opened, closed] = [connections, closedConnections];
    await collect(provider.stream(call()));
    await delay(60);
    // A consumer that stops at the final event must not cost the connection either.
    for await (const event of provider.stream(call())) {
      if (event.type === 'response.completed') break;
    }
    await delay(60);
    await collect(provider.stream(call()));
    expect(recorded).toHaveLength(4);
    expect(closedConnections).toBe(closed);
    expect(connections).toBe(opened);
  });

  it('throws the recorded 429 insufficient_quota with its status, code and message', async () => {
    handler = (_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end(readFixture('openai-responses/openai-error.1.json'));
    };
    const error = await failure(provider.stream(call()));
    expect(error).toBeInstanceOf(FlexError);
    expect(error).toMatchObject({ status: 429, code: 'upstream_error', upstream: { provider: 'openai', providerCode: 'insufficient_quota' } });
    expect((error as FlexError).message).toMatch(/^You exceeded your current quota/);
  });

  it('throws the recorded 400 with its code and message', async () => {
    const [interaction] = readCassette('openai-responses/test_openai_responses_model_http_error.yaml');
    handler = (_req, res) => {
      res.writeHead(interaction!.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(interaction!.parsedBody));
    };
    const error = await failure(provider.stream(call()));
    expect(error).toMatchObject({ status: 400, upstream: { providerCode: 'decimal_below_min_value', providerType: 'invalid_request_error' } });
    expect((error as FlexError).message).toContain("Invalid 'temperature'");
  });

  it('tolerates an empty error body', async () => {
    handler = (_req, res) => {
      res.writeHead(503);
      res.end();
    };
    const error = await failure(provider.stream(call()));
    expect(error).toMatchObject({ status: 503, message: 'OpenAI answered HTTP 503 with an empty body.' });
  });

  it('fails a stream that ends before completion with 502', async () => {
    handler = (_req, res) => {
      sse(res);
      res.end(created + inProgress + itemAdded);
    };
    const error = await failure(provider.stream(call()));
    expect(error).toMatchObject({ status: 502, code: 'upstream_error' });
    expect((error as FlexError).message).toContain('ended early');
  });

  it('fails on a connection lost mid-stream', async () => {
    handler = (_req, res) => {
      sse(res);
      res.write(created + inProgress);
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const error = await failure(provider.stream(call()));
    expect(error).toMatchObject({ status: 502, code: 'upstream_error' });
  });

  it('fails on a malformed event', async () => {
    handler = (_req, res) => {
      sse(res);
      res.end(`${created}data: {"type":"response.output_text.delta",\n\n`);
    };
    expect(await failure(provider.stream(call()))).toMatchObject({ status: 502, message: expect.stringContaining('OpenAI sent a malformed stream event') as string });
  });

  it('reports an unreachable upstream as upstream_unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = createOpenAIProvider({ baseUrl: `http://127.0.0.1:${port}/v1/` });
    const error = await failure(unreachable.stream(call()));
    await unreachable.close();
    expect(error).toBeInstanceOf(FlexError);
    expect(error).toMatchObject({ code: 'upstream_unavailable' });
    expect((error as FlexError).message).toContain('ECONNREFUSED');
    expect((error as FlexError).message).not.toContain('sk-test');
  });

  it('rethrows the abort reason and closes the upstream connection mid-stream', async () => {
    const socketClosed = new Promise<void>((resolve) => {
      handler = (req, res) => {
        req.socket.on('close', () => resolve());
        sse(res);
        res.write(created + inProgress + itemAdded);
      };
    });
    const controller = new AbortController();
    const reason = new Error('race lost');
    const seen: string[] = [];
    const error = await failure(
      (async function* () {
        for await (const event of provider.stream(call({ signal: controller.signal }))) {
          seen.push(event.type);
          if (event.type === 'item.added') controller.abort(reason);
          yield event;
        }
      })(),
    );
    expect(error).toBe(reason);
    expect(seen).toEqual(['response.created', 'admitted', 'item.added']);
    await socketClosed;
  });

  it('rethrows the abort reason while waiting for headers', async () => {
    const socketClosed = new Promise<void>((resolve) => {
      handler = (req) => {
        req.socket.on('close', () => resolve());
      };
    });
    const controller = new AbortController();
    const iterator = provider.stream(call({ signal: controller.signal }))[Symbol.asyncIterator]();
    const next = iterator.next();
    setTimeout(() => controller.abort(), 50);
    await expect(next).rejects.toMatchObject({ name: 'AbortError' });
    await socketClosed;
  });

  it('closes the upstream connection when the consumer stops early', async () => {
    const socketClosed = new Promise<void>((resolve) => {
      handler = (req, res) => {
        req.socket.on('close', () => resolve());
        sse(res);
        res.write(created + inProgress + itemAdded);
      };
    });
    for await (const event of provider.stream(call())) {
      if (event.type === 'admitted') break;
    }
    await socketClosed;
  });
});
