// The matrix tells a documented refusal from a failure by the error each SDK raises; this proves
// the classification on a real refusal through every surface's envelope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { Harness } from '../harness.js';
import { startHarness } from '../harness.js';
import { classifyError } from './classify.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const startWithin = { start_within: 'default' } as Record<string, unknown>;

async function thrown(call: () => Promise<unknown>): Promise<unknown> {
  return call().then(
    () => new Error('expected the call to be refused'),
    (err: unknown) => err,
  );
}

describe('classifyError on real refusals', () => {
  it('OpenAI envelope (code field): Responses with a caller service_tier', async () => {
    const client = new OpenAI({ apiKey: h.key, baseURL: `${h.url}/v1`, maxRetries: 0 });
    const err = await thrown(() => client.responses.create({ model: 'gpt-5-mini', input: 'hi', service_tier: 'flex', ...startWithin }));
    expect(classifyError(err)).toMatchObject({ kind: 'refused', code: 'service_tier_not_allowed' });
  });

  it('OpenAI envelope: Chat with a seed', async () => {
    const client = new OpenAI({ apiKey: h.key, baseURL: `${h.url}/v1`, maxRetries: 0 });
    const err = await thrown(() => client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }], seed: 7, ...startWithin }));
    expect(classifyError(err)).toMatchObject({ kind: 'refused', code: 'unsupported_parameter' });
  });

  it('Anthropic envelope (no code field; found by the rule text): Messages with stop_sequences', async () => {
    const client = new Anthropic({ apiKey: h.key, baseURL: h.url, maxRetries: 0 });
    const err = await thrown(() =>
      client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, stop_sequences: ['END'], messages: [{ role: 'user', content: 'hi' }], ...startWithin }),
    );
    expect(classifyError(err)).toMatchObject({ kind: 'refused', code: 'unsupported_parameter' });
  });

  it('Google envelope (no code field): Interactions with auto on a Gemini model', async () => {
    const ai = new GoogleGenAI({ apiKey: h.key, httpOptions: { baseUrl: h.url, apiVersion: 'v1' } });
    const err = await thrown(() =>
      ai.interactions.create({ model: 'gemini-2.5-flash', input: 'hi' }, { extra_body: { start_within: 'auto' }, maxRetries: 0 }),
    );
    expect(classifyError(err)).toMatchObject({ kind: 'refused', code: 'auto_unsupported_for_gemini' });
  });

  it('anything else is a failure with its reason', () => {
    expect(classifyError(new Error('boom'))).toEqual({ kind: 'fail', reason: 'boom' });
    expect(classifyError({ status: 502, error: { error: { message: 'bad gateway' } } })).toEqual({ kind: 'fail', reason: 'HTTP 502: bad gateway' });
  });
});
