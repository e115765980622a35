// "Use them exactly as you would with the provider": OpenAI-native Responses fields reach an OpenAI
// model as they were sent, and are refused for another provider's model with a message naming the
// field, the provider and what to do instead. Official `openai` SDK, real gateway, real emulator.
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { useOpenAIHarness } from './harness.js';

const gw = useOpenAIHarness();

const lastUpstream = (): Record<string, unknown> => gw.h.emulator.requests.at(-1)!.body as Record<string, unknown>;

const nativeFields = {
  text: { verbosity: 'low' },
  truncation: 'auto',
  prompt_cache_key: 'tenant-42',
  max_tool_calls: 3,
  previous_response_id: 'resp_earlier',
  include: ['web_search_call.action.sources'],
  tools: [
    { type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} }, strict: false },
    { type: 'web_search' },
    { type: 'file_search', vector_store_ids: ['vs_1'] },
  ],
};

describe('OpenAI-native Responses fields', () => {
  it('pass through to an OpenAI model as sent, with store honoured', async () => {
    const res = await gw.client.responses.create({ model: 'gpt-5-mini', input: 'Hello', ...nativeFields, start_within: 'default' } as never);
    expect((res as { status: string }).status).toBe('completed');
    const upstream = lastUpstream();
    expect(upstream).toMatchObject({
      text: { verbosity: 'low' },
      truncation: 'auto',
      prompt_cache_key: 'tenant-42',
      max_tool_calls: 3,
      previous_response_id: 'resp_earlier',
      store: true,
    });
    expect(upstream.include).toEqual(expect.arrayContaining(['web_search_call.action.sources', 'reasoning.encrypted_content']));
    expect(upstream.tools).toEqual([
      expect.objectContaining({ type: 'function', name: 'lookup' }),
      { type: 'web_search' },
      { type: 'file_search', vector_store_ids: ['vs_1'] },
    ]);

    await gw.client.responses.create({ model: 'gpt-5-mini', input: 'Hello', store: false, start_within: 'default' } as never);
    expect(lastUpstream().store).toBe(false);
  });

  it.each([
    ['gemini-2.5-flash', 'Gemini', { truncation: 'auto' }, 'truncation'],
    ['claude-haiku-4-5', 'Anthropic', { text: { verbosity: 'low' }, max_output_tokens: 100 }, 'text.verbosity'],
    ['gemini-2.5-flash', 'Gemini', { tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] }, 'tools[0].type'],
  ])('are refused for %s, naming %s and the field', async (model, provider, extra, param) => {
    const before = gw.h.emulator.requests.length;
    const err: unknown = await gw.client.responses
      .create({ model, input: 'Hello', ...extra, start_within: 'default' } as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const apiErr = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(apiErr.code).toBe('unsupported_parameter');
    expect(apiErr.param).toBe(param);
    expect(apiErr.message).toContain(provider);
    expect(apiErr.message).toContain('OpenAI');
    expect(gw.h.emulator.requests.length).toBe(before);
  });

  it('store is honoured on every provider (FlexInference keeps the items) and never refused', async () => {
    const res = await gw.client.responses.create({ model: 'gemini-2.5-flash', input: 'Hello', store: true, start_within: 'default' } as never);
    expect((res as unknown as { store: boolean }).store).toBe(true);
  });
});

describe('OpenAI-native Chat Completions fields', () => {
  const chatNative = {
    verbosity: 'low',
    prompt_cache_key: 'tenant-42',
    prompt_cache_retention: '24h',
    moderation: { model: 'omni-moderation-latest' },
    store: true,
  } as const;

  it('reach an OpenAI model in their Responses spelling, beside the translated fields', async () => {
    const res = await gw.client.chat.completions.create({
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: 'Hello' }],
      response_format: { type: 'json_object' },
      ...chatNative,
      start_within: 'default',
    } as never);
    expect((res as OpenAI.Chat.ChatCompletion).choices[0]!.finish_reason).toBe('stop');
    expect(lastUpstream()).toMatchObject({
      text: { format: { type: 'json_object' }, verbosity: 'low' },
      prompt_cache_key: 'tenant-42',
      prompt_cache_retention: '24h',
      moderation: { model: 'omni-moderation-latest' },
      store: true,
    });
    expect(lastUpstream()).not.toHaveProperty('verbosity');
  });

  it('pass through on a streamed request too, and defaults send nothing extra', async () => {
    const stream = await gw.client.chat.completions.create({
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: 'Hello' }],
      stream: true,
      verbosity: 'high',
      prompt_cache_key: 'tenant-7',
      start_within: 'default',
    } as never);
    let text = '';
    for await (const chunk of stream as unknown as AsyncIterable<OpenAI.Chat.ChatCompletionChunk>) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(lastUpstream()).toMatchObject({ text: { verbosity: 'high' }, prompt_cache_key: 'tenant-7', store: false });

    await gw.client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hello' }], verbosity: 'medium', store: false, start_within: 'default' } as never);
    expect(lastUpstream()).not.toHaveProperty('text');
    expect(lastUpstream()).not.toHaveProperty('prompt_cache_key');
    expect(lastUpstream().store).toBe(false);
  });

  it.each([
    ['claude-haiku-4-5', 'Anthropic', { verbosity: 'low' }, 'verbosity'],
    ['gemini-2.5-flash', 'Gemini', { prompt_cache_key: 'tenant-42' }, 'prompt_cache_key'],
    ['claude-haiku-4-5', 'Anthropic', { store: true }, 'store'],
  ])('are refused for %s, naming %s and the field, in the Chat error envelope', async (model, provider, extra, param) => {
    const before = gw.h.emulator.requests.length;
    const err: unknown = await gw.client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'Hello' }], max_completion_tokens: 100, ...extra, start_within: 'default' } as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const apiErr = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(apiErr.code).toBe('unsupported_parameter');
    expect(apiErr.param).toBe(param);
    expect(apiErr.message).toContain(`\`${param}\` is a feature of OpenAI`);
    expect(apiErr.message).toContain(provider);
    expect(gw.h.emulator.requests.length).toBe(before);
  });

  it('fields the Responses API lacks stay refused for OpenAI models as well', async () => {
    const err: unknown = await gw.client.chat.completions
      .create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hello' }], seed: 7, start_within: 'default' } as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('seed');
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('Responses API');
  });
});
