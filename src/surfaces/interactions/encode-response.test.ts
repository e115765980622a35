import { describe, expect, it } from 'vitest';
import type { CanonicalResponse } from '../../canonical/types.js';
import type { EncodeContext } from '../surface.js';
import { encodeInteractionsResponse, isoSeconds, parseArguments } from './encode-response.js';
import { interactionStatus } from './map-status.js';
import { mapInteractionsUsage } from './map-usage.js';
import { canonicalResponse, canonicalUsage, fixtureJson, need, unixSeconds } from './test-support/fixtures.js';
import type { RecordedInteraction, StepSpec } from './test-support/fixtures.js';

const ctx: EncodeContext = { servedTier: 'standard', requestId: 'req_1' };

/** The canonical answer a provider would assemble for a recorded interaction. */
function canonicalFor(recorded: RecordedInteraction, steps: StepSpec[]): CanonicalResponse {
  return canonicalResponse({
    id: recorded.id,
    model: recorded.model,
    createdAt: unixSeconds(recorded.created),
    usage: canonicalUsage(recorded.usage),
    steps,
  });
}

function sig(recorded: RecordedInteraction): string {
  return need(recorded.steps?.[0]?.signature, 'thought signature');
}

function answerText(recorded: RecordedInteraction): string {
  return need(recorded.steps?.[1]?.content?.[0]?.text, 'answer text');
}

function expectSameBody(actual: unknown, recorded: unknown): void {
  expect(actual).toEqual(recorded);
  // Key order too, so the body reads like the API's.
  expect(JSON.stringify(actual)).toBe(JSON.stringify(recorded));
}

describe('interactions response encoder on the recorded bodies', () => {
  it('reproduces basic.json', () => {
    const recorded = fixtureJson('basic.json') as RecordedInteraction;
    const response = canonicalFor(recorded, [
      { kind: 'thought', opaque: { provider: 'gemini', data: sig(recorded) } },
      { kind: 'text', deltas: [answerText(recorded)] },
    ]);
    expectSameBody(encodeInteractionsResponse(response, ctx, { textOnlyInput: true }), recorded);
  });

  it('reproduces tool-call-step1.json (requires_action, arguments as an object)', () => {
    const recorded = fixtureJson('tool-call-step1.json') as RecordedInteraction;
    const call = need(recorded.steps?.[1]);
    const response = canonicalFor(recorded, [
      { kind: 'thought', opaque: { provider: 'gemini', data: sig(recorded) } },
      { kind: 'call', callId: need(call.id), name: need(call.name), argDeltas: [JSON.stringify(call.arguments)] },
    ]);
    expectSameBody(encodeInteractionsResponse(response, ctx, { textOnlyInput: true }), recorded);
  });

  it('reproduces tool-call-step2.json', () => {
    const recorded = fixtureJson('tool-call-step2.json') as RecordedInteraction;
    const response = canonicalFor(recorded, [
      { kind: 'thought', opaque: { provider: 'gemini', data: sig(recorded) } },
      { kind: 'text', deltas: [answerText(recorded)] },
    ]);
    expectSameBody(encodeInteractionsResponse(response, ctx, { textOnlyInput: true }), recorded);
  });

  it('reproduces structured-output.json (JSON text answer)', () => {
    const recorded = fixtureJson('structured-output.json') as RecordedInteraction;
    const response = canonicalFor(recorded, [
      { kind: 'thought', opaque: { provider: 'gemini', data: sig(recorded) } },
      { kind: 'text', deltas: [answerText(recorded)] },
    ]);
    expectSameBody(encodeInteractionsResponse(response, ctx, { textOnlyInput: true }), recorded);
  });
});

describe('interactions response encoder, other providers', () => {
  const usage = { inputTokens: 12, cachedTokens: 2, outputTokens: 9, reasoningTokens: 4 };
  const answer = (steps: StepSpec[], status?: CanonicalResponse['status']): CanonicalResponse =>
    canonicalResponse({ id: 'resp_1', model: 'gpt-5-mini', createdAt: 1_700_000_000.7, usage, steps, ...(status ? { status } : {}) });

  it('wraps OpenAI encrypted reasoning (with its item id) and keeps the summary', () => {
    const body = encodeInteractionsResponse(
      answer([{ kind: 'thought', id: 'rs_42', summary: ['**Plan**'], opaque: { provider: 'openai', data: 'gAAA==' } }]),
      { servedTier: 'flex', requestId: 'r' },
      { textOnlyInput: true },
    );
    expect(body.steps).toEqual([
      { signature: 'flexinf:openai:rs_42:gAAA==', summary: [{ text: '**Plan**', type: 'text' }], type: 'thought' },
    ]);
    expect(body.service_tier).toBe('flex');
    expect(body.created).toBe('2023-11-14T22:13:20Z');
  });

  it('shows Anthropic thinking as the summary; redacted thinking has a signature only', () => {
    const body = encodeInteractionsResponse(
      answer([
        { kind: 'thought', text: ['Because ', 'reasons.'], opaque: { provider: 'anthropic', data: 'EqQB' } },
        { kind: 'thought', opaque: { provider: 'anthropic', data: 'REDACTED', redacted: true } },
        { kind: 'text', deltas: ['Done.'] },
      ]),
      ctx,
      { textOnlyInput: false },
    );
    expect(body.steps).toEqual([
      { signature: 'flexinf:anthropic:EqQB', summary: [{ text: 'Because reasons.', type: 'text' }], type: 'thought' },
      { signature: 'flexinf:anthropic-redacted:REDACTED', type: 'thought' },
      { content: [{ text: 'Done.', type: 'text' }], type: 'model_output' },
    ]);
    expect(body.usage.input_tokens_by_modality).toBeUndefined();
  });

  it('renders refusals as text and truncated call arguments as an empty object', () => {
    const body = encodeInteractionsResponse(
      answer([{ kind: 'text', deltas: ['No.'], refusal: true }, { kind: 'call', callId: 'c', name: 'f', argDeltas: ['{"a":'] }], 'incomplete'),
      ctx,
      { textOnlyInput: true },
    );
    expect(body.status).toBe('incomplete');
    expect(body.steps).toEqual([
      { content: [{ text: 'No.', type: 'text' }], type: 'model_output' },
      { id: 'c', type: 'function_call', name: 'f', arguments: {} },
    ]);
  });
});

describe('map-status, map-usage and helpers', () => {
  const r = (status: CanonicalResponse['status'], call: boolean): CanonicalResponse =>
    canonicalResponse({
      id: 'x',
      model: 'm',
      createdAt: 0,
      usage: { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 },
      status,
      steps: call ? [{ kind: 'call', callId: 'c', name: 'f', argDeltas: ['{}'] }] : [{ kind: 'text', deltas: ['a'] }],
    });

  it('maps status', () => {
    expect(interactionStatus(r('completed', false))).toBe('completed');
    expect(interactionStatus(r('completed', true))).toBe('requires_action');
    expect(interactionStatus(r('incomplete', true))).toBe('incomplete');
    expect(interactionStatus(r('failed', false))).toBe('failed');
  });

  it('separates thought tokens from answer tokens and never reports negatives', () => {
    expect(mapInteractionsUsage({ inputTokens: 7, cachedTokens: 0, outputTokens: 141, reasoningTokens: 115 }, true)).toEqual({
      total_tokens: 148,
      total_input_tokens: 7,
      input_tokens_by_modality: [{ modality: 'text', tokens: 7 }],
      total_cached_tokens: 0,
      total_output_tokens: 26,
      total_tool_use_tokens: 0,
      total_thought_tokens: 115,
    });
    const odd = mapInteractionsUsage({ inputTokens: 1, cachedTokens: 0, outputTokens: 3, reasoningTokens: 5 }, false);
    expect(odd.total_output_tokens).toBe(0);
    expect(odd.total_thought_tokens).toBe(3);
  });

  it('parses arguments to an object only', () => {
    expect(parseArguments('{"a":1}')).toEqual({ a: 1 });
    expect(parseArguments('[1]')).toEqual({});
    expect(parseArguments('')).toEqual({});
    expect(isoSeconds(0)).toBe('1970-01-01T00:00:00Z');
  });
});
