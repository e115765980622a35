// /v1/interactions through the official `@google/genai` 2.x interactions client, pointed at the
// gateway with `httpOptions: {baseUrl, apiVersion: 'v1'}`; `start_within` rides in `extra_body`.
// A streaming caller rebuilds the steps from step.start / step.delta, as a stateless caller must.
import type { GoogleGenAIRequestOptions, Interactions } from '@google/genai';
import { GoogleGenAI } from '@google/genai';
import type { ConversationOptions, Dialect, DriverTarget, SurfaceDriver, ToolCall, TurnResult, UserTurn } from '../driver.js';
import { createConversation } from '../driver.js';
import { ANSWER_SCHEMA, MAX_TOKENS, START_WITHIN, WEATHER_TOOL } from '../matrix.js';

type Step = Interactions.Step;
type SSEEvent = Interactions.InteractionSSEEvent;
type Params = Interactions.InteractionCreateParams.CreateModelInteractionParamsNonStreaming;

const REQUEST_OPTIONS: GoogleGenAIRequestOptions = { extra_body: { start_within: START_WITHIN }, maxRetries: 0, timeout_ms: 15_000 };

export function interactionsDriver(target: DriverTarget): SurfaceDriver {
  const ai = new GoogleGenAI({ apiKey: target.key, httpOptions: { baseUrl: target.url, apiVersion: 'v1' } });
  return { surface: 'interactions', conversation: (options) => createConversation(dialect(ai, options)) };
}

function userStep(turn: UserTurn): Step {
  return {
    type: 'user_input',
    content: [
      { type: 'text', text: turn.text },
      ...(turn.imagePng === undefined ? [] : [{ type: 'image', data: turn.imagePng, mime_type: 'image/png' } as const]),
    ],
  };
}

function dialect(ai: GoogleGenAI, options: ConversationOptions): Dialect<Step> {
  return {
    userTurn: (turn) => [userStep(turn)],
    toolResults: (calls, output, then) => [
      ...calls.map((call): Step => ({ type: 'function_result', call_id: call.callId, name: call.name, result: output })),
      ...(then ? [userStep(then)] : []),
    ],
    async send(history) {
      const body = params(options, history);
      const answer = options.mode === 'stream' ? await streamed(ai, body) : await whole(ai, body);
      // The model's steps go back as received, thought signatures included.
      return { turn: read(answer), replay: answer.steps };
    },
  };
}

function params(options: ConversationOptions, input: readonly Step[]): Params {
  const config: NonNullable<Params['generation_config']> = { max_output_tokens: MAX_TOKENS };
  const body: Params = { model: options.model, input: [...input], generation_config: config };
  if (options.tools) body.tools = [{ type: 'function', ...WEATHER_TOOL }];
  if (options.json) body.response_format = { type: 'text', mime_type: 'application/json', schema: ANSWER_SCHEMA.schema };
  if (options.reasoning) {
    config.thinking_level = 'medium';
    config.thinking_summaries = 'auto';
  }
  return body;
}

/** The parts of an interaction a turn is read from, whether it came whole or streamed. */
interface Answer {
  status: string;
  steps: Step[];
  thoughtTokens: number;
  serviceTier: string | undefined;
}

async function whole(ai: GoogleGenAI, body: Params): Promise<Answer> {
  const interaction = await ai.interactions.create(body, REQUEST_OPTIONS);
  return {
    status: interaction.status,
    steps: interaction.steps,
    thoughtTokens: interaction.usage?.total_thought_tokens ?? 0,
    serviceTier: interaction.service_tier,
  };
}

async function streamed(ai: GoogleGenAI, body: Params): Promise<Answer> {
  const stream = await ai.interactions.create({ ...body, stream: true }, REQUEST_OPTIONS);
  const events: SSEEvent[] = [];
  for await (const event of stream) events.push(event);
  const last = events.at(-1);
  if (last?.event_type !== 'interaction.completed') throw new Error(`the stream ended with ${last?.event_type ?? 'nothing'}, not interaction.completed`);
  const done = last.interaction;
  return {
    status: done.status,
    steps: stepsFromStream(events),
    thoughtTokens: done.usage?.total_thought_tokens ?? 0,
    serviceTier: done.service_tier,
  };
}

/** Steps rebuilt from step.start + step.delta: text, thought summaries and signatures, call arguments. */
export function stepsFromStream(events: readonly SSEEvent[]): Step[] {
  const steps = new Map<number, Step>();
  const args = new Map<number, string>();
  for (const e of events) {
    if (e.event_type === 'step.start') steps.set(e.index, structuredClone(e.step));
    if (e.event_type !== 'step.delta') continue;
    const step = steps.get(e.index);
    if (!step) throw new Error(`step.delta for index ${e.index} before its step.start`);
    applyDelta(step, e.delta, (text) => args.set(e.index, (args.get(e.index) ?? '') + text));
  }
  for (const [index, text] of args) {
    const step = steps.get(index);
    if (step?.type === 'function_call') step.arguments = JSON.parse(text) as Record<string, unknown>;
  }
  return [...steps.entries()].sort(([a], [b]) => a - b).map(([, step]) => step);
}

function applyDelta(step: Step, delta: Interactions.StepDelta['delta'], onArguments: (text: string) => void): void {
  switch (delta.type) {
    case 'text':
      if (step.type === 'model_output') step.content = [...(step.content ?? []), { type: 'text', text: delta.text }];
      return;
    case 'thought_summary':
      if (step.type === 'thought' && delta.content?.type === 'text') step.summary = [...(step.summary ?? []), delta.content];
      return;
    case 'thought_signature':
      if (step.type === 'thought') step.signature = delta.signature ?? '';
      return;
    case 'arguments_delta':
      onArguments(delta.arguments ?? '');
      return;
    default:
      return;
  }
}

function textOf(steps: readonly Step[]): string {
  return steps
    .flatMap((s) => (s.type === 'model_output' ? (s.content ?? []) : []))
    .flatMap((c) => (c.type === 'text' ? [c.text] : []))
    .join('');
}

/** Thought steps carry a signature; the wire also puts one on function_call steps (not in the SDK types). */
function signatureOf(step: Step): string[] {
  if (step.type !== 'thought' && step.type !== 'function_call') return [];
  const signature = (step as { signature?: string }).signature ?? '';
  return signature === '' ? [] : [signature];
}

function read(answer: Answer): TurnResult {
  const calls: ToolCall[] = answer.steps.flatMap((s) =>
    s.type === 'function_call' ? [{ callId: s.id, name: s.name, args: s.arguments }] : [],
  );
  const thought = answer.steps.find((s): s is Interactions.ThoughtStep => s.type === 'thought');
  return {
    text: textOf(answer.steps),
    calls,
    reasoning: thought ? { kind: 'shown', place: 'thought step', signed: (thought.signature ?? '') !== '' } : { kind: 'absent' },
    reasoningTokens: answer.thoughtTokens,
    opaque: answer.steps.flatMap(signatureOf),
    finish: answer.status,
    servedTier: answer.serviceTier,
  };
}
