import { describe, expect, it } from 'vitest';
import { FlexError } from '../../errors/catalog.js';
import { interactionsSurface } from './index.js';
import { canonicalEvents, canonicalResponse, need, parseSse } from './test-support/fixtures.js';
import type { AnswerSpec, EventJson } from './test-support/fixtures.js';

const ctx = { servedTier: 'flex' as const, requestId: 'req_9' };

const answer: AnswerSpec = {
  id: 'msg_01',
  model: 'claude-sonnet-4-5',
  createdAt: 1_778_871_117,
  usage: { inputTokens: 50, cachedTokens: 0, outputTokens: 40, reasoningTokens: 25 },
  steps: [
    { kind: 'thought', summary: ['Gemini thinking'], opaque: { provider: 'gemini', data: 'CiQBDDnW' } },
    { kind: 'thought', id: 'rs_0abc', summary: ['**Plan**'], opaque: { provider: 'openai', data: 'gAAAAB' } },
    { kind: 'thought', text: ['Anthropic ', 'thinking'], opaque: { provider: 'anthropic', data: 'EqQBCkYI' } },
    { kind: 'thought', opaque: { provider: 'anthropic', data: 'RDX', redacted: true } },
    { kind: 'text', deltas: ['Checking the weather.'] },
    { kind: 'call', callId: 'toolu_01', name: 'getWeather', argDeltas: ['{"location":"SF","unit":"c"}'], opaque: { provider: 'gemini', data: 'FC_SIG' } },
  ],
};

describe('interactionsSurface', () => {
  it('declares its route and token-limit field', () => {
    expect(interactionsSurface.name).toBe('interactions');
    expect(interactionsSurface.path).toBe('/v1/interactions');
    expect(interactionsSurface.maxTokensParam).toBe('generation_config.max_output_tokens');
  });

  it('renders errors in the Google envelope', () => {
    const rendered = interactionsSurface.renderError(new FlexError('rate_limit_exceeded', { retryAfterSeconds: 5 }), 'http://x');
    expect(rendered.status).toBe(429);
    expect(rendered.headers).toEqual({ 'retry-after': '5', 'x-flexinference-error-code': 'rate_limit_exceeded' });
    expect(rendered.body).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });
  });

  it('names the offending field in the message, since the Google envelope has no param', () => {
    const err = new FlexError('invalid_start_within', { param: 'start_within', detail: '"nope" is not a duration.' });
    const body = interactionsSurface.renderError(err, 'http://x').body as { error: { message: string } };
    expect(body.error.message).toBe(`\`start_within\`: ${err.message}`);
    // A message that already names its field is left as it is.
    const named = new FlexError('unsupported_parameter', { param: 'generation_config.seed', detail: '`generation_config.seed` is not supported.' });
    expect((interactionsSurface.renderError(named, 'http://x').body as { error: { message: string } }).error.message).toBe(named.message);
  });

  it('round-trips every provider\'s opaque state through a replayed conversation', () => {
    const first = interactionsSurface.decode({ model: 'claude-sonnet-4-5', input: 'Weather?', start_within: 'default' });
    const body = first.encodeResponse(canonicalResponse(answer), ctx) as { steps: unknown[]; status: string; service_tier: string };
    expect(body.status).toBe('requires_action');
    expect(body.service_tier).toBe('flex');

    const second = interactionsSurface.decode({
      model: 'gemini-2.5-flash',
      start_within: '00h-01m-00s',
      input: [
        { type: 'user_input', content: [{ type: 'text', text: 'Weather?' }] },
        ...body.steps,
        { type: 'function_result', call_id: 'toolu_01', name: 'getWeather', result: { temp: 8 } },
      ],
    });
    expect(second.request.input).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
      { type: 'reasoning', id: 'rs_input_0', summary: ['Gemini thinking'], opaque: { provider: 'gemini', data: 'CiQBDDnW' } },
      { type: 'reasoning', id: 'rs_0abc', summary: ['**Plan**'], opaque: { provider: 'openai', data: 'gAAAAB' } },
      { type: 'reasoning', id: 'rs_input_1', summary: [], text: 'Anthropic thinking', opaque: { provider: 'anthropic', data: 'EqQBCkYI' } },
      { type: 'reasoning', id: 'rs_input_2', summary: [], opaque: { provider: 'anthropic', data: 'RDX', redacted: true } },
      { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Checking the weather.' }] },
      {
        type: 'function_call',
        id: 'toolu_01',
        callId: 'toolu_01',
        name: 'getWeather',
        arguments: '{"location":"SF","unit":"c"}',
        opaque: { provider: 'gemini', data: 'FC_SIG' },
      },
      { type: 'function_call_output', callId: 'toolu_01', output: '{"temp":8}' },
    ]);
  });

  it('binds the stream encoder to the request (image input drops the text-only breakdown)', () => {
    const decoded = interactionsSurface.decode({
      model: 'gemini-2.5-flash',
      start_within: 'default',
      stream: true,
      input: [{ type: 'image', uri: 'https://example.com/a.png' }],
    });
    expect(decoded.stream).toBe(true);
    const encoder = decoded.createStreamEncoder(ctx);
    const text = canonicalEvents(answer).map((e) => encoder.event(e)).join('') + encoder.end();
    const frames = parseSse(text);
    const completed: EventJson = JSON.parse(need(frames.at(-2)).data);
    expect(completed.event_type).toBe('interaction.completed');
    expect(completed.interaction?.status).toBe('requires_action');
    expect(completed.interaction?.usage.input_tokens_by_modality).toBeUndefined();
    expect(completed.interaction?.usage.total_output_tokens).toBe(15);
    // One step per output item, indexes from 0.
    const starts = frames.filter((f) => f.event === 'step.start').map((f) => (JSON.parse(f.data) as EventJson).index);
    expect(starts).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
