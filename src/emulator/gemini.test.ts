import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from './index.js';
import type { RunningEmulator } from './types.js';
import { collapseRuns, fixtureChunks, fixtureJson, jsonOf, keys, parseSse, post, sseData } from './test-support/helpers.js';

const HEADERS = { 'x-goog-api-key': 'AIza-test' };
const WEATHER = {
  type: 'function',
  name: 'getWeather',
  description: 'Get the weather',
  parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
};

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ profile: 'instant', seed: 11 });
});
afterAll(async () => {
  await emu.close();
});

/** Event type refined by step / delta type, for order comparisons. */
function shape(ev: Record<string, unknown>): string {
  const step = ev.step as { type?: string } | undefined;
  const delta = ev.delta as { type?: string } | undefined;
  return [ev.event_type, step?.type, delta?.type].filter(Boolean).join(':');
}

async function stream(body: Record<string, unknown>): Promise<{ events: Record<string, unknown>[]; raw: string }> {
  const res = await post(`${emu.url}/v1beta/interactions`, { stream: true, ...body }, HEADERS);
  expect(res.status).toBe(200);
  const frames = parseSse(res.text);
  expect(frames.at(-1)).toEqual({ event: 'done', data: '[DONE]' });
  for (const f of frames.slice(0, -1)) expect((JSON.parse(f.data) as { event_type: string }).event_type).toBe(f.event);
  return { events: sseData(res.text), raw: res.text };
}

function expectSameFields(events: Record<string, unknown>[], recorded: Record<string, unknown>[]): void {
  const byShape = new Map(recorded.map((e) => [shape(e), e]));
  for (const ev of events) {
    const rec = byShape.get(shape(ev));
    if (!rec) continue;
    expect(keys(ev), shape(ev)).toEqual(keys(rec));
    for (const field of ['step', 'delta', 'interaction'] as const) {
      if (field in ev) expect(keys(ev[field]), `${shape(ev)}.${field}`).toEqual(keys(rec[field]));
    }
    if ('interaction' in ev && 'usage' in (ev.interaction as object)) {
      expect(keys((ev.interaction as { usage: unknown }).usage)).toEqual(keys((rec.interaction as { usage: unknown }).usage));
    }
  }
}

describe('Gemini Interactions stream', () => {
  it('streams thought + text with the recorded steps schema', async () => {
    const rec = fixtureChunks('gemini/basic.chunks.txt');
    const { events } = await stream({ model: 'gemini-2.5-flash', input: 'Hello, how are you?', generation_config: { thinking_level: 'low' } });
    expect(collapseRuns(events.map(shape))).toEqual(collapseRuns(rec.map(shape)));
    expectSameFields(events, rec);
    const done = events.at(-1)?.interaction as { usage: Record<string, number>; service_tier: string; status: string };
    expect(done.status).toBe('completed');
    expect(done.service_tier).toBe('standard');
    expect(done.usage.total_tokens).toBe((done.usage.total_input_tokens ?? 0) + (done.usage.total_output_tokens ?? 0) + (done.usage.total_thought_tokens ?? 0));
    expect(done.usage.total_thought_tokens).toBeGreaterThan(0);
  });

  it('streams a function call and ends with requires_action, like the recorded turn', async () => {
    const rec = fixtureChunks('gemini/tool-call-step1.chunks.txt');
    const { events } = await stream({
      model: 'gemini-2.5-flash',
      input: 'What is the weather in San Francisco? [emulate:tool_call args={"location":"San Francisco"}]',
      tools: [WEATHER],
      generation_config: { thinking_level: 'low' },
    });
    expect(collapseRuns(events.map(shape))).toEqual(collapseRuns(rec.map(shape)));
    expectSameFields(events, rec);
    const args = events.find((e) => shape(e) === 'step.delta:arguments_delta')?.delta as { arguments: string };
    expect(JSON.parse(args.arguments)).toEqual({ location: 'San Francisco' });
    expect((events.at(-1)?.interaction as { status: string }).status).toBe('requires_action');
  });

  it('answers text after a function result', async () => {
    const rec = fixtureChunks('gemini/tool-call-step2.chunks.txt');
    const { events } = await stream({
      model: 'gemini-2.5-flash',
      tools: [WEATHER],
      generation_config: { thinking_level: 'low' },
      input: [
        { type: 'user_input', content: [{ type: 'text', text: 'Weather? [emulate:tool_call]' }] },
        { type: 'function_call', id: 'abc', name: 'getWeather', arguments: { location: 'SF' } },
        { type: 'function_result', call_id: 'abc', name: 'getWeather', result: 'sunny' },
      ],
    });
    expect(collapseRuns(events.map(shape))).toEqual(collapseRuns(rec.map(shape)));
  });

  it('echoes flex as the served tier and streams thought summaries when asked', async () => {
    const { events } = await stream({ model: 'gemini-3-flash-preview', input: 'hi', service_tier: 'flex', generation_config: { thinking_level: 'high', thinking_summaries: 'auto' } });
    expect((events.at(-1)?.interaction as { service_tier: string }).service_tier).toBe('flex');
    expect(events.map(shape)).toContain('step.delta:thought_summary');
  });

  it('fails mid-stream with an error event', async () => {
    const res = await post(`${emu.url}/v1beta/interactions`, { model: 'gemini-2.5-flash', input: 'story [emulate:fail_midstream]', stream: true }, HEADERS);
    const last = parseSse(res.text).at(-1);
    expect(last?.event).toBe('error');
    expect(JSON.parse(last?.data ?? '{}')).toMatchObject({ event_type: 'error', error: { code: 'unavailable' } });
  });
});

describe('Gemini Interactions JSON and errors', () => {
  it('returns the recorded non-stream shape', async () => {
    const rec = fixtureJson('gemini/basic.json');
    const body = jsonOf(await post(`${emu.url}/v1beta/interactions`, { model: 'gemini-2.5-flash', input: 'Hello', generation_config: { thinking_level: 'low' } }, HEADERS));
    expect(keys(body)).toEqual(keys(rec));
    expect(keys(body.usage)).toEqual(keys(rec.usage));
    expect((body.steps as unknown[]).map(keys)).toEqual((rec.steps as unknown[]).map(keys));
    const call = jsonOf(await post(`${emu.url}/v1beta/interactions`, { model: 'gemini-2.5-flash', input: 'Weather? [emulate:tool_call]', tools: [WEATHER], generation_config: { thinking_level: 'low' } }, HEADERS));
    const recCall = fixtureJson('gemini/tool-call-step1.json');
    expect((call.steps as unknown[]).map(keys)).toEqual((recCall.steps as unknown[]).map(keys));
    expect(call.status).toBe('requires_action');
  });

  it('answers structured output as JSON text', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] };
    const body = jsonOf(await post(`${emu.url}/v1beta/interactions`, { model: 'gemini-2.5-flash', input: 'John', response_format: { type: 'text', mime_type: 'application/json', schema } }, HEADERS));
    const out = (body.steps as { type: string; content?: { text: string }[] }[]).find((s) => s.type === 'model_output');
    expect(Object.keys(JSON.parse(out?.content?.[0]?.text ?? '{}') as object).sort()).toEqual(['age', 'name']);
  });

  it('refuses flex with 503 UNAVAILABLE or 429 RESOURCE_EXHAUSTED in the Google envelope', async () => {
    const down = await startEmulator({ profile: 'outage', timeScale: 0 });
    try {
      const statuses = new Set<number>();
      for (let i = 0; i < 12; i++) {
        const res = await post(`${down.url}/v1beta/interactions`, { model: 'gemini-2.5-flash', input: `q${i}`, service_tier: 'flex' }, HEADERS);
        statuses.add(res.status);
        const err = jsonOf(res).error as { code: number; status: string };
        expect(keys(err)).toEqual(['code', 'message', 'status']);
        expect([
          [503, 'UNAVAILABLE'],
          [429, 'RESOURCE_EXHAUSTED'],
        ]).toContainEqual([err.code, err.status]);
      }
      expect([...statuses].sort()).toEqual([429, 503]);
      const std = await post(`${down.url}/v1beta/interactions`, { model: 'gemini-2.5-flash', input: 'q', service_tier: 'standard' }, HEADERS);
      expect(std.status).toBe(200);
    } finally {
      await down.close();
    }
  });

  it('holds the flex admission delay before the first step.start', async () => {
    const slow = await startEmulator({ profile: 'instant', capacity: [{ provider: 'gemini', tier: 'flex', set: { admissionDelayMs: { p50: 250, p99: 250 } } }] });
    try {
      await post(`${slow.url}/v1beta/interactions`, { model: 'gemini-2.5-flash', input: 'q', service_tier: 'flex', stream: true }, HEADERS);
      const log = slow.requests[0];
      expect((log?.admittedAt ?? 0) - (log?.receivedAt ?? 0)).toBeGreaterThanOrEqual(240);
    } finally {
      await slow.close();
    }
  });

  it('requires an API key (403 PERMISSION_DENIED)', async () => {
    const res = await post(`${emu.url}/v1beta/interactions`, { model: 'gemini-2.5-flash', input: 'q' }, {});
    expect(res.status).toBe(403);
    expect(jsonOf(res).error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
  });

  it('works with the official SDK interactions client', async () => {
    const client = new GoogleGenAI({ apiKey: 'AIza-test', httpOptions: { baseUrl: emu.url, apiVersion: 'v1beta' } });
    const result = await client.interactions.create({ model: 'gemini-2.5-flash', input: 'Hello there' });
    expect(result.status).toBe('completed');
    const s = await client.interactions.create({ model: 'gemini-2.5-flash', input: 'Hello there', stream: true });
    const types: string[] = [];
    for await (const ev of s) types.push(ev.event_type);
    expect(types.at(-1)).toBe('interaction.completed');
  });
});
