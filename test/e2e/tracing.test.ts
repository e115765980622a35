// OpenTelemetry traces end to end: the real gateway exports to an OTLP/HTTP receiver on a loopback
// port, in both OTLP encodings; each request's spans tell its flex race, under the caller's trace.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import OpenAI from 'openai';
import type { Harness } from './harness.js';
import { learnStandardFinish, startHarness } from './harness.js';
import type { CollectedSpan, Receiver } from './otlp-receiver.js';
import { startReceiver } from './otlp-receiver.js';

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

describe.each(['http/json', 'http/protobuf'])('traces over OTLP %s', (protocol) => {
  let receiver: Receiver;
  let h: Harness;
  let client: OpenAI;
  beforeAll(async () => {
    receiver = await startReceiver();
    // The standard variables, read by the gateway (and the OpenTelemetry SDK) at start.
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', receiver.url);
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', protocol);
    vi.stubEnv('OTEL_SERVICE_NAME', 'flexinference-under-test');
    try {
      h = await startHarness();
    } finally {
      vi.unstubAllEnvs();
    }
    await learnStandardFinish(h, 'gpt-5-mini');
    await learnStandardFinish(h, 'gpt-5-nano');
    client = new OpenAI({ apiKey: h.key, baseURL: `${h.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  /** The request's server span and its children, once exported. */
  async function trace(requestId: string | null): Promise<{ server: CollectedSpan; attempts: CollectedSpan[] }> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      await h.gateway.deps.tracing!.flush();
      const server = receiver.spans.find((s) => s.attributes['flexinference.request_id'] === requestId);
      if (server) return { server, attempts: receiver.spans.filter((s) => s.parentSpanId === server.spanId) };
      if (Date.now() > deadline) throw new Error(`no span for ${requestId}; received ${receiver.spans.length} spans`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('a fallback after flex refusals: server span under the caller’s traceparent, each refused flex attempt, then standard', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    const sent = h.emulator.requests.length;
    const { data, response } = await client.responses
      .create({ model: 'gpt-5-mini', input: 'busy [emulate:flex_refuse]', start_within: '00h-00m-05s' } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming, {
        headers: { traceparent: `00-${traceId}-${parentId}-01` },
      })
      .withResponse();
    const { server, attempts } = await trace(response.headers.get('x-request-id'));

    expect(server).toMatchObject({ traceId, parentSpanId: parentId, kind: SERVER, name: 'POST /v1/responses' });
    expect(server.resource['service.name']).toBe('flexinference-under-test');
    expect(server.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/responses',
      'http.response.status_code': 200,
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-5-mini',
      'gen_ai.usage.input_tokens': data.usage!.input_tokens,
      'gen_ai.usage.output_tokens': data.usage!.output_tokens,
      'flexinference.route': 'flex_unavailable',
      'flexinference.served_tier': 'standard',
      'flexinference.start_within': '00h-00m-05s',
    });
    expect(server.attributes['gen_ai.response.model']).toEqual(expect.any(String));

    // Refusals are retried on flex while the budget allows, then standard serves.
    const tiers = attempts.map((a) => a.attributes['flexinference.tier']);
    expect(tiers.length).toBeGreaterThanOrEqual(2);
    expect(tiers).toEqual([...tiers.slice(0, -1).map(() => 'flex'), 'standard']);
    const flexAttempts = attempts.slice(0, -1);
    const standard = attempts.at(-1)!;
    for (const a of attempts) {
      expect(a).toMatchObject({ traceId, kind: CLIENT, name: 'chat gpt-5-mini' });
      expect(a.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-5-mini' });
    }
    for (const flex of flexAttempts) {
      expect(flex.attributes).toMatchObject({ 'flexinference.attempt.outcome': 'refused', 'http.response.status_code': 429 });
      expect(flex.attributes['error.type']).toEqual(expect.any(String));
      expect(flex.statusCode).toBe(ERROR);
      expect(flex.events).not.toContain('admitted');
    }
    expect(standard.attributes).toMatchObject({
      'flexinference.attempt.outcome': 'completed',
      'flexinference.attempt.admitted': true,
      'gen_ai.usage.output_tokens': data.usage!.output_tokens,
    });
    expect(standard.events).toContain('admitted');
    expect(standard.statusCode).not.toBe(ERROR);

    // Each upstream call carried its own attempt's span as the W3C traceparent.
    const upstream = h.emulator.requests.slice(sent);
    expect(upstream.map((r) => r.headers.traceparent)).toEqual(attempts.map((a) => `00-${traceId}-${a.spanId}-01`));
  });

  it('flex not admitted within its budget: the flex attempt times out, standard serves', async () => {
    const { response } = await client.responses
      .create({ model: 'gpt-5-nano', input: 'slow [emulate:flex_delay=60000]', start_within: '00h-00m-05s' } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming)
      .withResponse();
    const { server, attempts } = await trace(response.headers.get('x-request-id'));
    expect(server.parentSpanId).toBe(''); // no traceparent sent: a new trace
    expect(server.attributes).toMatchObject({ 'flexinference.route': 'flex_timeout', 'flexinference.served_tier': 'standard' });
    expect(attempts.map((a) => [a.attributes['flexinference.tier'], a.attributes['flexinference.attempt.outcome']])).toEqual([
      ['flex', 'timeout'],
      ['standard', 'completed'],
    ]);
    expect(attempts[0]!.statusCode).toBe(ERROR);
  });

  it('a streamed flex-admitted answer: one attempt, admitted, completed with its usage', async () => {
    const stream = await client.chat.completions
      .create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hello' }], stream: true, stream_options: { include_usage: true }, start_within: '00h-00m-30s' } as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming)
      .withResponse();
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream.data) usage = chunk.usage ?? usage;
    const { server, attempts } = await trace(stream.response.headers.get('x-request-id'));
    expect(server.attributes).toMatchObject({
      'flexinference.surface': 'chat',
      'flexinference.route': 'flex_admitted',
      'flexinference.served_tier': 'flex',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.operation.name': 'generate_content',
    });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.attributes).toMatchObject({ 'flexinference.tier': 'flex', 'flexinference.attempt.outcome': 'completed', 'gen_ai.usage.output_tokens': usage!.completion_tokens });
    expect(attempts[0]!.events).toEqual(['admitted']);
  });

  it('requests refused before routing get a server span with their error and no attempt', async () => {
    const res = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [], start_within: '00h-00m-30s' }),
    });
    expect(res.status).toBe(400);
    const { server, attempts } = await trace(res.headers.get('x-request-id'));
    expect(server.attributes).toMatchObject({ 'http.response.status_code': 400, 'error.type': 'flex_unsupported_for_anthropic', 'gen_ai.provider.name': 'anthropic' });
    expect(server.statusCode).not.toBe(ERROR); // a caller's mistake is not a server fault
    expect(attempts).toEqual([]);
  });

  it('was sent in the configured encoding', () => {
    expect(receiver.contentTypes.length).toBeGreaterThan(0);
    const expected = protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
    expect(receiver.contentTypes.every((t) => t.startsWith(expected))).toBe(true);
  });
});

describe('with no OTLP endpoint set', () => {
  let h: Harness;
  beforeAll(async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', '');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', '');
    try {
      h = await startHarness();
    } finally {
      vi.unstubAllEnvs();
    }
  });
  afterAll(async () => {
    await h.close();
  });

  it('loads no tracing and sends no trace context upstream', async () => {
    expect(h.gateway.deps.tracing).toBeUndefined();
    const sent = h.emulator.requests.length;
    const res = await fetch(`${h.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      body: JSON.stringify({ model: 'gpt-5-mini', input: 'hi', start_within: 'default' }),
    });
    expect(res.status).toBe(200);
    expect(h.emulator.requests.slice(sent).map((r) => r.headers.traceparent)).toEqual([undefined]);
  });
});
