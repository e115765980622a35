// The user's view of /v1/interactions: the official `@google/genai` 2.x interactions client pointed
// at the real gateway, an OpenAI model served by the real emulator upstream.
//
// The client can be pointed at the gateway unchanged: `ai.interactions.create()` POSTs to
// `<httpOptions.baseUrl>/<httpOptions.apiVersion>/interactions` (the generated `/{api_version}/interactions`
// route), so `apiVersion: 'v1'` lands on `/v1/interactions`. It authenticates with
// `x-goog-api-key`. `start_within` is not an Interactions field; the client's request option
// `extra_body` merges it into the JSON body.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GoogleGenAIRequestOptions, Interactions } from '@google/genai';
import { GoogleGenAI } from '@google/genai';
import type { Harness } from './harness.js';
import { startHarness } from './harness.js';

type Step = Interactions.Step;
type SSEEvent = Interactions.InteractionSSEEvent;

let h: Harness;
let ai: GoogleGenAI;
/** Headers of every request the client sent, to prove how it authenticates and where it goes. */
const sent: { url: string; headers: Headers }[] = [];

const recordingFetch: typeof fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  const headers = new Headers(input instanceof Request ? input.headers : undefined);
  new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
  sent.push({ url, headers });
  return fetch(input, init);
};

beforeAll(async () => {
  h = await startHarness();
  ai = new GoogleGenAI({ apiKey: h.key, httpOptions: { baseUrl: h.url, apiVersion: 'v1', fetch: recordingFetch } });
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  h.emulator.configure({ capacity: [] });
});

/** Request options carrying `start_within`; retries off so a test sees the first answer. */
function opts(startWithin: string): GoogleGenAIRequestOptions {
  return { extra_body: { start_within: startWithin }, maxRetries: 0, timeout_ms: 15_000 };
}

const lastUpstream = (): Record<string, unknown> => h.emulator.requests.at(-1)!.body as Record<string, unknown>;

const weatherTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
} as const;

async function collect(stream: AsyncIterable<SSEEvent>): Promise<SSEEvent[]> {
  const events: SSEEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

function streamedText(events: SSEEvent[]): string {
  return events
    .flatMap((e) => (e.event_type === 'step.delta' && e.delta.type === 'text' ? [e.delta.text] : []))
    .join('');
}

function completed(events: SSEEvent[]): Interactions.InteractionCompletedEvent | undefined {
  return events.find((e): e is Interactions.InteractionCompletedEvent => e.event_type === 'interaction.completed');
}

describe('where the client goes', () => {
  it('POSTs to /v1/interactions with the key in x-goog-api-key', async () => {
    const n = sent.length;
    const interaction = await ai.interactions.create({ model: 'gpt-5-mini', input: 'hi' }, opts('default'));
    expect(interaction.status).toBe('completed');
    const request = sent[n]!;
    expect(request.url).toBe(`${h.url}/v1/interactions`);
    expect(request.headers.get('x-goog-api-key')).toBe(h.key);
  });
});

describe.each(['default', '00h-00m-30s'])('interactions client with start_within=%s', (startWithin) => {
  const expectedTier = startWithin === 'default' ? 'standard' : 'flex';

  it('interactions.create (non-stream)', async () => {
    const interaction = await ai.interactions.create(
      { model: 'gpt-5-mini', input: 'Say hello', system_instruction: 'Be brief.' },
      opts(startWithin),
    );
    expect(interaction).toMatchObject({ object: 'interaction', model: 'gpt-5-mini' });
    expect(interaction.status).toBe('completed');
    expect(interaction.service_tier).toBe(expectedTier);
    expect(interaction.output_text?.length).toBeGreaterThan(0);
    expect(interaction.steps.at(-1)?.type).toBe('model_output');
    expect(interaction.usage?.total_input_tokens).toBeGreaterThan(0);
    expect(interaction.usage?.total_output_tokens).toBeGreaterThan(0);
    const headers = interaction.sdkHttpResponse?.headers ?? {};
    expect(headers['x-flexinference-tier']).toBe(expectedTier);
    expect(headers['x-flexinference-route']).toBe(startWithin === 'default' ? 'direct' : 'flex_admitted');
    expect(headers['x-request-id']).toMatch(/^req_/);
    const upstream = lastUpstream();
    expect(upstream.start_within).toBeUndefined();
    expect(upstream.service_tier).toBe(startWithin === 'default' ? 'default' : 'flex');
    expect(upstream.instructions).toBe('Be brief.');
  });

  it('interactions.create (stream) yields the documented event order', async () => {
    const stream = await ai.interactions.create({ model: 'gpt-5-mini', input: 'Say hello', stream: true }, opts(startWithin));
    const events = await collect(stream);
    const types = events.map((e) => e.event_type);
    expect(types.slice(0, 2)).toEqual(['interaction.created', 'interaction.status_update']);
    expect(types).toContain('step.start');
    expect(types).toContain('step.delta');
    expect(types.at(-1)).toBe('interaction.completed');
    expect(streamedText(events).length).toBeGreaterThan(0);
    const done = completed(events);
    expect(done?.interaction.status).toBe('completed');
    expect(done?.interaction.service_tier).toBe(expectedTier);
    expect(done?.interaction.usage?.total_output_tokens).toBeGreaterThan(0);
  });
});

describe('function calling round trip', () => {
  const ask = 'Weather in Paris? [emulate:tool_call name=get_weather args={"city":"Paris"}]';

  async function answerCall(history: Step[], call: Interactions.FunctionCallStep): Promise<void> {
    const result: Interactions.FunctionResultStep = {
      type: 'function_result',
      call_id: call.id,
      name: call.name,
      result: '{"temp_c":21}',
    };
    const second = await ai.interactions.create(
      { model: 'gpt-5-mini', tools: [weatherTool], input: [...history, result] },
      opts('default'),
    );
    expect(second.status).toBe('completed');
    expect(second.output_text?.length).toBeGreaterThan(0);
    const input = lastUpstream().input as { type: string; call_id?: string; output?: unknown; name?: string }[];
    expect(input.find((i) => i.type === 'function_call')).toMatchObject({ call_id: call.id, name: 'get_weather' });
    expect(input.find((i) => i.type === 'function_call_output')).toMatchObject({ call_id: call.id, output: '{"temp_c":21}' });
    // The replayed thought's signature went back to OpenAI as its encrypted reasoning.
    expect(input.some((i) => i.type === 'reasoning')).toBe(true);
  }

  it('non-stream: function_call → requires_action → function_result → final text', async () => {
    const first = await ai.interactions.create({ model: 'gpt-5-mini', tools: [weatherTool], input: ask }, opts('default'));
    expect(first.status).toBe('requires_action');
    const call = first.steps.find((s): s is Interactions.FunctionCallStep => s.type === 'function_call');
    expect(call?.name).toBe('get_weather');
    expect(call?.arguments).toEqual({ city: 'Paris' });
    expect((lastUpstream().tools as { name: string }[])[0]?.name).toBe('get_weather');
    const userTurn: Step = { type: 'user_input', content: [{ type: 'text', text: 'Weather in Paris?' }] };
    await answerCall([userTurn, ...first.steps], call!);
  });

  it('stream: the call streams as a function_call step and the interaction ends in requires_action', async () => {
    const stream = await ai.interactions.create(
      { model: 'gpt-5-mini', tools: [weatherTool], input: ask, stream: true },
      opts('00h-00m-30s'),
    );
    const events = await collect(stream);
    const done = completed(events);
    expect(done?.interaction.status).toBe('requires_action');
    expect(done?.interaction.service_tier).toBe('flex');
    // A streaming caller rebuilds the steps from step.start + step.delta, then answers the call.
    const steps = stepsFromStream(events);
    expect(steps.map((s) => s.type)).toEqual(['thought', 'function_call']);
    const call = steps[1] as Interactions.FunctionCallStep;
    expect(call.name).toBe('get_weather');
    expect(call.arguments).toEqual({ city: 'Paris' });
    await answerCall([{ type: 'user_input', content: [{ type: 'text', text: 'Weather in Paris?' }] }, ...steps], call);
  });
});

/** Thought and function_call steps rebuilt from a stream, as a stateless caller replays them. */
function stepsFromStream(events: SSEEvent[]): Step[] {
  const steps = new Map<number, Step>();
  const args = new Map<number, string>();
  for (const e of events) {
    if (e.event_type === 'step.start') steps.set(e.index, { ...e.step });
    if (e.event_type !== 'step.delta') continue;
    const step = steps.get(e.index);
    if (e.delta.type === 'arguments_delta') args.set(e.index, (args.get(e.index) ?? '') + (e.delta.arguments ?? ''));
    if (e.delta.type === 'thought_signature' && step) (step as { signature?: string }).signature = e.delta.signature ?? '';
  }
  for (const [index, text] of args) {
    const step = steps.get(index);
    if (step?.type === 'function_call') step.arguments = JSON.parse(text) as Record<string, unknown>;
  }
  return [...steps.entries()].sort(([a], [b]) => a - b).map(([, step]) => step);
}

describe('errors through the client', () => {
  it('a refused field is raised with the Google status', async () => {
    const err: unknown = await ai.interactions
      .create({ model: 'gpt-5-mini', input: 'hi', generation_config: { seed: 7 } }, opts('default'))
      .catch((e: unknown) => e);
    const apiErr = err as { status?: number; error?: { error?: { code: number; status: string; message: string } } };
    expect(apiErr.status).toBe(400);
    expect(apiErr.error?.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(apiErr.error?.error?.message).toMatch(/generation_config\.seed/);
  });
});

describe('failure after commit', () => {
  function expectErrorEnding(events: SSEEvent[]): Interactions.ErrorEvent {
    const types = events.map((e) => e.event_type);
    expect(types[0]).toBe('interaction.created');
    expect(types).toContain('step.delta');
    expect(types).not.toContain('interaction.completed');
    expect(types.at(-1)).toBe('error');
    const last = events.at(-1) as Interactions.ErrorEvent;
    expect(last.error?.code).toBeTruthy();
    expect(last.error?.message?.length).toBeGreaterThan(0);
    return last;
  }

  it('flex fails mid-stream: the stream ends with an error event', async () => {
    h.emulator.configure({ capacity: [{ provider: 'openai', tier: 'flex', set: { midstreamFailureRate: 1 } }] });
    const stream = await ai.interactions.create({ model: 'gpt-5-mini', input: 'Say hello', stream: true }, opts('00h-00m-30s'));
    const events = await collect(stream);
    expectErrorEnding(events);
    expect(h.emulator.requests.at(-1)?.outcome).toBe('failed_midstream');
    expect(h.emulator.requests.at(-1)?.tier).toBe('flex');
  });

  it('[emulate:fail_midstream] on the standard tier: the stream ends with an error event', async () => {
    const stream = await ai.interactions.create(
      { model: 'gpt-5-mini', input: 'Say hello [emulate:fail_midstream]', stream: true },
      opts('default'),
    );
    const last = expectErrorEnding(await collect(stream));
    expect(last.error?.code).toBe('internal');
  });

  it('non-streamed: a flex failure after admission is re-run on standard', async () => {
    h.emulator.configure({ capacity: [{ provider: 'openai', tier: 'flex', set: { midstreamFailureRate: 1 } }] });
    const interaction = await ai.interactions.create({ model: 'gpt-5-mini', input: 'Say hello' }, opts('00h-00m-30s'));
    expect(interaction.status).toBe('completed');
    expect(interaction.service_tier).toBe('standard');
    expect(interaction.sdkHttpResponse?.headers?.['x-flexinference-route']).toBe('flex_failed_after_admission');
  });
});
