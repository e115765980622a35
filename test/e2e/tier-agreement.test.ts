// The tier header and the body agree: both report what the provider says it served (a Claude
// "priority" request runs on Anthropic's "auto", and Anthropic says which tier it used).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { post, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const auth = (): Record<string, string> => ({ authorization: `Bearer ${h.key}` });

/** The served tier a Messages answer reports: in usage, or in message_start's usage when streamed. */
function messagesTier(text: string, stream: boolean): string | undefined {
  if (!stream) return (JSON.parse(text) as { usage: { service_tier: string } }).usage.service_tier;
  const start = text.split('\n').find((line) => line.startsWith('data: ') && line.includes('"message_start"'));
  return (JSON.parse(start!.slice(6)) as { message: { usage: { service_tier: string } } }).message.usage.service_tier;
}

describe.each([false, true])('stream: %s', (stream) => {
  it.each(['priority', 'auto', 'default'])('claude with start_within=%s: header and body say the same tier', async (startWithin) => {
    const res = await post(
      `${h.url}/v1/messages`,
      JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hello' }], stream, start_within: startWithin }),
      auth(),
    );
    expect(res.status).toBe(200);
    const upstream = h.emulator.requests.at(-1)!.body as { service_tier: string };
    expect(upstream.service_tier).toBe(startWithin === 'default' ? 'standard_only' : 'auto');
    const bodyTier = messagesTier(res.text, stream);
    expect(['standard', 'priority']).toContain(bodyTier);
    expect(res.headers.get('x-flexinference-tier')).toBe(bodyTier);
  });
});

it('a Responses answer for an OpenAI model reports the served tier in header and body', async () => {
  const res = await post(`${h.url}/v1/responses`, JSON.stringify({ model: 'gpt-5-mini', input: 'Hello', start_within: 'auto' }), auth());
  const body = res.json as { service_tier: string };
  expect(res.headers.get('x-flexinference-tier')).toBe(body.service_tier === 'default' ? 'standard' : body.service_tier);
});
