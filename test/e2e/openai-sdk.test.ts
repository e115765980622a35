// The user's view: the official `openai` SDK pointed at the real gateway, the real emulator upstream.
import { describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import { useOpenAIHarness } from './harness.js';

const gw = useOpenAIHarness();

// `start_within` travels as an extra body property, as a Node SDK user would pass it.
const extra = (startWithin: string) => ({ start_within: startWithin }) as Record<string, unknown>;

describe.each(['default', '00h-00m-30s'])('openai SDK with start_within=%s', (startWithin) => {
  const expectedTier = startWithin === 'default' ? 'default' : 'flex';

  it('responses.create (non-stream)', async () => {
    const { data, response } = await gw.client.responses
      .create({ model: 'gpt-5-mini', input: 'Say hello', ...extra(startWithin) })
      .withResponse();
    expect(data.status).toBe('completed');
    expect(data.output_text.length).toBeGreaterThan(0);
    expect(data.service_tier).toBe(expectedTier);
    expect(data.usage?.input_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-flexinference-tier')).toBe(startWithin === 'default' ? 'standard' : 'flex');
    expect(response.headers.get('x-flexinference-route')).toBe(startWithin === 'default' ? 'direct' : 'flex_admitted');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    const upstream = gw.h.emulator.requests.at(-1)!;
    expect((upstream.body as Record<string, unknown>).start_within).toBeUndefined();
    expect((upstream.body as Record<string, unknown>).service_tier).toBe(startWithin === 'default' ? 'default' : 'flex');
  });

  it('responses.create (stream) is accepted by the SDK stream parser', async () => {
    const stream = await gw.client.responses.create({ model: 'gpt-5-mini', input: 'Say hello', stream: true, ...extra(startWithin) });
    const types: string[] = [];
    let text = '';
    let final: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') final = event.response;
    }
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.output_text.delta');
    expect(types.at(-1)).toBe('response.completed');
    expect(text.length).toBeGreaterThan(0);
    expect(final?.service_tier).toBe(expectedTier);
  });

  it('chat.completions.create (non-stream)', async () => {
    const res = await gw.client.chat.completions.create({
      model: 'gpt-5-mini',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }],
      ...extra(startWithin),
    });
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(res.choices[0]?.finish_reason).toBe('stop');
    expect(res.service_tier).toBe(expectedTier);
  });

  it('chat.completions.create (stream, include_usage)', async () => {
    const stream = await gw.client.chat.completions.create({
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
      stream_options: { include_usage: true },
      ...extra(startWithin),
    });
    let text = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('stop');
    expect(usage?.total_tokens).toBeGreaterThan(0);
  });
});

describe('tool calls through the SDK', () => {
  it('chat: a function call comes back with arguments, and the tool result round-trips', async () => {
    const tools: OpenAI.Chat.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
    ];
    const first = await gw.client.chat.completions.create({
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: 'Weather in Paris? [emulate:tool_call name=get_weather args={"city":"Paris"}]' }],
      tools,
      ...extra('default'),
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    const second = await gw.client.chat.completions.create({
      model: 'gpt-5-mini',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        first.choices[0]!.message,
        { role: 'tool', tool_call_id: call!.id, content: '{"temp":21}' },
      ],
      tools,
      ...extra('default'),
    });
    expect(second.choices[0]?.finish_reason).toBe('stop');
    const sent = gw.h.emulator.requests.at(-1)!.body as { input: { type: string; call_id?: string }[] };
    expect(sent.input.find((i) => i.type === 'function_call_output')?.call_id).toBe(call!.id);
  });
});
