// The newest client majors, which need Node 22 or later: `openai` 7.x, `@google/genai` 3.x and the
// OpenAI Agents SDK (built on openai 7). On Node 20 this file skips, saying why; CI runs it in its
// Node 22 and 24 passes (.ci/run).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';
import { startHarness } from '../harness.js';
import { clientFetch } from './client-fetch.js';

const major = Number(process.versions.node.split('.')[0]);
const supported = major >= 22;
if (!supported) {
  console.log(`skipping openai 7.x, @google/genai 3.x and @openai/agents end-to-end tests: they need Node 22 or later (this is Node ${process.versions.node})`);
}

let h: Harness;
beforeAll(async () => {
  if (supported) h = await startHarness();
});
afterAll(async () => {
  if (supported) await h.close();
});

describe.runIf(supported)('openai 7.x', () => {
  async function client() {
    const { default: OpenAI } = await import('openai7');
    return new OpenAI({ apiKey: h.key, baseURL: `${h.url}/v1`, maxRetries: 0 });
  }

  it('responses.create with a tool loop, chat streaming and models.list', async () => {
    const openai = await client();
    const tools = [{ type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }];
    const question = 'Weather in Paris? [emulate:tool_call]';
    const first = await openai.responses.create({ model: 'gpt-5-mini', input: question, tools, start_within: '00h-00m-30s' } as never);
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call?.name).toBe('get_weather');
    expect(first.service_tier).toBe('flex');
    const second = await openai.responses.create({
      model: 'gpt-5-mini',
      input: [{ role: 'user', content: question }, ...first.output, { type: 'function_call_output', call_id: call!.call_id, output: '{"temp_c":20}' }],
      tools,
      start_within: 'default',
    } as never);
    expect(second.output_text.length).toBeGreaterThan(0);

    const stream = await openai.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'Hello' }],
      stream: true,
      stream_options: { include_usage: true },
      start_within: '00h-00m-30s',
    } as never);
    let text = '';
    for await (const chunk of stream as unknown as AsyncIterable<{ choices: { delta: { content?: string | null } }[] }>) {
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text.length).toBeGreaterThan(0);

    const models = await openai.models.list();
    expect(models.data.some((m) => m.id === 'gpt-5-mini')).toBe(true);
  });
});

describe.runIf(supported)('@google/genai 3.x', () => {
  it('interactions.create on every provider', async () => {
    const { GoogleGenAI } = await import('genai3');
    const ai = new GoogleGenAI({ apiKey: h.key, httpOptions: { baseUrl: h.url, apiVersion: 'v1' } });
    for (const model of ['gemini-2.5-flash', 'gpt-5-mini', 'claude-haiku-4-5']) {
      const interaction = await ai.interactions.create(
        { model, input: 'Hello', generation_config: { max_output_tokens: 512 } },
        { extra_body: { start_within: 'default' } },
      );
      expect(interaction.service_tier).toBe('standard');
      expect(JSON.stringify(interaction)).toContain('"text"');
    }
  });
});

describe.runIf(supported)('@openai/agents', () => {
  it('an agent with a tool runs its loop to a final answer, on every provider', async () => {
    const { default: OpenAI } = await import('openai7');
    const agents = await import('@openai/agents');
    const { z } = await import('zod');
    agents.setTracingDisabled(true);
    const rec = clientFetch('default');
    // The same openai 7 release as the Agents SDK's own copy; the cast bridges the two copies' types.
    agents.setDefaultOpenAIClient(new OpenAI({ apiKey: h.key, baseURL: `${h.url}/v1`, maxRetries: 0, fetch: rec.fetch }) as never);
    const getWeather = agents.tool({
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => Promise.resolve(`${city}: 21 C`),
    });
    for (const model of ['gpt-5-mini', 'gemini-2.5-flash', 'claude-haiku-4-5']) {
      const agent = new agents.Agent({
        name: 'Weather',
        instructions: 'Answer with the tool.',
        model,
        tools: [getWeather],
        modelSettings: { maxTokens: 1024 },
      });
      const result = await agents.run(agent, 'Weather in Paris? [emulate:tool_call]');
      expect(String(result.finalOutput).length).toBeGreaterThan(0);
      expect(result.newItems.some((item) => item.type === 'tool_call_output_item')).toBe(true);
    }
    expect(rec.statuses.every((status) => status === 200)).toBe(true);

    const structured = new agents.Agent({
      name: 'City',
      instructions: 'Name a city.',
      model: 'gpt-5-mini',
      outputType: z.object({ city: z.string() }),
    });
    const result = await agents.run(structured, 'Name a city.');
    expect(result.finalOutput).toEqual({ city: expect.any(String) as string });

    const streamed = await agents.run(new agents.Agent({ name: 'Hi', model: 'gpt-5-mini' }), 'Say hello', { stream: true });
    let text = '';
    for await (const chunk of streamed.toTextStream()) text += chunk;
    await streamed.completed;
    expect(text.length).toBeGreaterThan(0);
  });
});
