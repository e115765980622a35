import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalStreamEvent } from '../canonical/types.js';
import { FlexError, upstreamError } from '../errors/catalog.js';
import {
  createUpstreamProvider,
  createUpstreamTransport,
  type UpstreamCall,
  type UpstreamParser,
  type UpstreamTransport,
} from './upstream-stream.js';

// ---------------------------------------------------------------------------------------------
// The transport against a loopback upstream.

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let url: string;
let handler: Handler = (_req, res) => res.end();
let connections = 0;
let closedConnections = 0;
let transport: UpstreamTransport;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  server.on('connection', (socket) => {
    connections++;
    socket.on('close', () => closedConnections++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stream`;
  transport = createUpstreamTransport();
});

afterEach(() => {
  handler = (_req, res) => res.end();
});

afterAll(async () => {
  await transport.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A parser that emits one text delta per payload and is done at `{"type":"end"}`; `{"type":"fail"}` throws. */
function testParser(): UpstreamParser {
  let done = false;
  return {
    push({ data }) {
      if (data.type === 'fail') throw upstreamError({ provider: 'openai', status: 500, message: 'in-stream failure' });
      if (data.type === 'end') {
        done = true;
        return [{ type: 'response.completed', response: { id: 'r', model: 'm', createdAt: 0, status: 'completed', finishReason: { type: 'stop' }, output: [], usage: { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 }, servedTier: 'standard', provider: 'openai' } }];
      }
      return [{ type: 'text.delta', outputIndex: 0, contentIndex: 0, delta: String(data.n) }];
    },
    get done() {
      return done;
    },
  };
}

function call(overrides: Partial<UpstreamCall> = {}): UpstreamCall {
  return {
    provider: 'openai',
    url,
    headers: { 'content-type': 'application/json' },
    body: '{}',
    signal: new AbortController().signal,
    parser: testParser(),
    httpError: (status, text) => upstreamError({ provider: 'openai', status, message: `http ${status}: ${text}` }),
    ...overrides,
  };
}

async function collect(events: AsyncIterable<CanonicalStreamEvent>): Promise<CanonicalStreamEvent[]> {
  const out: CanonicalStreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

async function failure(events: AsyncIterable<CanonicalStreamEvent>, seen: CanonicalStreamEvent[] = []): Promise<FlexError> {
  try {
    for await (const event of events) seen.push(event);
  } catch (error) {
    if (error instanceof FlexError) return error;
    throw error;
  }
  throw new Error('expected the stream to fail');
}

function sse(res: ServerResponse, ...frames: string[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const frame of frames) res.write(frame);
}

/** The upstream answers 200 with these SSE frames and ends the body. */
function answerWith(...frames: string[]): void {
  handler = (_req, res) => {
    sse(res, ...frames);
    res.end();
  };
}

describe('createUpstreamTransport', () => {
  it('delivers the events before an in-stream failure in the same chunk, then the failure', async () => {
    answerWith('data: {"n":1}\n\ndata: {"n":2}\n\ndata: {"type":"fail"}\n\ndata: {"n":3}\n\n');
    const seen: CanonicalStreamEvent[] = [];
    const error = await failure(transport.stream(call()), seen);
    expect(seen.map((e) => (e.type === 'text.delta' ? e.delta : e.type))).toEqual(['1', '2']);
    expect(error.message).toBe('in-stream failure');
  });

  it('fails a body that ends before the final event as upstream_error 502 "ended early"', async () => {
    answerWith('data: {"n":1}\n\n');
    const error = await failure(transport.stream(call({ provider: 'gemini' })));
    expect(error).toMatchObject({ code: 'upstream_error', status: 502, upstream: { provider: 'gemini' } });
    expect(error.message).toContain('The Gemini stream ended early');
  });

  it('fails on a malformed payload, naming the provider', async () => {
    answerWith('data: {"n":\n\n');
    const error = await failure(transport.stream(call({ provider: 'anthropic' })));
    expect(error).toMatchObject({ status: 502 });
    expect(error.message).toContain('Anthropic sent a malformed stream event');
  });

  it('reports a connection lost mid-stream as upstream_error 502, not as a capacity refusal', async () => {
    handler = (_req, res) => {
      sse(res, 'data: {"n":1}\n\n');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const error = await failure(transport.stream(call()));
    expect(error).toMatchObject({ code: 'upstream_error', status: 502 });
    expect(error.message).toContain('connection lost');
  });

  it('keeps the provider reading of an HTTP error answer', async () => {
    handler = (_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end('{"error":"busy"}');
    };
    const error = await failure(transport.stream(call()));
    expect(error).toMatchObject({ status: 429, message: 'http 429: {"error":"busy"}' });
  });

  it("hands the provider the wait its Retry-After asked for (a refusal retried inside the flex budget honours it)", async () => {
    handler = (_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' });
      res.end('{"error":"busy"}');
    };
    const waits: (number | undefined)[] = [];
    await failure(
      transport.stream(
        call({
          httpError: (status, text, retryAfterMs) => {
            waits.push(retryAfterMs);
            return upstreamError({ provider: 'openai', status, message: text });
          },
        }),
      ),
    );
    expect(waits).toEqual([2_000]);
  });

  it("a provider over it converts when the call is made: the stream carries the conversion's warnings, and a refused request fails the iterator, not stream()", async () => {
    answerWith('data: {"type":"end"}\n\n');
    const warning = { code: 'sampling_dropped', field: 'temperature', message: 'not sent' } as const;
    const { provider: _name, signal: _signal, ...request } = call();
    const provider = createUpstreamProvider('openai', transport, () => ({ ...request, warnings: [warning] }));
    const signal = new AbortController().signal;
    const served = provider.stream({ request: { model: 'm', input: [] }, tier: 'flex', apiKey: 'k', signal });
    expect(served.warnings).toEqual([warning]);
    expect((await collect(served)).map((e) => e.type)).toEqual(['response.completed']);

    const refusal = new FlexError('invalid_parameter', { detail: 'refused' });
    const refusing = createUpstreamProvider('openai', transport, () => {
      throw refusal;
    });
    const refused = refusing.stream({ request: { model: 'm', input: [] }, tier: 'flex', apiKey: 'k', signal });
    expect(refused.warnings).toEqual([]);
    await expect(refused[Symbol.asyncIterator]().next()).rejects.toBe(refusal);
  });

  it('hands a complete answer back to the pool even after more than 64 KiB, when a terminator follows', async () => {
    const big = 'x'.repeat(2_000);
    const frames = Array.from({ length: 50 }, (_, n) => `data: {"n":${n},"pad":"${big}"}\n\n`);
    handler = (_req, res) => {
      sse(res, ...frames, 'data: {"type":"end"}\n\n');
      setTimeout(() => res.end('data: [DONE]\n\n'), 20);
    };
    await collect(transport.stream(call()));
    await delay(60);
    const [opened, closed] = [connections, closedConnections];
    // A consumer that stops at the final event must not cost the connection either.
    for await (const event of transport.stream(call())) {
      if (event.type === 'response.completed') break;
    }
    await delay(60);
    await collect(transport.stream(call()));
    await delay(60);
    expect(closedConnections).toBe(closed);
    expect(connections).toBe(opened);
  });

  it('closes the connection of an answer the consumer leaves unfinished', async () => {
    const socketClosed = new Promise<void>((resolve) => {
      handler = (req, res) => {
        req.socket.once('close', () => resolve());
        sse(res, 'data: {"n":1}\n\n');
      };
    });
    for await (const event of transport.stream(call())) {
      if (event.type === 'text.delta') break;
    }
    await socketClosed;
  });

  it('rethrows the abort reason, mid-stream and while waiting for headers', async () => {
    handler = (_req, res) => sse(res, 'data: {"n":1}\n\n');
    const controller = new AbortController();
    const reason = new Error('race lost');
    const mid = transport.stream(call({ signal: controller.signal }));
    await mid.next();
    controller.abort(reason);
    await expect(mid.next()).rejects.toBe(reason);

    handler = () => undefined;
    const early = new AbortController();
    const waiting = transport.stream(call({ signal: early.signal })).next();
    setTimeout(() => early.abort(reason), 20);
    await expect(waiting).rejects.toBe(reason);
  });

  it('applies its timeouts: no headers in time, or no event for the idle time → upstream_timeout', async () => {
    const quick = createUpstreamTransport({ timeouts: { headersMs: 100, idleMs: 150 } });
    try {
      handler = () => undefined;
      const headers = await failure(quick.stream(call()));
      expect(headers).toMatchObject({ code: 'upstream_timeout', status: 504 });
      expect(headers.message).toContain('did not answer in time');

      handler = (_req, res) => sse(res, 'data: {"n":1}\n\n');
      const seen: CanonicalStreamEvent[] = [];
      const idle = await failure(quick.stream(call()), seen);
      expect(seen).toHaveLength(1);
      expect(idle).toMatchObject({ code: 'upstream_timeout', status: 504 });
      expect(idle.message).toContain('sent no event for 150 ms');
    } finally {
      server.closeAllConnections();
      await quick.close();
    }
  });

  it('counts a trickle of bytes that never completes an event as silence', async () => {
    const quick = createUpstreamTransport({ timeouts: { headersMs: 1_000, idleMs: 200 } });
    let timer: NodeJS.Timeout | undefined;
    try {
      handler = (_req, res) => {
        sse(res, 'data: {"n":1}\n\n', 'data: {"n":');
        timer = setInterval(() => res.write('9'), 20);
        res.on('close', () => clearInterval(timer));
      };
      const started = performance.now();
      const error = await failure(quick.stream(call()));
      expect(error).toMatchObject({ code: 'upstream_timeout', status: 504 });
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      clearInterval(timer);
      server.closeAllConnections();
      await quick.close();
    }
  });

  it('counts keep-alives and comments as signs of life, and a slow consumer is not upstream silence', async () => {
    const quick = createUpstreamTransport({ timeouts: { headersMs: 1_000, idleMs: 200 } });
    try {
      handler = (_req, res) => {
        sse(res, 'data: {"n":1}\n\n');
        // 600 ms without content, but a ping or comment every 100 ms, then the end.
        const beats = ['event: ping\ndata: {"type":"ping"}\n\n', ': keep-alive\n\n', 'data: {"type":"keepalive"}\n\n'];
        let i = 0;
        const timer = setInterval(() => {
          if (i === 6) {
            clearInterval(timer);
            res.end('data: {"n":2}\n\ndata: {"type":"end"}\n\n');
            return;
          }
          res.write(beats[i++ % beats.length]);
        }, 100);
      };
      const events: CanonicalStreamEvent[] = [];
      for await (const event of quick.stream(call())) {
        events.push(event);
        // The consumer takes longer than the idle time over the first event.
        if (events.length === 1) await delay(400);
      }
      expect(events.map((e) => e.type)).toEqual(['text.delta', 'text.delta', 'response.completed']);
    } finally {
      server.closeAllConnections();
      await quick.close();
    }
  });

  it('reads a whole answer as the one event the parser ends with, and keeps the connection', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"done"}');
    };
    const wholeAnswer = (answer: Record<string, unknown>) => ({ data: { type: 'end', answer }, event: undefined });
    expect((await collect(transport.stream(call({ wholeAnswer })))).map((e) => e.type)).toEqual(['response.completed']);
    await delay(60);
    const before = { connections, closedConnections };
    expect((await collect(transport.stream(call({ wholeAnswer })))).map((e) => e.type)).toEqual(['response.completed']);
    await delay(60);
    expect((await collect(transport.stream(call({ wholeAnswer })))).map((e) => e.type)).toEqual(['response.completed']);
    await delay(60);
    expect({ connections, closedConnections }).toEqual(before);

    handler = (_req, res) => res.end('{"status":');
    expect((await failure(transport.stream(call({ wholeAnswer })))).message).toContain('sent a malformed answer');
    handler = (_req, res) => res.end('{"status":"partial"}');
    const early = await failure(transport.stream(call({ wholeAnswer: (answer) => ({ data: { n: 1, answer }, event: undefined }) })));
    expect(early.message).toContain('ended early');
  });

  it('gives a whole answer the headers timeout for its generation and the idle time for its body', async () => {
    const quick = createUpstreamTransport({ timeouts: { headersMs: 1_000, idleMs: 200 } });
    const wholeAnswer = (answer: Record<string, unknown>) => ({ data: { type: 'end', answer }, event: undefined });
    let timer: NodeJS.Timeout | undefined;
    try {
      expect(quick.takesWhole(250)).toBe(true);
      expect(quick.takesWhole(251)).toBe(false);
      handler = (_req, res) => {
        // A body that never completes, one byte at a time: silence, as in a stream.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"n":');
        timer = setInterval(() => res.write(' '), 20);
        res.on('close', () => clearInterval(timer));
      };
      const started = performance.now();
      const error = await failure(quick.stream(call({ wholeAnswer })));
      expect(error).toMatchObject({ code: 'upstream_timeout', status: 504 });
      expect(error.message).toContain('sent no event for 200 ms');
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      clearInterval(timer);
      server.closeAllConnections();
      await quick.close();
    }
  });

  it('reports an unreachable upstream as upstream_unavailable with the code and origin, no key', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(transport.stream(call({ url: `http://127.0.0.1:${port}/x`, headers: { authorization: 'Bearer sk-secret-0123456789' } })));
    expect(error).toMatchObject({ code: 'upstream_unavailable', status: 503 });
    expect(error.message).toContain(`Could not reach OpenAI at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(error.message).not.toContain('sk-secret');
  });
});
