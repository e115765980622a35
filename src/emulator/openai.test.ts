import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from './index.js';
import type { RunningEmulator } from './types.js';
import {
  cassetteSse,
  collapseRuns,
  fixtureChunks,
  fixtureJson,
  jsonOf,
  keys,
  post,
  splitTurns,
  sseData,
  parseSse,
} from './test-support/helpers.js';

const AUTH = { authorization: 'Bearer sk-test' };
const recorded = splitTurns(fixtureChunks('openai-responses/openai-reasoning-encrypted-content.1.chunks.txt'), 'response.created');
const recordedTypes = (turn: number): string[] => collapseRuns((recorded[turn] ?? []).map((e) => String(e.type)));

/** Recorded events by type (first occurrence), to compare field names. */
const recordedByType = new Map<string, Record<string, unknown>>();
for (const ev of recorded.flat()) if (!recordedByType.has(String(ev.type))) recordedByType.set(String(ev.type), ev);

const CALCULATOR = {
  type: 'function',
  description: 'A minimal calculator for basic arithmetic. Call it once per step.',
  name: 'calculator',
  parameters: {
    type: 'object',
    properties: { a: { type: 'number' }, b: { type: 'number' }, op: { type: 'string', enum: ['add', 'multiply'] } },
    required: ['a', 'b', 'op'],
    additionalProperties: false,
  },
  strict: true,
};

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ profile: 'instant', seed: 7 });
});
afterAll(async () => {
  await emu.close();
});

async function stream(body: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const res = await post(`${emu.url}/v1/responses`, { stream: true, ...body }, AUTH);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const events = parseSse(res.text);
  // Every frame names its event and repeats it as `type` (event: X / data: {"type":X,…}).
  for (const ev of events) expect(JSON.parse(ev.data)).toMatchObject({ type: ev.event });
  return sseData(res.text);
}

function expectSameFieldsAsRecorded(events: Record<string, unknown>[]): void {
  for (const ev of events) {
    const rec = recordedByType.get(String(ev.type));
    if (!rec) continue;
    expect(keys(ev), String(ev.type)).toEqual(keys(rec));
    if ('response' in ev) expect(keys(ev.response), `${String(ev.type)}.response`).toEqual(keys(rec.response));
    if ('part' in ev) expect(keys(ev.part), `${String(ev.type)}.part`).toEqual(keys(rec.part));
  }
}

describe('OpenAI Responses stream', () => {
  it('answers text with the recorded event order and field names', async () => {
    const events = await stream({ model: 'gpt-5.1', input: [{ role: 'user', content: 'What is 12 + 7?' }] });
    expect(collapseRuns(events.map((e) => String(e.type)))).toEqual(recordedTypes(3));
    expectSameFieldsAsRecorded(events);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const item = events.find((e) => e.type === 'response.output_item.done')?.item;
    expect(keys(item)).toEqual(keys((recorded[3] ?? []).find((e) => e.type === 'response.output_item.done')?.item));
  });

  it('streams reasoning summary, encrypted content and a function call like the recorded turn', async () => {
    const events = await stream({
      model: 'gpt-5.1',
      input: 'Compute 12 plus 7 [emulate:tool_call]',
      tools: [CALCULATOR],
      reasoning: { effort: 'high', summary: 'detailed' },
      include: ['reasoning.encrypted_content'],
    });
    expect(collapseRuns(events.map((e) => String(e.type)))).toEqual(recordedTypes(0));
    expectSameFieldsAsRecorded(events);
    const items = events.filter((e) => e.type === 'response.output_item.done').map((e) => e.item as Record<string, unknown>);
    const recItems = (recorded[0] ?? []).filter((e) => e.type === 'response.output_item.done').map((e) => e.item);
    expect(items.map(keys)).toEqual(recItems.map(keys));
    expect(String(items[0]?.encrypted_content)).toMatch(/^gAAAAAB/);
    const call = items[1] ?? {};
    expect(call.name).toBe('calculator');
    expect(JSON.parse(String(call.arguments))).toEqual({ a: 1.5, b: 1.5, op: 'add' });
    const argDeltas = events.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => String(e.delta));
    expect(argDeltas.join('')).toBe(call.arguments);
    const completed = events.at(-1)?.response as Record<string, unknown>;
    const usage = completed.usage as Record<string, Record<string, number>>;
    expect(keys(usage)).toEqual(keys((recorded[0]?.at(-1)?.response as Record<string, unknown>).usage));
    expect(usage.output_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
  });

  it('echoes the requested tier while in progress and the served tier at the end (recorded flex cassette)', async () => {
    const rec = sseData(cassetteSse('openai-responses/test_openai_responses_streaming_usage.yaml'));
    const events = await stream({ model: 'gpt-5', input: 'Calculate 100 * 200 / 3', service_tier: 'flex', reasoning: { effort: 'low' } });
    const tiers = (list: Record<string, unknown>[]): unknown[] =>
      list.filter((e) => 'response' in e).map((e) => (e.response as Record<string, unknown>).service_tier);
    expect(tiers(events)).toEqual(tiers(rec));
    expect(tiers(events)).toEqual(['flex', 'flex', 'flex']);
    const plain = await stream({ model: 'gpt-5', input: 'hi' });
    expect(tiers(plain)).toEqual(['auto', 'auto', 'default']);
  });

  it('honours stream_options.include_obfuscation=false', async () => {
    const events = await stream({ model: 'gpt-5', input: 'hi', stream_options: { include_obfuscation: false } });
    const delta = events.find((e) => e.type === 'response.output_text.delta');
    expect(delta).toBeDefined();
    expect(delta).not.toHaveProperty('obfuscation');
  });

  it('streams a refusal with refusal events', async () => {
    const events = await stream({ model: 'gpt-5', input: 'Do a bad thing [emulate:refusal]' });
    const types = collapseRuns(events.map((e) => String(e.type)));
    expect(types).toContain('response.refusal.delta');
    expect(types).toContain('response.refusal.done');
    const item = events.find((e) => e.type === 'response.output_item.done')?.item as { content: { type: string }[] };
    expect(item.content[0]?.type).toBe('refusal');
  });

  it('ends a truncated answer with response.incomplete', async () => {
    const events = await stream({ model: 'gpt-5', input: 'Write a lot [emulate:truncate]', max_output_tokens: 5 });
    const last = events.at(-1) ?? {};
    expect(last.type).toBe('response.incomplete');
    const response = last.response as Record<string, unknown>;
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect((response.usage as { output_tokens: number }).output_tokens).toBe(5);
  });

  it('fails mid-stream with an error event and response.failed, like the recorded failure', async () => {
    const rec = fixtureChunks('openai-responses/openai-error.1.chunks.txt');
    const events = await stream({ model: 'gpt-5', input: 'Tell me a story [emulate:fail_midstream]' });
    const tail = events.slice(-2);
    expect(tail.map((e) => e.type)).toEqual(['error', 'response.failed']);
    expect(keys(tail[0])).toEqual(keys(rec[2]));
    expect(keys(tail[0]?.error)).toEqual(keys(rec[2]?.error));
    expect(keys(tail[1]?.response)).toEqual(keys(rec[3]?.response));
    expect(events.some((e) => e.type === 'response.output_text.delta')).toBe(true);
    expect(emu.requests.at(-1)?.outcome).toBe('failed_midstream');
  });

  it('fails flex on a model without flex after the lifecycle events', async () => {
    const events = await stream({ model: 'gpt-4o', input: 'hi', service_tier: 'flex' });
    expect(events.map((e) => e.type)).toEqual(['response.created', 'response.in_progress', 'error', 'response.failed']);
  });
});

describe('OpenAI Responses JSON', () => {
  it('returns the recorded non-stream shape', async () => {
    const rec = fixtureJson('openai-responses/openai-reasoning-encrypted-content.1.json');
    const res = await post(
      `${emu.url}/v1/responses`,
      { model: 'gpt-5-mini', input: 'Sum it up', reasoning: { effort: 'high', summary: 'detailed' }, include: ['reasoning.encrypted_content'] },
      AUTH,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    const body = jsonOf(res);
    expect(keys(body)).toEqual(keys(rec));
    const output = body.output as Record<string, unknown>[];
    const recOutput = rec.output as Record<string, unknown>[];
    expect(output.map(keys)).toEqual(recOutput.map(keys));
    expect(keys(body.usage)).toEqual(keys(rec.usage));
    expect(body.service_tier).toBe('default');
    const usage = body.usage as { input_tokens: number; output_tokens: number; total_tokens: number };
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
  });

  it('answers JSON that matches a requested schema', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] };
    const res = await post(
      `${emu.url}/v1/responses`,
      { model: 'gpt-5-mini', input: 'Person please', text: { format: { type: 'json_schema', name: 'person', schema, strict: true } } },
      AUTH,
    );
    const body = jsonOf(res);
    const message = (body.output as { content: { text: string }[] }[])[0];
    const value = JSON.parse(message?.content[0]?.text ?? '') as Record<string, unknown>;
    expect(Object.keys(value).sort()).toEqual(['age', 'name']);
    expect(typeof value.age).toBe('number');
  });

  it('acknowledges an image input', async () => {
    const res = await post(
      `${emu.url}/v1/responses`,
      {
        model: 'gpt-5-mini',
        input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', image_url: 'https://example.com/a.png' }] }],
      },
      AUTH,
    );
    const text = ((jsonOf(res).output as { content: { text: string }[] }[])[0]?.content[0]?.text) ?? '';
    expect(text.startsWith('I see an image.')).toBe(true);
  });

  it('answers text after a tool result instead of calling the tool again', async () => {
    const res = await post(
      `${emu.url}/v1/responses`,
      {
        model: 'gpt-5-mini',
        tools: [CALCULATOR],
        input: [
          { role: 'user', content: 'Add 1 and 2 [emulate:tool_call]' },
          { type: 'function_call', call_id: 'call_1', name: 'calculator', arguments: '{"a":1,"b":2,"op":"add"}' },
          { type: 'function_call_output', call_id: 'call_1', output: '3' },
        ],
      },
      AUTH,
    );
    const output = jsonOf(res).output as { type: string }[];
    expect(output.map((o) => o.type)).toEqual(['message']);
  });

  it('rejects a missing bearer key with OpenAI 401 body', async () => {
    const res = await post(`${emu.url}/v1/responses`, { model: 'gpt-5', input: 'hi' }, {});
    expect(res.status).toBe(401);
    const body = jsonOf(res);
    expect(keys(body.error)).toEqual(['code', 'message', 'param', 'type']);
    expect(emu.requests.at(-1)?.outcome).toBe('error');
  });

  it('rejects invalid JSON and missing model with 400 bodies', async () => {
    const bad = await post(`${emu.url}/v1/responses`, '{nope', AUTH);
    expect(bad.status).toBe(400);
    const missing = await post(`${emu.url}/v1/responses`, { input: 'hi' }, AUTH);
    expect(missing.status).toBe(400);
    expect(jsonOf(missing).error).toMatchObject({ param: 'model', code: 'missing_required_parameter' });
  });

  it('rejects replayed reasoning that OpenAI did not encrypt', async () => {
    const res = await post(
      `${emu.url}/v1/responses`,
      { model: 'gpt-5', input: [{ type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'EvQBCkYICxgC' }, { role: 'user', content: 'hi' }] },
      AUTH,
    );
    expect(res.status).toBe(400);
    expect(jsonOf(res).error).toMatchObject({ code: 'invalid_encrypted_content' });
  });

  it('answers [emulate:error=<status>] with that status in OpenAI shape', async () => {
    const res = await post(`${emu.url}/v1/responses`, { model: 'gpt-5', input: 'hi [emulate:error=503]' }, AUTH);
    expect(res.status).toBe(503);
    expect(keys(jsonOf(res).error)).toEqual(keys(fixtureJson('openai-responses/openai-error.1.json').error));
  });
});

describe('OpenAI hosted code interpreter', () => {
  const TOOL = { type: 'code_interpreter', container: { type: 'auto' } };

  it('streams a code_interpreter_call with OpenAI\'s events before the message that uses its result', async () => {
    const events = await stream({ model: 'gpt-5-mini', input: 'Add two numbers', tools: [TOOL], include: ['code_interpreter_call.outputs'] });
    expect(collapseRuns(events.map((e) => String(e.type)))).toEqual([
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.code_interpreter_call.in_progress', 'response.code_interpreter_call_code.delta',
      'response.code_interpreter_call_code.done', 'response.code_interpreter_call.interpreting', 'response.code_interpreter_call.completed', 'response.output_item.done',
      'response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.completed',
    ]);
    const added = events.find((e) => e.type === 'response.output_item.added')?.item as Record<string, unknown>;
    expect(Object.keys(added)).toEqual(['id', 'type', 'status', 'code', 'container_id', 'outputs']);
    expect(added).toMatchObject({ type: 'code_interpreter_call', status: 'in_progress', code: '', outputs: [] });
    expect(String(added.id)).toMatch(/^ci_[0-9a-f]{50}$/);
    expect(String(added.container_id)).toMatch(/^cntr_/);
    const delta = events.find((e) => e.type === 'response.code_interpreter_call_code.delta') ?? {};
    expect(Object.keys(delta)).toEqual(['type', 'sequence_number', 'output_index', 'item_id', 'delta', 'obfuscation']);
    const done = events.find((e) => e.type === 'response.output_item.done')?.item as { code: string; outputs: { type: string; logs: string }[] };
    const code = events.filter((e) => e.type === 'response.code_interpreter_call_code.delta').map((e) => String(e.delta)).join('');
    expect(done.code).toBe(code);
    const [a, b] = (/print\((\d+) \+ (\d+)\)/.exec(code) ?? []).slice(1).map(Number);
    expect(done.outputs).toEqual([{ type: 'logs', logs: `${(a ?? 0) + (b ?? 0)}\n` }]);
    const text = events.find((e) => e.type === 'response.output_text.done')?.text;
    expect(String(text)).toMatch(new RegExp(`^The code printed ${(a ?? 0) + (b ?? 0)}\\. `));
  });

  it('answers JSON with the item first, outputs null without the include', async () => {
    const res = await post(`${emu.url}/v1/responses`, { model: 'gpt-5-mini', input: 'Add two numbers', tools: [TOOL] }, AUTH);
    expect(res.status).toBe(200);
    const output = jsonOf(res).output as Record<string, unknown>[];
    expect(output.map((i) => i.type)).toEqual(['code_interpreter_call', 'message']);
    expect(output[0]).toMatchObject({ status: 'completed', outputs: null });
    expect(String(output[0]?.code)).toMatch(/^print\(\d+ \+ \d+\)\n$/);
  });

  it('runs no code when the answer is a tool call or follows a tool result', async () => {
    const res = await post(`${emu.url}/v1/responses`, { model: 'gpt-5-mini', input: 'Compute [emulate:tool_call]', tools: [TOOL, CALCULATOR] }, AUTH);
    expect((jsonOf(res).output as Record<string, unknown>[]).map((i) => i.type)).toEqual(['function_call']);
  });
});
