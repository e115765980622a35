// One runner per feature: drive the caller's SDK, assert what the caller got in its own dialect,
// and assert what reached the provider in the provider's own terms.
import { expect } from 'vitest';
import type { ProviderName, SurfaceName } from '../../../src/canonical/types.js';
import type { EmulatorRequestLog } from '../../../src/emulator/index.js';
import { classifyError } from './classify.js';
import type { ConversationOptions, SurfaceDriver, TurnResult } from './driver.js';
import type { CellResult, Feature, Mode } from './matrix.js';
import { ANSWER_SCHEMA, PNG_1X1, PROMPTS, PROVIDER_MODELS, WEATHER_ARGS, WEATHER_RESULT, WEATHER_TOOL, expectedRefusal } from './matrix.js';
import { upstreamView, type UpstreamView } from './upstream.js';

export interface CellContext {
  driver: SurfaceDriver;
  provider: ProviderName;
  mode: Mode;
  /** The emulator's request log (every upstream request, in arrival order). */
  requests: readonly EmulatorRequestLog[];
}

/** Served tier of a `start_within: "default"` request, as each dialect names it. */
const STANDARD_TIERS = new Set(['default', 'standard']);

/** Each dialect's finish signal for a finished answer and for a turn that stops at a tool call. */
const ANSWER_FINISH: Record<SurfaceName, string> = { responses: 'completed', chat: 'stop', messages: 'end_turn', interactions: 'completed' };
const CALL_FINISH: Record<SurfaceName, string> = { responses: 'completed', chat: 'tool_calls', messages: 'tool_use', interactions: 'requires_action' };

export async function runCell(feature: Feature, ctx: CellContext): Promise<CellResult> {
  const base = { surface: ctx.driver.surface, provider: ctx.provider, feature, mode: ctx.mode };
  try {
    const note = await FEATURE_RUNNERS[feature](ctx);
    return { ...base, status: { kind: 'pass' }, note };
  } catch (err) {
    const status = classifyError(err);
    if (status.kind === 'refused' && expectedRefusal(base.surface, base.provider, feature) !== status.code) {
      return { ...base, status: { kind: 'fail', reason: `undocumented refusal ${status.code}: ${status.message}` } };
    }
    return { ...base, status };
  }
}

type Runner = (ctx: CellContext) => Promise<string>;

const FEATURE_RUNNERS: Record<Feature, Runner> = {
  text: runText,
  tool_round_trip: runToolRoundTrip,
  json_schema: runJsonSchema,
  image_input: runImageInput,
  reasoning: runReasoning,
};

function open(ctx: CellContext, options: Omit<ConversationOptions, 'model' | 'mode'> = {}): ReturnType<SurfaceDriver['conversation']> {
  return ctx.driver.conversation({ model: PROVIDER_MODELS[ctx.provider], mode: ctx.mode, ...options });
}

/** Sends one request and returns the upstream request it caused, read in the provider's terms. */
export async function sent<T>(ctx: CellContext, send: () => Promise<T>): Promise<{ result: T; upstream: UpstreamView }> {
  const before = ctx.requests.length;
  const result = await send();
  expect(ctx.requests.length, 'exactly one upstream request').toBe(before + 1);
  const log = ctx.requests.at(-1);
  expect(log?.api, 'the request went to the provider of the model').toBe(ctx.provider);
  expect(log?.stream, 'the gateway always streams upstream').toBe(true);
  const upstream = upstreamView(ctx.provider, log?.body);
  expect(upstream.violations, 'the upstream request keeps the provider protocol rules').toEqual([]);
  return { result, upstream };
}

function expectAnswered(ctx: CellContext, turn: TurnResult): void {
  expect(turn.finish, 'the answer finished normally').toBe(ANSWER_FINISH[ctx.driver.surface]);
  expect(turn.text.length, 'a non-empty answer').toBeGreaterThan(0);
  expect(turn.calls, 'no tool call').toEqual([]);
  expect(STANDARD_TIERS.has(turn.servedTier ?? ''), `served on the standard tier (got ${String(turn.servedTier)})`).toBe(true);
}

async function runText(ctx: CellContext): Promise<string> {
  const { result } = await sent(ctx, () => open(ctx).say({ text: PROMPTS.text }));
  expectAnswered(ctx, result);
  return `finish ${result.finish}`;
}

async function runToolRoundTrip(ctx: CellContext): Promise<string> {
  const conversation = open(ctx, { tools: true });
  const first = await sent(ctx, () => conversation.say({ text: PROMPTS.tool }));
  expect(first.upstream.toolNames, 'the tool reached the provider').toEqual([WEATHER_TOOL.name]);
  expect(first.result.finish, 'the turn stopped for the tool call').toBe(CALL_FINISH[ctx.driver.surface]);
  expect(first.result.calls.length, 'one tool call').toBe(1);
  const call = first.result.calls[0];
  expect(call?.name).toBe(WEATHER_TOOL.name);
  expect(call?.args, 'arguments parsed by the caller').toEqual(WEATHER_ARGS);
  expect(call?.callId.length, 'a call id to answer').toBeGreaterThan(0);

  const second = await sent(ctx, () => conversation.answer(first.result.calls, WEATHER_RESULT));
  expect(second.upstream.toolResultIds, 'the tool result reached the provider under the call id').toEqual([call?.callId]);
  expectAnswered(ctx, second.result);
  // The emulator answers a conversation that ends in a tool result by using it.
  expect(second.result.text).toContain('Using the tool result');
  return `call finish ${first.result.finish}, answer finish ${second.result.finish}`;
}

async function runJsonSchema(ctx: CellContext): Promise<string> {
  const { result, upstream } = await sent(ctx, () => open(ctx, { json: true }).say({ text: PROMPTS.json }));
  expect(upstream.schema, 'the schema reached the provider').toEqual(ANSWER_SCHEMA.schema);
  expectAnswered(ctx, result);
  const value = JSON.parse(result.text) as Record<string, unknown>;
  for (const key of ANSWER_SCHEMA.schema.required) expect(value, `required key ${key}`).toHaveProperty(key);
  expect(typeof value.city).toBe('string');
  expect(Number.isInteger(value.population)).toBe(true);
  expect(typeof value.coastal).toBe('boolean');
  return 'parsed and matches the schema';
}

async function runImageInput(ctx: CellContext): Promise<string> {
  const { result, upstream } = await sent(ctx, () => open(ctx).say({ text: PROMPTS.image, imagePng: PNG_1X1 }));
  expect(upstream.imageCount, 'the image reached the provider').toBe(1);
  expectAnswered(ctx, result);
  expect(result.text, 'the provider saw the image beside the text').toContain('I see an image');
  return 'image forwarded';
}

async function runReasoning(ctx: CellContext): Promise<string> {
  const { result, upstream } = await sent(ctx, () => open(ctx, { reasoning: true }).say({ text: PROMPTS.reasoning }));
  expect(upstream.reasoningAsk, 'the provider was asked to reason').toBeDefined();
  expectAnswered(ctx, result);
  // Anthropic reports one output count with thinking inside and no separate thinking count
  // (src/providers/anthropic/map-usage.ts), so only OpenAI and Gemini give reasoning tokens.
  const countsReasoning = ctx.provider !== 'anthropic';
  if (countsReasoning) expect(result.reasoningTokens, 'reasoning tokens in usage').toBeGreaterThan(0);
  if (ctx.driver.surface === 'chat') {
    // Chat Completions has no place for reasoning content; only usage shows it.
    expect(result.reasoning.kind).toBe('no_place');
    return `${upstream.reasoningAsk}; ${countsReasoning ? 'usage reasoning_tokens' : 'no place in Chat, no thinking count from Anthropic'}`;
  }
  expect(result.reasoning.kind, 'reasoning shown in the caller dialect').toBe('shown');
  const shown = result.reasoning.kind === 'shown' ? result.reasoning : undefined;
  expect(shown?.signed, 'opaque reasoning state returned for replay').toBe(true);
  return `${upstream.reasoningAsk}; ${shown?.place ?? ''}`;
}
