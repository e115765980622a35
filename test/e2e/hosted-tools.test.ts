// OpenAI hosted tools other than web search (docs/product.md §6): a Responses caller's
// `code_interpreter` goes to an OpenAI model as sent, and the `code_interpreter_call` item comes back
// exactly as OpenAI wrote it — in `output`, and streamed with its own events at its place — so the
// official SDK's stream helper assembles the same answer. Sent back on a later turn (whole, or as an
// `item_reference` to a kept item) it reaches OpenAI verbatim; another provider refuses the tool
// and leaves the item out with a `provider_item_dropped` warning. Official SDK, real gateway, real
// emulator (which runs `print(a + b)` and answers "The code printed <sum>.").
import { describe, expect, it } from 'vitest';
import { post, useOpenAIHarness } from './harness.js';

const gw = useOpenAIHarness();

const lastUpstream = (): Record<string, unknown> => gw.h.emulator.requests.at(-1)!.body as Record<string, unknown>;

const TOOL = { type: 'code_interpreter', container: { type: 'auto' } } as const;
const QUESTION = 'Add two numbers for me';

interface WireItem {
  type: string;
  id?: string;
  [key: string]: unknown;
}

interface CodeCall extends WireItem {
  status: string;
  code: string;
  container_id: string;
  outputs: { type: string; logs: string }[] | null;
}

function request(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'gpt-5-mini', input: QUESTION, tools: [TOOL], include: ['code_interpreter_call.outputs'], start_within: 'default', ...extra };
}

/** The code interpreter call and the message after it, checked against each other. */
function checkAnswer(output: WireItem[]): CodeCall {
  const types = output.map((i) => i.type);
  expect(types).toContain('code_interpreter_call');
  expect(types.indexOf('code_interpreter_call')).toBeLessThan(types.indexOf('message'));
  const call = output.find((i) => i.type === 'code_interpreter_call') as CodeCall;
  expect(Object.keys(call)).toEqual(['id', 'type', 'status', 'code', 'container_id', 'outputs']);
  expect(call.id).toMatch(/^ci_/);
  expect(call.status).toBe('completed');
  expect(call.container_id).toMatch(/^cntr_/);
  const [a, b] = (/^print\((\d+) \+ (\d+)\)\n$/.exec(call.code) ?? []).slice(1).map(Number);
  const sum = (a ?? NaN) + (b ?? NaN);
  expect(call.outputs).toEqual([{ type: 'logs', logs: `${sum}\n` }]);
  const message = output.find((i) => i.type === 'message') as unknown as { content: { text: string }[] };
  expect(message.content[0]?.text).toMatch(new RegExp(`^The code printed ${sum}\\. `));
  return call;
}

describe('Responses code_interpreter on an OpenAI model', () => {
  it('sends the tool and the include as given; the answer has the code_interpreter_call before the message', async () => {
    const res = (await gw.client.responses.create(request() as never)) as unknown as { output: WireItem[]; output_text: string };
    expect(lastUpstream().tools).toEqual([TOOL]);
    expect(lastUpstream().include).toContain('code_interpreter_call.outputs');
    checkAnswer(res.output);
    expect(res.output_text).toMatch(/^The code printed \d+\. /);
  });

  it('streamed: the item and its own events in place, and the SDK assembles the same answer', async () => {
    const stream = gw.client.responses.stream(request() as never);
    const events: { type: string; [k: string]: unknown }[] = [];
    for await (const event of stream) events.push(event as unknown as { type: string });
    const final = (await stream.finalResponse()) as unknown as { output: WireItem[] };
    const call = checkAnswer(final.output);

    const added = events.find((e) => e.type === 'response.output_item.added' && (e.item as WireItem).type === 'code_interpreter_call')!;
    expect(added.item).toEqual({ ...call, status: 'in_progress', code: '', outputs: [] });
    const index = added.output_index;
    expect(index).toBe(final.output.indexOf(final.output.find((i) => i.type === 'code_interpreter_call')!));
    const own = events.filter((e) => e.type.startsWith('response.code_interpreter_call'));
    expect([...new Set(own.map((e) => e.type))]).toEqual([
      'response.code_interpreter_call.in_progress',
      'response.code_interpreter_call_code.delta',
      'response.code_interpreter_call_code.done',
      'response.code_interpreter_call.interpreting',
      'response.code_interpreter_call.completed',
    ]);
    for (const e of own) expect(e).toMatchObject({ output_index: index, item_id: call.id });
    expect(own.filter((e) => e.type.endsWith('_code.delta')).map((e) => e.delta).join('')).toBe(call.code);
    // Between the item's added and done, in one numbering with every other event.
    const types = events.map((e) => e.type);
    const doneAt = events.findIndex((e) => e.type === 'response.output_item.done' && e.output_index === index);
    expect(types.indexOf('response.code_interpreter_call.in_progress')).toBeGreaterThan(events.indexOf(added));
    expect(types.lastIndexOf('response.code_interpreter_call.completed')).toBeLessThan(doneAt);
    expect(events[doneAt]!.item).toEqual(call);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.some((e) => 'obfuscation' in e)).toBe(false);
  });

  it('a replayed code_interpreter_call, whole or by item_reference, reaches OpenAI as it came', async () => {
    const first = (await gw.client.responses.create(request() as never)) as unknown as { output: WireItem[] };
    const call = checkAnswer(first.output);
    const upstreamCall = (): WireItem | undefined => (lastUpstream().input as WireItem[]).find((i) => i.type === 'code_interpreter_call');

    const whole = [{ role: 'user', content: QUESTION }, ...first.output, { role: 'user', content: 'Now double it' }];
    await gw.client.responses.create({ ...request(), input: whole } as never);
    expect(upstreamCall()).toEqual(call);

    const referenced = [{ role: 'user', content: QUESTION }, { type: 'item_reference', id: call.id }, { role: 'user', content: 'Now double it' }];
    const res = await post(`${gw.h.url}/v1/responses`, JSON.stringify({ ...request(), input: referenced }), { authorization: `Bearer ${gw.h.key}` });
    expect(res.status).toBe(200);
    expect(upstreamCall()).toEqual(call);
    expect(res.headers.get('x-flexinference-warnings')).toBeNull();
  });
});

describe('OpenAI hosted tools with other providers', () => {
  it.each(['claude-haiku-4-5', 'gemini-2.5-flash'])('%s: the tool is refused in the Responses envelope, naming it and the provider', async (model) => {
    const before = gw.h.emulator.requests.length;
    const res = await post(`${gw.h.url}/v1/responses`, JSON.stringify(request({ model, max_output_tokens: 300, include: undefined })), { authorization: `Bearer ${gw.h.key}` });
    expect(res.status).toBe(400);
    const error = (res.json as { error: { code: string; param: string; type: string; message: string } }).error;
    expect(error).toMatchObject({ code: 'unsupported_parameter', param: 'tools[0].type', type: 'invalid_request_error' });
    expect(error.message).toContain('OpenAI');
    expect(error.message).toContain(model.startsWith('claude') ? 'Anthropic' : 'Gemini');
    expect(gw.h.emulator.requests.length).toBe(before);
  });

  it.each(['claude-haiku-4-5', 'gemini-2.5-flash'])('%s: a replayed code_interpreter_call is left out with provider_item_dropped', async (model) => {
    const first = (await gw.client.responses.create(request() as never)) as unknown as { output: WireItem[] };
    const call = checkAnswer(first.output);
    const input = [{ role: 'user', content: QUESTION }, call, { role: 'user', content: 'Now double it' }];
    const res = await post(`${gw.h.url}/v1/responses`, JSON.stringify({ model, input, max_output_tokens: 300, start_within: 'default' }), { authorization: `Bearer ${gw.h.key}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-flexinference-warnings')).toBe('provider_item_dropped:input[1]');
    expect(JSON.stringify(lastUpstream())).not.toContain(call.id!);
    expect(JSON.stringify(lastUpstream())).toContain('Now double it');

    const referenced = [{ role: 'user', content: QUESTION }, { type: 'item_reference', id: call.id }, { role: 'user', content: 'Now double it' }];
    const byReference = await gw.client.responses.create({ model, input: referenced, max_output_tokens: 300, start_within: 'default' } as never).withResponse();
    expect(byReference.response.headers.get('x-flexinference-warnings')).toBe('provider_item_dropped:input[1]');
    expect(JSON.stringify(lastUpstream())).not.toContain(call.id!);
  });
});
