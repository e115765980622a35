import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from './index.js';
import type { RunningEmulator } from './types.js';
import { cassetteSse, collapseRuns, fixtureChunks, fixtureJson, jsonOf, keys, parseSse, post, sseData } from './test-support/helpers.js';

const HEADERS = { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' };
const TOOL = {
  name: 'json',
  description: 'Respond with a JSON object.',
  input_schema: { type: 'object', properties: { elements: { type: 'array', items: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } } }, required: ['elements'] },
};

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ profile: 'instant', seed: 3 });
});
afterAll(async () => {
  await emu.close();
});

/** Event type, refined by the delta or block type, for order comparisons. */
function shape(ev: Record<string, unknown>): string {
  const delta = ev.delta as { type?: string } | undefined;
  const block = ev.content_block as { type?: string } | undefined;
  return [ev.type, ev.type === 'content_block_delta' ? delta?.type : undefined, block?.type].filter(Boolean).join(':');
}

async function stream(body: Record<string, unknown>): Promise<{ events: Record<string, unknown>[]; raw: string }> {
  const res = await post(`${emu.url}/v1/messages`, { max_tokens: 1024, stream: true, ...body }, HEADERS);
  expect(res.status).toBe(200);
  expect(res.headers.get('request-id')).toMatch(/^req_011C/);
  for (const ev of parseSse(res.text)) expect((JSON.parse(ev.data) as { type: string }).type).toBe(ev.event);
  return { events: sseData(res.text), raw: res.text };
}

/**
 * Compares field names per event shape. `ignore` names fields that vary between recordings, not
 * between implementations (context_management appears only when that beta was requested;
 * inference_geo is absent from recordings older than its introduction).
 */
function expectSameFields(events: Record<string, unknown>[], recorded: Record<string, unknown>[], ignore: string[] = []): void {
  const fields = (v: unknown): string[] => keys(v).filter((k) => !ignore.includes(k));
  const byShape = new Map(recorded.map((e) => [shape(e), e]));
  for (const ev of events) {
    const rec = byShape.get(shape(ev));
    if (!rec) continue;
    expect(fields(ev), shape(ev)).toEqual(fields(rec));
    if ('delta' in ev) expect(fields(ev.delta), `${shape(ev)}.delta`).toEqual(fields(rec.delta));
    if ('usage' in ev) expect(fields(ev.usage), `${shape(ev)}.usage`).toEqual(fields(rec.usage));
    if ('message' in ev) {
      const m = ev.message as Record<string, unknown>;
      const r = rec.message as Record<string, unknown>;
      expect(fields(m)).toEqual(fields(r));
      expect(fields(m.usage)).toEqual(fields(r.usage));
    }
  }
}

describe('Anthropic Messages stream', () => {
  it('streams text with the recorded event order, fields and framing', async () => {
    const rec = fixtureChunks('anthropic/anthropic-text.chunks.txt');
    const { events, raw } = await stream({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hello, how are you?' }] });
    expect(collapseRuns(events.map(shape))).toEqual(collapseRuns(rec.map(shape)));
    expectSameFields(events, rec);
    expect(raw).toContain('event: ping\ndata: {"type": "ping"}\n\n');
    expect(/^data: \{.*\} +$/m.test(raw)).toBe(true); // space-padded data lines, as recorded
    const start = events[0]?.message as { usage: Record<string, unknown> };
    expect(start.usage.service_tier).toBe('standard');
    const text = events.filter((e) => e.type === 'content_block_delta').map((e) => (e.delta as { text: string }).text).join('');
    expect(text.length).toBeGreaterThan(10);
  });

  it('frames like the recorded cassette (event line, padded data line, blank line)', async () => {
    const recorded = parseSse(cassetteSse('anthropic/test_anthropic_model_thinking_part_stream.yaml'));
    const { raw } = await stream({ model: 'claude-sonnet-4-0', thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: [{ type: 'text', text: 'How do I cross the street?' }] }] });
    const ours = parseSse(raw);
    expect(collapseRuns(ours.map((e) => e.event))).toEqual(collapseRuns(recorded.map((e) => e.event)));
  });

  it('streams thinking with a signature before the text, like the recorded turn', async () => {
    const rec = fixtureChunks('anthropic/anthropic-clear-thinking.1.chunks.txt');
    const { events } = await stream({ model: 'claude-sonnet-4-5', thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [{ role: 'user', content: 'Divide 925 by 5' }] });
    expect(collapseRuns(events.map(shape))).toEqual(collapseRuns(rec.map(shape)));
    expectSameFields(events, rec, ['context_management']);
    const sig = events.find((e) => (e.delta as { type?: string } | undefined)?.type === 'signature_delta');
    expect(String((sig?.delta as { signature: string }).signature).length).toBeGreaterThan(100);
  });

  it('streams a tool_use block with input_json_delta, like the recorded turn', async () => {
    const rec = fixtureChunks('anthropic/anthropic-json-tool.1.chunks.txt');
    const { events } = await stream({ model: 'claude-haiku-4-5', tools: [TOOL], messages: [{ role: 'user', content: 'Weather in San Francisco [emulate:tool_call]' }] });
    expect(collapseRuns(events.map(shape))).toEqual(collapseRuns(rec.map(shape)));
    expectSameFields(events, rec, ['inference_geo']);
    const start = events.find((e) => e.type === 'content_block_start')?.content_block as Record<string, unknown>;
    expect(keys(start)).toEqual(keys(rec[1]?.content_block));
    expect(start.input).toEqual({});
    const json = events.filter((e) => e.type === 'content_block_delta').map((e) => (e.delta as { partial_json: string }).partial_json).join('');
    expect(JSON.parse(json)).toEqual({ elements: [{ location: 'Weather' }] });
    expect((events.find((e) => e.type === 'message_delta')?.delta as { stop_reason: string }).stop_reason).toBe('tool_use');
  });

  it('refuses with stop_reason refusal and no content, like the recorded shape', async () => {
    const rec = fixtureChunks('anthropic/anthropic-refusal.chunks.txt');
    const { events } = await stream({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'bad [emulate:refusal]' }] });
    expect(events.map(shape)).toEqual(rec.map(shape));
    expect(keys(events[2]?.delta)).toEqual(keys(rec[2]?.delta));
  });

  it('stops at max_tokens', async () => {
    const { events } = await stream({ model: 'claude-sonnet-4-5', max_tokens: 4, messages: [{ role: 'user', content: 'Write an essay' }] });
    const delta = events.find((e) => e.type === 'message_delta');
    expect((delta?.delta as { stop_reason: string }).stop_reason).toBe('max_tokens');
    expect((delta?.usage as { output_tokens: number }).output_tokens).toBe(4);
  });

  it('pauses a web search turn with stop_reason pause_turn, the search blocks and no text', async () => {
    const { events } = await stream({
      model: 'claude-sonnet-4-5',
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      messages: [{ role: 'user', content: 'Which harbor towns? [emulate:pause_turn]' }],
    });
    const blocks = events.filter((e) => e.type === 'content_block_start').map((e) => (e.content_block as { type: string }).type);
    expect(blocks).toEqual(['server_tool_use', 'web_search_tool_result']);
    expect((events.find((e) => e.type === 'message_delta')?.delta as { stop_reason: string }).stop_reason).toBe('pause_turn');
  });

  it('fails mid-stream with an in-stream overloaded error event', async () => {
    const { raw } = await stream({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'story [emulate:fail_midstream]' }] });
    expect(raw.endsWith('event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n')).toBe(true);
    expect(raw).not.toContain('message_stop');
    expect(emu.requests.at(-1)?.outcome).toBe('failed_midstream');
  });
});

describe('Anthropic Messages JSON and errors', () => {
  it('returns the recorded non-stream shapes', async () => {
    const text = jsonOf(await post(`${emu.url}/v1/messages`, { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hello' }] }, HEADERS));
    const recText = fixtureJson('anthropic/anthropic-text.json');
    expect(keys(text)).toEqual(keys(recText));
    expect(keys(text.usage)).toEqual(keys(recText.usage));
    expect(text.stop_reason).toBe('end_turn');
    const tool = jsonOf(await post(`${emu.url}/v1/messages`, { model: 'claude-haiku-4-5', max_tokens: 256, tools: [TOOL], messages: [{ role: 'user', content: 'Call it [emulate:tool_call]' }] }, HEADERS));
    const recTool = fixtureJson('anthropic/anthropic-json-tool.1.json');
    const block = (tool.content as Record<string, unknown>[])[0];
    expect(keys(block)).toEqual(keys((recTool.content as unknown[])[0]));
    expect(String(block?.id)).toMatch(/^toolu_01/);
    expect(tool.stop_reason).toBe('tool_use');
  });

  it('requires a key and anthropic-version, with Anthropic error bodies', async () => {
    const rec = fixtureJson('anthropic/anthropic-text.json');
    expect(rec).toBeDefined();
    const noKey = await post(`${emu.url}/v1/messages`, { model: 'claude-sonnet-4-5', max_tokens: 5, messages: [] }, { 'anthropic-version': '2023-06-01' });
    expect(noKey.status).toBe(401);
    expect(jsonOf(noKey)).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: 'x-api-key header is required' } });
    expect(keys(jsonOf(noKey))).toEqual(['error', 'request_id', 'type']);
    const noVersion = await post(`${emu.url}/v1/messages`, { model: 'claude-sonnet-4-5', max_tokens: 5, messages: [] }, { 'x-api-key': 'k' });
    expect(noVersion.status).toBe(400);
    expect(jsonOf(noVersion).error).toMatchObject({ message: 'anthropic-version: header is required' });
    const noMax = await post(`${emu.url}/v1/messages`, { model: 'claude-sonnet-4-5', messages: [] }, HEADERS);
    expect(noMax.status).toBe(400);
    expect(jsonOf(noMax).error).toMatchObject({ type: 'invalid_request_error', message: 'max_tokens: Field required' });
  });

  it('answers overload with 529 overloaded_error', async () => {
    const busy = await startEmulator({ profile: 'instant', capacity: [{ provider: 'anthropic', set: { refusalRate: 1 } }] });
    try {
      const res = await post(`${busy.url}/v1/messages`, { model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }, HEADERS);
      expect(res.status).toBe(529);
      expect(jsonOf(res).error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
      expect(busy.requests[0]?.outcome).toBe('refused');
    } finally {
      await busy.close();
    }
  });

  it('works with the official SDK (create and stream)', async () => {
    const client = new Anthropic({ baseURL: emu.url, apiKey: 'sk-ant-test', maxRetries: 0 });
    const msg = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hi there' }] });
    expect(msg.content[0]?.type).toBe('text');
    expect(msg.usage.service_tier).toBe('standard');
    const s = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Think first' }] });
    const final = await s.finalMessage();
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text']);
  });
});
