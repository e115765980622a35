// The Vercel AI SDK (`ai` with `@ai-sdk/openai` and `@ai-sdk/anthropic`) pointed at the real
// gateway, the real emulator upstream: its default requests — multi-step tool loops, structured
// output, reasoning, streaming — on every provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, Output, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import type { Harness } from '../harness.js';
import { startHarness } from '../harness.js';
import { clientFetch } from './client-fetch.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const weather = tool({
  description: 'Current weather for a city',
  inputSchema: z.object({ city: z.string() }),
  execute: ({ city }) => Promise.resolve({ city, tempC: 21 }),
});

function openai(startWithin = 'default') {
  const rec = clientFetch(startWithin);
  return { rec, provider: createOpenAI({ baseURL: `${h.url}/v1`, apiKey: h.key, fetch: rec.fetch }) };
}

function anthropic(startWithin = 'default') {
  const rec = clientFetch(startWithin);
  return { rec, provider: createAnthropic({ baseURL: `${h.url}/v1`, apiKey: h.key, fetch: rec.fetch }) };
}

type InputItem = { type?: string; id?: string };
const inputOf = (body: Record<string, unknown> | undefined): InputItem[] => (body?.input ?? []) as InputItem[];
const upstreamBody = (i: number): Record<string, unknown> => h.emulator.requests.at(i)!.body as Record<string, unknown>;

describe('@ai-sdk/openai Responses: the multi-step tool loop sends earlier items as item_reference', () => {
  // The SDK sends reasoning settings to the models it knows reason (gpt-5…); the others answer
  // without a reasoning item, so only the assistant message comes back by reference.
  describe.each([
    ['gpt-5-mini', '00h-00m-30s', true],
    ['gemini-2.5-flash', '00h-00m-30s', true],
    ['claude-sonnet-4-5', 'default', false],
  ])('%s', (model, startWithin, reasons) => {
    it('resolves the references of step two and of the next turn', async () => {
      const { rec, provider } = openai(startWithin);
      const first = await generateText({
        model: provider(model),
        tools: { get_weather: weather },
        stopWhen: stepCountIs(3),
        maxOutputTokens: 1024,
        prompt: 'Weather in Paris? [emulate:tool_call] [emulate:reasoning]',
      });
      expect(first.steps).toHaveLength(2);
      expect(first.steps[0]?.toolCalls[0]?.toolName).toBe('get_weather');
      expect(first.text.length).toBeGreaterThan(0);
      expect(rec.statuses).toEqual([200, 200]);
      // Step two names the first step's reasoning by id (the SDK believes it was stored).
      const reasoningRefs = inputOf(rec.bodies[1]).filter((item) => item.type === 'item_reference' && item.id?.startsWith('rs_'));
      expect(reasoningRefs).toHaveLength(reasons ? 1 : 0);
      // The provider got the reasoning item itself, not the reference.
      const upstreamStep2 = JSON.stringify(upstreamBody(-1));
      expect(upstreamStep2).not.toContain('item_reference');

      // The next turn replays the whole conversation, the assistant answer by reference too.
      const second = await generateText({
        model: provider(model),
        tools: { get_weather: weather },
        maxOutputTokens: 1024,
        messages: [...first.response.messages, { role: 'user', content: 'Thanks. And tomorrow?' }],
      });
      expect(second.text.length).toBeGreaterThan(0);
      expect(rec.statuses.at(-1)).toBe(200);
      const refs = inputOf(rec.bodies.at(-1)).filter((item) => item.type === 'item_reference').map((item) => item.id);
      expect(refs.some((id) => id?.startsWith('msg_'))).toBe(true);
      expect(JSON.stringify(upstreamBody(-1))).toContain('Using the tool result');
    });
  });

  it('a reference to a reasoning item that is not kept is dropped with a warning; others are refused', async () => {
    const { rec, provider } = openai();
    const result = await generateText({
      model: provider('gemini-2.5-flash'),
      messages: [
        { role: 'user', content: 'Hello' },
        {
          role: 'assistant',
          content: [{ type: 'reasoning', text: 'thinking', providerOptions: { openai: { itemId: 'rs_unknown1' } } }],
        },
        { role: 'user', content: 'Go on' },
      ],
    });
    expect(inputOf(rec.bodies[0]).some((item) => item.type === 'item_reference' && item.id === 'rs_unknown1')).toBe(true);
    expect(result.text.length).toBeGreaterThan(0);

    const refused = await fetch(`${h.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gemini-2.5-flash',
        start_within: 'default',
        input: [{ role: 'user', content: 'hi' }, { type: 'item_reference', id: 'msg_nowhere' }],
      }),
    });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: { code: string; param: string; message: string } };
    expect(body.error).toMatchObject({ code: 'invalid_parameter', param: 'input[1]' });
    expect(body.error.message).toContain('msg_nowhere');
  });

  it('store: false keeps nothing and says so', async () => {
    const res = await fetch(`${h.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5-mini', start_within: 'default', store: false, input: 'hi' }),
    });
    const body = (await res.json()) as { store: boolean; output: { id: string }[] };
    expect(body.store).toBe(false);
    const again = await fetch(`${h.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gemini-2.5-flash',
        start_within: 'default',
        input: [{ role: 'user', content: 'hi' }, { type: 'item_reference', id: body.output.at(-1)!.id }],
      }),
    });
    expect(again.status).toBe(400);
  });

  it('structured output and streaming with tools', async () => {
    const { rec, provider } = openai('00h-00m-30s');
    const structured = await generateText({
      model: provider('gpt-5-mini'),
      output: Output.object({ schema: z.object({ city: z.string(), country: z.string() }) }),
      prompt: 'Where is the Eiffel tower?',
    });
    expect(structured.output).toEqual({ city: expect.any(String) as string, country: expect.any(String) as string });
    expect(rec.bodies[0]).toMatchObject({ text: { format: { type: 'json_schema' } } });

    const streamed = streamText({
      model: provider.chat('gemini-2.5-flash'),
      tools: { get_weather: weather },
      stopWhen: stepCountIs(3),
      prompt: 'Weather in Oslo? [emulate:tool_call]',
    });
    expect((await streamed.text).length).toBeGreaterThan(0);
    expect((await streamed.steps).length).toBe(2);
    expect(rec.statuses.every((s) => s === 200)).toBe(true);
  });
});

describe('@ai-sdk/anthropic on /v1/messages', () => {
  describe.each(['claude-sonnet-4-5', 'gpt-5-mini', 'gemini-2.5-flash'])('%s', (model) => {
    it('streamText with tools (eager_input_streaming on every tool) runs the loop', async () => {
      const { rec, provider } = anthropic();
      const result = streamText({
        model: provider(model),
        tools: { get_weather: weather },
        stopWhen: stepCountIs(3),
        prompt: 'Weather in Rome? [emulate:tool_call]',
      });
      expect((await result.text).length).toBeGreaterThan(0);
      const steps = await result.steps;
      expect(steps).toHaveLength(2);
      expect(steps[0]?.toolCalls[0]?.input).toEqual({ city: expect.any(String) as string });
      expect(rec.statuses).toEqual([200, 200]);
      expect(rec.bodies[0]).toMatchObject({ tools: [{ name: 'get_weather', eager_input_streaming: true }] });
      const usage = await result.totalUsage;
      expect(usage.inputTokens).toBeGreaterThan(0);
    });

    it('structured output', async () => {
      const { rec, provider } = anthropic();
      const result = await generateText({
        model: provider(model),
        output: Output.object({ schema: z.object({ city: z.string() }) }),
        prompt: 'Name a city.',
      });
      expect(result.output).toEqual({ city: expect.any(String) as string });
      expect(rec.statuses).toEqual([200]);
    });
  });

  it('forwards eager_input_streaming to Anthropic only', async () => {
    const { provider } = anthropic();
    const result = streamText({ model: provider('claude-haiku-4-5'), tools: { get_weather: weather }, prompt: 'Weather? [emulate:tool_call]' });
    await result.consumeStream();
    expect(upstreamBody(-1)).toMatchObject({ tools: [{ name: 'get_weather', eager_input_streaming: true }] });
  });
});
