// Three tool turns with reasoning where the caller speaks another provider's format (issue 4):
// each round asks a question that calls get_weather, answers the call, and gets the final text;
// every request replays the whole history as the caller received it. Where the caller's dialect has
// a place for opaque reasoning state (Responses reasoning items, Messages thinking blocks,
// Interactions thought steps), the provider must get its own thinking blocks / thought signatures
// back, unchanged, on every later turn. Chat Completions has no such place: its loop must keep
// working without them and without breaking the provider's protocol rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderName, SurfaceName } from '../../../src/canonical/types.js';
import type { Harness } from '../harness.js';
import { startHarness } from '../harness.js';
import { sent, type CellContext } from './cells.js';
import type { SurfaceDriver, TurnResult } from './driver.js';
import type { Mode } from './matrix.js';
import { MODES, PROVIDER_MODELS, WEATHER_RESULT } from './matrix.js';
import type { UpstreamView } from './upstream.js';
import { createDrivers } from './drivers/index.js';

let h: Harness;
let drivers: Record<SurfaceName, SurfaceDriver>;

beforeAll(async () => {
  h = await startHarness();
  drivers = createDrivers({ url: h.url, key: h.key });
});
afterAll(async () => {
  await h.close();
});

const CITIES = ['Paris', 'Oslo', 'Lima'] as const;

const question = (city: string): string =>
  `What is the weather in ${city}? [emulate:tool_call name=get_weather args={"city":"${city}"}] [emulate:reasoning]`;

/** Opaque values the caller holds, each of which must reach the provider as one of its signatures. */
function expectReplayed(upstream: UpstreamView, given: readonly string[]): void {
  // The caller's value may wrap the provider's (a tagged prefix); the provider's own bytes are inside.
  const matched = (o: string): boolean => upstream.replayedSignatures.some((s) => s.length > 0 && o.includes(s));
  expect(given.filter((o) => !matched(o)), 'every signature the caller was given went back to the provider').toEqual([]);
  expect(upstream.replayedSignatures.length, 'nothing else was replayed').toBe(given.length);
}

async function roundTrip(ctx: CellContext, carries: boolean, turns: number): Promise<void> {
  const conversation = ctx.driver.conversation({ model: PROVIDER_MODELS[ctx.provider], mode: ctx.mode, tools: true, reasoning: true });
  const given: string[] = [];
  const keep = (turn: TurnResult): void => {
    if (!carries) return;
    expect(turn.reasoning, 'reasoning shown with replayable state').toMatchObject({ kind: 'shown', signed: true });
    expect(turn.opaque.length).toBeGreaterThan(0);
    given.push(...turn.opaque);
  };

  for (const city of CITIES.slice(0, turns)) {
    const ask = await sent(ctx, () => conversation.say({ text: question(city) }));
    expect(ask.upstream.reasoningAsk, 'a new question asks for reasoning').toBeDefined();
    if (carries) expectReplayed(ask.upstream, given);
    else expect(ask.upstream.replayedSignatures).toEqual([]);
    expect(ask.result.calls.map((c) => [c.name, c.args])).toEqual([['get_weather', { city }]]);
    keep(ask.result);

    const answer = await sent(ctx, () => ask.result.calls.length > 0 ? conversation.answer(ask.result.calls, WEATHER_RESULT) : Promise.reject(new Error('no call')));
    expect(answer.upstream.toolResultIds).toContain(ask.result.calls[0]?.callId);
    if (carries) {
      // The thinking block / thought signature of the tool turn goes back with the tool result.
      expectReplayed(answer.upstream, given);
      expect(answer.upstream.reasoningAsk).toBeDefined();
    } else {
      expect(answer.upstream.replayedSignatures).toEqual([]);
      // Anthropic refuses thinking on a tool turn without its thinking block; it is left off then.
      if (ctx.provider === 'anthropic') expect(answer.upstream.reasoningAsk).toBeUndefined();
    }
    expect(answer.result.text).toContain('Using the tool result');
    keep(answer.result);
  }
}

interface Loop {
  surface: SurfaceName;
  provider: ProviderName;
  /** The caller's dialect can hold the provider's opaque reasoning state. */
  carries: boolean;
}

const LOOPS: Loop[] = [
  { surface: 'responses', provider: 'anthropic', carries: true },
  { surface: 'interactions', provider: 'anthropic', carries: true },
  { surface: 'chat', provider: 'anthropic', carries: false },
  { surface: 'messages', provider: 'gemini', carries: true },
  { surface: 'responses', provider: 'gemini', carries: true },
  { surface: 'chat', provider: 'gemini', carries: false },
];

describe.each(LOOPS)('$surface caller → $provider: three tool turns with reasoning', ({ surface, provider, carries }) => {
  it.each(MODES)('%s', async (mode: Mode) => {
    await roundTrip({ driver: drivers[surface], provider, mode, requests: h.emulator.requests }, carries, CITIES.length);
  });
});
