// The flex race against the scripted emulator, driven through the real server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { Harness } from './harness.js';
import { learnStandardFinish, startHarness } from './harness.js';

let h: Harness;
let client: OpenAI;
beforeAll(async () => {
  h = await startHarness();
  await learnStandardFinish(h, 'gpt-5-mini');
  client = new OpenAI({ apiKey: h.key, baseURL: `${h.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  h.emulator.configure({ capacity: [] });
});

const body = (input: string, extra: Record<string, unknown> = {}) =>
  ({ model: 'gpt-5-mini', input, start_within: '00h-00m-05s', ...extra }) as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming;

function tiersSent(since: number): string[] {
  return h.emulator.requests.slice(since).map((r) => r.tier);
}

describe('flex race end to end', () => {
  it('admitted in time → served by flex', async () => {
    const n = h.emulator.requests.length;
    const { data, response } = await client.responses.create(body('hello')).withResponse();
    expect(data.service_tier).toBe('flex');
    expect(response.headers.get('x-flexinference-route')).toBe('flex_admitted');
    expect(tiersSent(n)).toEqual(['flex']);
  });

  it('flex not admitted within the budget → standard, and the flex attempt is aborted', async () => {
    const n = h.emulator.requests.length;
    const started = Date.now();
    const { data, response } = await client.responses.create(body('slow one [emulate:flex_delay=60000]')).withResponse();
    const elapsed = Date.now() - started;
    expect(data.service_tier).toBe('default');
    expect(response.headers.get('x-flexinference-route')).toBe('flex_timeout');
    expect(response.headers.get('x-flexinference-tier')).toBe('standard');
    expect(tiersSent(n)).toEqual(['flex', 'default']);
    // Deadline honesty: flex got the window minus the standard reserve, so the answer starts within W.
    expect(elapsed).toBeLessThan(5_000);
    await expect.poll(() => h.emulator.requests[n]?.outcome).toBe('aborted');
  });

  it('flex 429 resource_unavailable → retried on flex inside the budget, then standard', async () => {
    const n = h.emulator.requests.length;
    const started = Date.now();
    const { data, response } = await client.responses.create(body('busy [emulate:flex_refuse]')).withResponse();
    expect(data.service_tier).toBe('default');
    expect(response.headers.get('x-flexinference-route')).toBe('flex_unavailable');
    const tiers = tiersSent(n);
    expect(tiers.length).toBeGreaterThan(2);
    expect(tiers.slice(0, -1).every((t) => t === 'flex')).toBe(true);
    expect(tiers.at(-1)).toBe('default');
    expect(h.emulator.requests.slice(n, -1).every((r) => r.outcome === 'refused')).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000); // never past the flex budget
  });

  it('failure after commit, non-stream → re-run on standard', async () => {
    h.emulator.configure({ capacity: [{ provider: 'openai', tier: 'flex', set: { midstreamFailureRate: 1 } }] });
    const n = h.emulator.requests.length;
    const { data, response } = await client.responses.create(body('hello')).withResponse();
    expect(data.status).toBe('completed');
    expect(data.service_tier).toBe('default');
    expect(response.headers.get('x-flexinference-route')).toBe('flex_failed_after_admission');
    expect(tiersSent(n)).toEqual(['flex', 'default']);
  });

  it('failure after commit, stream → an in-stream error event the SDK raises', async () => {
    h.emulator.configure({ capacity: [{ provider: 'openai', tier: 'flex', set: { midstreamFailureRate: 1 } }] });
    const stream = await client.responses.create({ ...body('hello'), stream: true });
    const types: string[] = [];
    await expect(
      (async () => {
        for await (const event of stream) types.push(event.type);
      })(),
    ).rejects.toThrow();
    expect(types[0]).toBe('response.created');
    expect(types).not.toContain('response.completed');
  });

  it('client disconnect aborts the upstream attempt and starts no fallback', async () => {
    const n = h.emulator.requests.length;
    const controller = new AbortController();
    const pending = client.responses.create(body('wait [emulate:flex_delay=60000]'), { signal: controller.signal });
    await expect.poll(() => h.emulator.requests.length).toBeGreaterThan(n);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await expect.poll(() => h.emulator.requests[n]?.outcome).toBe('aborted');
    await new Promise((r) => setTimeout(r, 3_500));
    expect(tiersSent(n)).toEqual(['flex']);
  });
});

describe('before any standard finish time is known', () => {
  it('a non-streamed 5 s window goes straight to standard until eight answers are learned; a stream races from the start', async () => {
    const fresh = await startHarness({ gateway: { random: () => 0.99 } });
    try {
      const c = new OpenAI({ apiKey: fresh.key, baseURL: `${fresh.url}/v1`, maxRetries: 0 });
      // The cautious default finish (p99.9 6 s) does not fit 5 s, and nothing says flex is admitted.
      const first = await c.responses.create(body('first')).withResponse();
      expect(first.response.headers.get('x-flexinference-route')).toBe('flex_skipped_predicted_miss');
      expect(first.data.service_tier).toBe('default');
      // A stream's reserve is standard's start (3 s before data), so it races.
      const streamed = await c.responses.create({ ...body('streamed'), stream: true }).withResponse();
      for await (const event of streamed.data) void event;
      expect(streamed.response.headers.get('x-flexinference-route')).toBe('flex_admitted');
      await learnStandardFinish(fresh, 'gpt-5-mini');
      const learned = await c.responses.create(body('learned')).withResponse();
      expect(learned.response.headers.get('x-flexinference-route')).toBe('flex_admitted');
      expect(learned.data.service_tier).toBe('flex');
    } finally {
      await fresh.close();
    }
  });
});
