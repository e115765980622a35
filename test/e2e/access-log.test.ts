// The access log and the metrics through the real server: one `info` line per request whatever its
// fate, the same numbers as its ledger row, no secrets; /metrics values move with real traffic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import pino from 'pino';
import type { UsageRow } from '../../src/store/store.js';
import type { Harness } from './harness.js';
import { learnStandardFinish, post, startHarness } from './harness.js';

type Line = Record<string, unknown>;
const lines: Line[] = [];
const raw: string[] = [];
const log = pino(
  { level: 'info' },
  {
    write(chunk: string) {
      raw.push(chunk);
      lines.push(JSON.parse(chunk) as Line);
    },
  },
);

let h: Harness;
let client: OpenAI;
beforeAll(async () => {
  h = await startHarness({ gateway: { log } });
  await learnStandardFinish(h, 'gpt-5-mini');
  await learnStandardFinish(h, 'gpt-5-nano');
  client = new OpenAI({ apiKey: h.key, baseURL: `${h.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await h.close();
});

/** The access lines of one request, once its line was written (it follows the response closing). */
async function accessLines(requestId: string | null): Promise<Line[]> {
  expect(requestId).toMatch(/^req_/);
  const deadline = Date.now() + 2_000;
  for (;;) {
    const found = lines.filter((l) => l.requestId === requestId && l.msg === 'request');
    if (found.length > 0 || Date.now() > deadline) {
      await new Promise((r) => setTimeout(r, 50)); // a second line would have arrived by now
      return lines.filter((l) => l.requestId === requestId && l.msg === 'request');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function rowFor(requestId: string | null): Promise<UsageRow> {
  await h.gateway.deps.ledger.flush();
  const row = (await h.gateway.deps.store.queryUsage({})).find((r) => r.requestId === requestId);
  if (!row) throw new Error(`no ledger row for ${requestId}`);
  return row;
}

const responses = (input: string, startWithin: string) =>
  client.responses
    .create({ model: 'gpt-5-mini', input, start_within: startWithin } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming)
    .withResponse();

describe('access log', () => {
  it('one info line for a flex-served request, with the ledger row’s numbers and no key or prompt text', async () => {
    const prompt = 'the-prompt-text-4b1d9 must never be logged';
    const { response } = await responses(prompt, '00h-00m-30s');
    const id = response.headers.get('x-request-id');
    const found = await accessLines(id);
    expect(found).toHaveLength(1);
    const line = found[0]!;
    const row = await rowFor(id);
    expect(line).toMatchObject({
      level: 30,
      method: 'POST',
      path: '/v1/responses',
      status: 200,
      orgId: row.orgId,
      keyId: row.keyId,
      surface: 'responses',
      provider: 'openai',
      model: 'gpt-5-mini',
      startWithin: '00h-00m-30s',
      route: 'flex_admitted',
      servedTier: 'flex',
      errorCode: null,
      inputTokens: row.inputTokens,
      cachedTokens: row.cachedTokens,
      outputTokens: row.outputTokens,
      reasoningTokens: row.reasoningTokens,
    });
    expect(row.admissionMs).not.toBeNull();
    expect(line.admissionMs).toBeCloseTo(row.admissionMs!, 0);
    expect(line.firstByteMs).toBeCloseTo(row.firstByteMs!, 0);
    expect(line.durationMs).toBeCloseTo(row.durationMs!, 0);
    expect(row.outputTokens).toBeGreaterThan(0);
    const everything = raw.join('');
    expect(everything).not.toContain('the-prompt-text-4b1d9');
    expect(everything).not.toContain(h.key);
    expect(everything).not.toContain(h.key.slice(10, 34)); // not even the key's secret part alone
  });

  it('a fallback says so; a streamed answer is logged once, after it ended', async () => {
    const { response } = await responses('busy [emulate:flex_refuse]', '00h-00m-05s');
    const [fallback] = await accessLines(response.headers.get('x-request-id'));
    expect(fallback).toMatchObject({ status: 200, route: 'flex_unavailable', servedTier: 'standard' });

    const stream = await client.chat.completions
      .create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hello' }], stream: true, start_within: 'default' } as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming)
      .withResponse();
    for await (const chunk of stream.data) void chunk;
    const found = await accessLines(stream.response.headers.get('x-request-id'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ surface: 'chat', provider: 'gemini', model: 'gemini-2.5-flash', route: 'direct', servedTier: 'standard', status: 200 });
    expect(found[0]!.firstByteMs).toEqual(expect.any(Number));
    expect(found[0]!.outputTokens).toBeGreaterThan(0);
  });

  it('requests refused before routing are logged with their error code: bad key, bad start_within, unknown path', async () => {
    const badKey = await post(`${h.url}/v1/responses`, JSON.stringify({ model: 'gpt-5-mini', input: 'x', start_within: 'default' }), {
      authorization: 'Bearer flex_live_000000000000000000000000000000',
    });
    const [auth] = await accessLines(badKey.headers.get('x-request-id'));
    expect(auth).toMatchObject({ status: 401, path: '/v1/responses', surface: 'responses', errorCode: 'invalid_api_key' });
    expect(auth).not.toHaveProperty('orgId');

    const badWindow = await post(`${h.url}/v1/messages`, JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [], start_within: 'soon' }), {
      authorization: `Bearer ${h.key}`,
    });
    const [window] = await accessLines(badWindow.headers.get('x-request-id'));
    expect(window).toMatchObject({ status: 400, surface: 'messages', provider: 'anthropic', model: 'claude-sonnet-4-5', errorCode: 'invalid_start_within' });
    expect(window).not.toHaveProperty('route');

    const missing = await fetch(`${h.url}/v1/nothing-here`);
    const [notFound] = await accessLines(missing.headers.get('x-request-id'));
    expect(notFound).toMatchObject({ status: 404, method: 'GET', path: 'other', errorCode: 'not_found' });
  });

  it('a client that leaves mid-request is logged as such (499), with its ledger row’s outcome', async () => {
    const controller = new AbortController();
    const waitForRequest = async (): Promise<void> => {
      const n = h.emulator.requests.length;
      while (h.emulator.requests.length === n) await new Promise((r) => setTimeout(r, 10));
    };
    const aborted = fetch(`${h.url}/v1/responses`, {
      method: 'POST',
      signal: controller.signal,
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5-mini', input: 'leave [emulate:delay=3000]', start_within: 'default' }),
    }).catch(() => undefined);
    await waitForRequest();
    controller.abort();
    await aborted;
    const deadline = Date.now() + 2_000;
    let line: Line | undefined;
    while (!line && Date.now() < deadline) {
      line = lines.find((l) => l.msg === 'request' && l.status === 499);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(line).toMatchObject({ status: 499, errorCode: 'client_disconnected', route: 'direct', servedTier: null });
  });
});

/** The value of one sample of /metrics, 0 when absent. */
async function sample(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${h.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`) || (labels === '' && l.startsWith(`${name} `)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('metrics after real traffic', () => {
  it('duration and first-byte histograms by surface, provider, model and route; attempts by outcome', async () => {
    // A model no other test used, so its first request races flex (nothing learned says skip it).
    const served = 'surface="responses",provider="openai",model="gpt-5-nano",route="flex_unavailable"';
    const refusedLabels = 'provider="openai",model="gpt-5-nano",tier="flex",outcome="refused"';
    const completedLabels = 'provider="openai",model="gpt-5-nano",tier="standard",outcome="completed"';
    const before = {
      duration: await sample('flexinference_request_duration_seconds_count', served),
      durationSum: await sample('flexinference_request_duration_seconds_sum', served),
      ttfb: await sample('flexinference_time_to_first_byte_seconds_count', served),
      refused: await sample('flexinference_upstream_attempts_total', refusedLabels),
      completed: await sample('flexinference_upstream_attempts_total', completedLabels),
    };
    const sent = h.emulator.requests.length;
    const { response } = await client.responses
      .create({ model: 'gpt-5-nano', input: 'busy [emulate:flex_refuse]', start_within: '00h-00m-05s' } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming)
      .withResponse();
    expect(response.headers.get('x-flexinference-route')).toBe('flex_unavailable');
    const flexTries = h.emulator.requests.slice(sent).filter((r) => r.tier === 'flex').length;
    expect(flexTries).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 50)); // the request is counted once its response closed
    expect(await sample('flexinference_request_duration_seconds_count', served)).toBe(before.duration + 1);
    expect(await sample('flexinference_request_duration_seconds_sum', served)).toBeGreaterThan(before.durationSum);
    expect(await sample('flexinference_time_to_first_byte_seconds_count', served)).toBe(before.ttfb + 1);
    expect(await sample('flexinference_upstream_attempts_total', refusedLabels)).toBe(before.refused + flexTries);
    expect(await sample('flexinference_upstream_attempts_total', completedLabels)).toBe(before.completed + 1);
  });

  it('in-flight requests and open streams are seen while they run, and fall back after', async () => {
    h.emulator.configure({ capacity: [{ provider: 'openai', tier: 'standard', set: { tokensPerSecond: 100 } }] });
    try {
      const stream = await client.responses.create({
        model: 'gpt-5-mini',
        input: 'a slow stream',
        stream: true,
        start_within: 'default',
      } as unknown as OpenAI.Responses.ResponseCreateParamsStreaming);
      const it = stream[Symbol.asyncIterator]();
      await it.next(); // the stream is open
      expect(await sample('flexinference_open_streams', '')).toBeGreaterThanOrEqual(1);
      // The scrape itself is in flight too, so at least the stream and the scrape.
      expect(await sample('flexinference_http_requests_in_flight', '')).toBeGreaterThanOrEqual(2);
      for (let r = await it.next(); !r.done; r = await it.next());
    } finally {
      h.emulator.configure({ capacity: [] });
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(await sample('flexinference_open_streams', '')).toBe(0);
    expect(await sample('flexinference_http_requests_in_flight', '')).toBe(1); // this scrape
  });

  it('ledger queue depth and journal size are exported and grow while the store refuses commits', async () => {
    const { ledger, store } = h.gateway.deps;
    await ledger.flush();
    const header = await sample('flexinference_ledger_journal_bytes', '');
    expect(header).toBeGreaterThan(0); // the journal's header line
    expect(await sample('flexinference_ledger_queue_depth', '')).toBe(0);
    const upsert = store.upsertUsage.bind(store);
    store.upsertUsage = () => Promise.reject(new Error('database unavailable'));
    try {
      await responses('one', 'default');
      await responses('two', 'default');
      await new Promise((r) => setTimeout(r, 50)); // past a group commit (which failed)
      expect(await sample('flexinference_ledger_queue_depth', '')).toBe(2);
      expect(await sample('flexinference_ledger_journal_bytes', '')).toBeGreaterThan(header);
    } finally {
      store.upsertUsage = upsert;
    }
    await ledger.flush();
    expect(await sample('flexinference_ledger_queue_depth', '')).toBe(0);
    expect(await sample('flexinference_ledger_journal_bytes', '')).toBe(header);
  });
});
