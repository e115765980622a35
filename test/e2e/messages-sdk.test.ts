// The user's view of /v1/messages: the official `@anthropic-ai/sdk` 1.x pointed at the real gateway
// (baseURL = the gateway, apiKey = the FlexInference key), an OpenAI model served by the real
// emulator upstream.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import type { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import type { Harness } from './harness.js';
import { startHarness } from './harness.js';

type MessageParams = Anthropic.MessageCreateParamsNonStreaming;
type Block = Anthropic.ContentBlock;

let h: Harness;
let client: Anthropic;
/** Headers of every request the SDK sent, to prove how it authenticates. */
const sentHeaders: Headers[] = [];

const recordingFetch: typeof fetch = (input, init) => {
  sentHeaders.push(new Headers(init?.headers));
  return fetch(input, init);
};

beforeAll(async () => {
  h = await startHarness();
  client = new Anthropic({ apiKey: h.key, baseURL: h.url, maxRetries: 0, timeout: 15_000, fetch: recordingFetch });
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  h.emulator.configure({ capacity: [] });
});

/**
 * `start_within` is not a Messages field, so the SDK's param type has no slot for it; a Node caller
 * adds it as an extra property of the params object (the SDK sends the params as the JSON body).
 */
function params(startWithin: string, body: Omit<MessageParams, 'model' | 'max_tokens'> & { max_tokens?: number }): MessageParams {
  return { model: 'gpt-5-mini', max_tokens: 4096, ...body, start_within: startWithin } as MessageParams;
}

const lastUpstream = (): Record<string, unknown> => h.emulator.requests.at(-1)!.body as Record<string, unknown>;
const textOf = (content: Block[]): string => content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe.each(['default', '00h-00m-30s'])('anthropic SDK with start_within=%s', (startWithin) => {
  const expectedTier = startWithin === 'default' ? 'standard' : 'flex';

  it('messages.create (non-stream) reports the served tier in usage.service_tier', async () => {
    const { data, response } = await client.messages
      .create(params(startWithin, { system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello' }] }))
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.role).toBe('assistant');
    expect(data.id).toMatch(/^msg_/);
    expect(data.stop_reason).toBe('end_turn');
    expect(textOf(data.content).length).toBeGreaterThan(0);
    expect(data.usage.service_tier).toBe(expectedTier);
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-flexinference-tier')).toBe(expectedTier);
    expect(response.headers.get('x-flexinference-route')).toBe(startWithin === 'default' ? 'direct' : 'flex_admitted');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    const upstream = lastUpstream();
    expect(upstream.start_within).toBeUndefined();
    expect(upstream.service_tier).toBe(startWithin === 'default' ? 'default' : 'flex');
    expect(upstream.instructions).toBe('Be brief.');
  });

  it('messages.stream() emits text deltas and finalMessage() resolves with the tier', async () => {
    const stream = client.messages.stream(params(startWithin, { messages: [{ role: 'user', content: 'Say hello' }] }));
    const types: string[] = [];
    let text = '';
    stream.on('streamEvent', (event) => types.push(event.type));
    stream.on('text', (delta) => (text += delta));
    const final = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types).toContain('content_block_delta');
    expect(types.at(-1)).toBe('message_stop');
    expect(text.length).toBeGreaterThan(0);
    expect(textOf(final.content)).toBe(text);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.service_tier).toBe(expectedTier);
    expect(final.usage.input_tokens).toBeGreaterThan(0);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });
});

describe('authentication', () => {
  it('SDK 1.x sends the key as Authorization: Bearer', async () => {
    const n = sentHeaders.length;
    await client.messages.create(params('default', { messages: [{ role: 'user', content: 'hi' }] }));
    const headers = sentHeaders[n]!;
    expect(headers.get('authorization')).toBe(`Bearer ${h.key}`);
    expect(headers.get('x-api-key')).toBeNull();
    expect(headers.get('anthropic-version')).toBeTruthy();
  });

  it('an older client sending x-api-key works too', async () => {
    const older = new Anthropic({ apiKey: null, baseURL: h.url, maxRetries: 0, defaultHeaders: { 'x-api-key': h.key }, fetch: recordingFetch });
    const n = sentHeaders.length;
    const message = await older.messages.create(params('default', { messages: [{ role: 'user', content: 'hi' }] }));
    expect(sentHeaders[n]!.get('authorization')).toBeNull();
    expect(sentHeaders[n]!.get('x-api-key')).toBe(h.key);
    expect(message.usage.service_tier).toBe('standard');
  });

  it('a wrong key is raised by the SDK as AuthenticationError', async () => {
    const wrong = new Anthropic({ apiKey: 'flex_live_nope', baseURL: h.url, maxRetries: 0 });
    const err: unknown = await wrong.messages.create(params('default', { messages: [{ role: 'user', content: 'hi' }] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    const apiErr = err as InstanceType<typeof Anthropic.AuthenticationError>;
    expect(apiErr.status).toBe(401);
    expect(apiErr.error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });
});

describe('tool use round trip', () => {
  const ask = 'Weather in Paris? [emulate:tool_call name=get_weather args={"city":"Paris"}]';

  async function toolRoundTrip(first: Anthropic.Message): Promise<void> {
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(call?.name).toBe('get_weather');
    expect(call?.input).toEqual({ city: 'Paris' });
    expect(call?.id.length).toBeGreaterThan(0);

    // The Anthropic loop: replay the assistant turn unchanged, answer with a tool_result.
    const second = await client.messages.create(
      params('default', {
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call!.id, content: '{"temp_c":21}' }] },
        ],
      }),
    );
    expect(second.stop_reason).toBe('end_turn');
    expect(textOf(second.content).length).toBeGreaterThan(0);
    const input = lastUpstream().input as { type: string; call_id?: string; output?: unknown; name?: string }[];
    expect(input.find((i) => i.type === 'function_call')).toMatchObject({ call_id: call!.id, name: 'get_weather' });
    expect(input.find((i) => i.type === 'function_call_output')).toMatchObject({ call_id: call!.id, output: '{"temp_c":21}' });
  }

  it('messages.create: tool_use → tool_result → final text', async () => {
    const first = await client.messages.create(params('default', { tools: [weatherTool], messages: [{ role: 'user', content: ask }] }));
    const tools = lastUpstream().tools as { type: string; name: string }[];
    expect(tools[0]).toMatchObject({ type: 'function', name: 'get_weather' });
    await toolRoundTrip(first);
  });

  it('messages.stream(): the tool call streams as input_json_delta and finalMessage() parses it', async () => {
    const stream = client.messages.stream(params('00h-00m-30s', { tools: [weatherTool], messages: [{ role: 'user', content: ask }] }));
    const deltaTypes = new Set<string>();
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_delta') deltaTypes.add(event.delta.type);
    });
    const first = await stream.finalMessage();
    expect(deltaTypes).toContain('input_json_delta');
    expect(first.usage.service_tier).toBe('flex');
    await toolRoundTrip(first);
  });
});

describe('extended thinking', () => {
  const thinking = { type: 'enabled', budget_tokens: 2048 } as const;

  function thinkingBlocks(content: Block[]): Anthropic.ThinkingBlock[] {
    return content.filter((b): b is Anthropic.ThinkingBlock => b.type === 'thinking');
  }

  it('thinking blocks come back with a signature, and replaying them in the next turn works', async () => {
    const first = await client.messages.create(
      params('default', { thinking, messages: [{ role: 'user', content: 'Think about 17*23. [emulate:reasoning]' }] }),
    );
    const upstreamFirst = lastUpstream();
    expect(upstreamFirst.reasoning).toMatchObject({ effort: 'medium' });
    expect(upstreamFirst.include).toContain('reasoning.encrypted_content');
    const blocks = thinkingBlocks(first.content);
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.some((b) => b.thinking.length > 0)).toBe(true);
    expect(blocks.every((b) => b.signature.length > 0)).toBe(true);
    expect(first.content.at(-1)?.type).toBe('text');
    expect(first.usage.output_tokens_details?.thinking_tokens).toBeGreaterThan(0);

    // Next turn: the assistant turn goes back unchanged, thinking blocks included.
    const second = await client.messages.create(
      params('default', {
        thinking,
        messages: [
          { role: 'user', content: 'Think about 17*23.' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: 'And double it?' },
        ],
      }),
    );
    expect(second.stop_reason).toBe('end_turn');
    const replayed = (lastUpstream().input as { type: string; encrypted_content?: string }[]).filter((i) => i.type === 'reasoning');
    expect(replayed.length).toBe(blocks.length);
    expect(replayed.every((r) => typeof r.encrypted_content === 'string' && r.encrypted_content.length > 0)).toBe(true);
  });

  it('streams thinking_delta and signature_delta; finalMessage() holds the thinking block', async () => {
    const stream = client.messages.stream(
      params('00h-00m-30s', { thinking, messages: [{ role: 'user', content: 'Think first. [emulate:reasoning]' }] }),
    );
    const deltaTypes: string[] = [];
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_delta') deltaTypes.push(event.delta.type);
    });
    const final = await stream.finalMessage();
    expect(deltaTypes).toContain('thinking_delta');
    expect(deltaTypes).toContain('signature_delta');
    expect(deltaTypes.indexOf('signature_delta')).toBeLessThan(deltaTypes.indexOf('text_delta'));
    const blocks = thinkingBlocks(final.content);
    expect(blocks[0]?.thinking.length).toBeGreaterThan(0);
    expect(blocks[0]?.signature.length).toBeGreaterThan(0);
    expect(final.usage.service_tier).toBe('flex');
  });
});

describe('failure after commit', () => {
  async function expectStreamRaises(stream: MessageStream): Promise<string[]> {
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const err: unknown = await stream.finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(types[0]).toBe('message_start');
    expect(types).not.toContain('message_stop');
    return types;
  }

  it('flex fails mid-stream: the SDK stream raises the in-stream error event', async () => {
    h.emulator.configure({ capacity: [{ provider: 'openai', tier: 'flex', set: { midstreamFailureRate: 1 } }] });
    const stream = client.messages.stream(params('00h-00m-30s', { messages: [{ role: 'user', content: 'Say hello' }] }));
    await expectStreamRaises(stream);
    expect(h.emulator.requests.at(-1)?.outcome).toBe('failed_midstream');
  });

  it('[emulate:fail_midstream] on the standard tier: the SDK stream raises too', async () => {
    const stream = client.messages.stream(params('default', { messages: [{ role: 'user', content: 'Say hello [emulate:fail_midstream]' }] }));
    await expectStreamRaises(stream);
  });

  it('non-streamed: a flex failure after admission is re-run on standard', async () => {
    h.emulator.configure({ capacity: [{ provider: 'openai', tier: 'flex', set: { midstreamFailureRate: 1 } }] });
    const { data, response } = await client.messages
      .create(params('00h-00m-30s', { messages: [{ role: 'user', content: 'Say hello' }] }))
      .withResponse();
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage.service_tier).toBe('standard');
    expect(response.headers.get('x-flexinference-route')).toBe('flex_failed_after_admission');
  });
});
