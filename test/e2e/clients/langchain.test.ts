// LangChain (`@langchain/openai`, `@langchain/anthropic`) pointed at the real gateway, the real
// emulator upstream: tools, structured output, reasoning and streaming with their default
// requests, and the usage LangChain reads from a stream. `start_within` goes where LangChain puts
// extra body fields: `modelKwargs` (OpenAI) and `invocationKwargs` (Anthropic).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatAnthropic } from '@langchain/anthropic';
import type { AIMessageChunk } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';
import type { Harness } from '../harness.js';
import { startHarness } from '../harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  schema: z.object({ city: z.string() }),
};

function chatOpenAI(model: string, useResponsesApi: boolean, startWithin = 'default'): ChatOpenAI {
  return new ChatOpenAI({
    model,
    apiKey: h.key,
    configuration: { baseURL: `${h.url}/v1` },
    modelKwargs: { start_within: startWithin },
    useResponsesApi,
    // Claude models need an output limit on every surface (docs/product.md §5).
    maxTokens: 1024,
    maxRetries: 0,
  });
}

function chatAnthropic(model: string): ChatAnthropic {
  return new ChatAnthropic({
    model,
    apiKey: h.key,
    anthropicApiUrl: h.url,
    invocationKwargs: { start_within: 'default' },
    maxTokens: 1024,
    maxRetries: 0,
  });
}

interface UsageMetadata {
  input_tokens: number;
  output_tokens: number;
  output_token_details?: { reasoning?: number };
}

/** LangChain's usage_metadata, typed for these assertions. */
const usageOf = (message: { usage_metadata?: unknown }): UsageMetadata | undefined => message.usage_metadata as UsageMetadata | undefined;

async function streamed(chunks: AsyncIterable<AIMessageChunk>): Promise<AIMessageChunk> {
  let whole: AIMessageChunk | undefined;
  for await (const chunk of chunks) whole = whole === undefined ? chunk : whole.concat(chunk);
  if (whole === undefined) throw new Error('empty stream');
  return whole;
}

describe('ChatAnthropic on /v1/messages', () => {
  it('a streamed Claude call reports its real input tokens (read from message_start)', async () => {
    const message = await streamed(await chatAnthropic('claude-sonnet-4-5').stream('Say hello to the whole wide world'));
    expect(usageOf(message)?.input_tokens).toBeGreaterThan(0);
    expect(usageOf(message)?.output_tokens).toBeGreaterThan(0);
  });

  describe.each(['claude-haiku-4-5', 'gpt-5-mini', 'gemini-2.5-flash'])('%s', (model) => {
    it('tools and structured output', async () => {
      const withTools = chatAnthropic(model).bindTools([weatherTool]);
      const call = await withTools.invoke('Weather in Lima? [emulate:tool_call]');
      expect(call.tool_calls?.[0]).toMatchObject({ name: 'get_weather', args: { city: expect.any(String) as string } });

      const structured = chatAnthropic(model).withStructuredOutput(z.object({ city: z.string(), country: z.string() }));
      const value = await structured.invoke('Where is the Eiffel tower?');
      expect(value).toEqual({ city: expect.any(String) as string, country: expect.any(String) as string });
    });
  });
});

describe.each([
  ['Responses', true],
  ['Chat Completions', false],
])('ChatOpenAI over %s', (_api, useResponsesApi) => {
  describe.each(['gpt-5-mini', 'gemini-2.5-flash', 'claude-haiku-4-5'])('%s', (model) => {
    it('tools, a tool loop, structured output and streaming', async () => {
      const llm = chatOpenAI(model, useResponsesApi, model.startsWith('claude') ? 'default' : '00h-00m-30s');
      const withTools = llm.bindTools([weatherTool]);
      const question = 'Weather in Lima? [emulate:tool_call]';
      const call = await withTools.invoke(question);
      const toolCall = call.tool_calls?.[0];
      expect(toolCall).toMatchObject({ name: 'get_weather', args: { city: expect.any(String) as string } });
      const answer = await withTools.invoke([
        ['user', question],
        call,
        { role: 'tool', content: '{"temp_c":19}', tool_call_id: toolCall!.id! },
      ]);
      expect(answer.text.length).toBeGreaterThan(0);

      const structured = llm.withStructuredOutput(z.object({ city: z.string() }));
      expect(await structured.invoke('Name a city.')).toEqual({ city: expect.any(String) as string });

      const message = await streamed(await llm.stream('Say hello'));
      expect(message.text.length).toBeGreaterThan(0);
      expect(usageOf(message)?.input_tokens).toBeGreaterThan(0);
    });
  });

  it('reasoning settings on a reasoning model', async () => {
    const llm = new ChatOpenAI({
      model: 'gpt-5-mini',
      apiKey: h.key,
      configuration: { baseURL: `${h.url}/v1` },
      modelKwargs: { start_within: 'default' },
      useResponsesApi,
      reasoning: { effort: 'low', ...(useResponsesApi ? { summary: 'auto' as const } : {}) },
      maxRetries: 0,
    });
    const message = await llm.invoke('Think, then answer. [emulate:reasoning]');
    expect(message.text.length).toBeGreaterThan(0);
    expect(usageOf(message)?.output_token_details?.reasoning).toBeGreaterThan(0);
  });
});
