// Test support: recorded Interactions traffic and canonical builders that play the part of a
// provider (the canonical events a provider would yield for a recorded answer).
import type {
  CanonicalResponse,
  CanonicalStreamEvent,
  OpaqueReasoning,
  OutputItem,
  ResponseStatus,
  Usage,
} from '../../../canonical/types.js';
import * as recorded from '../../../test-support/fixtures.js';

export function fixtureJson(name: string): unknown {
  return recorded.fixtureJson(`gemini/${name}`);
}

/** `*.chunks.txt`: one parsed SSE `data:` JSON per line. */
export function fixtureChunks(name: string): unknown[] {
  return recorded.fixtureChunks(`gemini/${name}`);
}

export interface SseFrame {
  event: string;
  data: string;
}

/** Splits encoder output into frames, checking each is exactly `event:` + `data:` lines. */
export function parseSse(text: string): SseFrame[] {
  if (!text.endsWith('\n\n')) throw new Error('stream does not end with a blank line');
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((block) => {
      const lines = block.split('\n');
      const [eventLine, dataLine] = lines;
      if (lines.length !== 2 || !eventLine?.startsWith('event: ') || !dataLine?.startsWith('data: ')) {
        throw new Error(`malformed frame: ${JSON.stringify(block)}`);
      }
      return { event: eventLine.slice(7), data: dataLine.slice(6) };
    });
}

/** Gemini usage fields → canonical usage (outputs include thoughts in canonical form). */
export function canonicalUsage(u: {
  total_input_tokens: number;
  total_cached_tokens: number;
  total_output_tokens: number;
  total_thought_tokens: number;
}): Usage {
  return {
    inputTokens: u.total_input_tokens,
    cachedTokens: u.total_cached_tokens,
    outputTokens: u.total_output_tokens + u.total_thought_tokens,
    reasoningTokens: u.total_thought_tokens,
  };
}

export function unixSeconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

export type StepSpec =
  | { kind: 'thought'; summary?: string[]; text?: string[]; opaque?: OpaqueReasoning; id?: string }
  | { kind: 'text'; deltas: string[]; refusal?: boolean }
  | { kind: 'call'; callId: string; name: string; argDeltas: string[]; opaque?: OpaqueReasoning; opaqueAtStart?: boolean };

export interface AnswerSpec {
  id: string;
  model: string;
  createdAt: number;
  status?: ResponseStatus;
  usage: Usage;
  steps: StepSpec[];
}

export function outputItem(step: StepSpec, i: number): OutputItem {
  switch (step.kind) {
    case 'thought': {
      const text = step.text?.join('');
      return {
        type: 'reasoning',
        id: step.id ?? `rs_${i}`,
        summary: step.summary ?? [],
        ...(text === undefined ? {} : { text }),
        ...(step.opaque === undefined ? {} : { opaque: step.opaque }),
      };
    }
    case 'text': {
      const text = step.deltas.join('');
      return {
        type: 'message',
        id: `msg_${i}`,
        role: 'assistant',
        status: 'completed',
        content: [step.refusal === true ? { type: 'refusal', refusal: text } : { type: 'output_text', text }],
      };
    }
    case 'call':
      return {
        type: 'function_call',
        id: `fc_${i}`,
        callId: step.callId,
        name: step.name,
        arguments: step.argDeltas.join(''),
        status: 'completed',
        ...(step.opaque === undefined ? {} : { opaque: step.opaque }),
      };
  }
}

export function canonicalResponse(spec: AnswerSpec): CanonicalResponse {
  const output = spec.steps.map(outputItem);
  const status = spec.status ?? 'completed';
  const hasCall = output.some((o) => o.type === 'function_call');
  return {
    id: spec.id,
    model: spec.model,
    createdAt: spec.createdAt,
    status,
    finishReason: status === 'incomplete' ? { type: 'max_output_tokens' } : hasCall ? { type: 'tool_calls' } : { type: 'stop' },
    output,
    usage: spec.usage,
    servedTier: 'standard',
    provider: 'gemini',
  };
}

/** The canonical events a provider yields for the answer, in contract order. */
export function canonicalEvents(spec: AnswerSpec): CanonicalStreamEvent[] {
  const events: CanonicalStreamEvent[] = [
    { type: 'admitted' },
    { type: 'response.created', id: spec.id, model: spec.model, createdAt: spec.createdAt },
  ];
  spec.steps.forEach((step, outputIndex) => events.push(...stepEvents(step, outputIndex)));
  events.push({ type: 'response.completed', response: canonicalResponse(spec) });
  return events;
}

function stepEvents(step: StepSpec, outputIndex: number): CanonicalStreamEvent[] {
  const done = outputItem(step, outputIndex);
  switch (step.kind) {
    case 'thought': {
      const events: CanonicalStreamEvent[] = [
        { type: 'item.added', outputIndex, item: { type: 'reasoning', id: step.id ?? `rs_${outputIndex}`, summary: [] } },
      ];
      (step.summary ?? []).forEach((text, summaryIndex) => {
        events.push(
          { type: 'reasoning_summary_part.added', outputIndex, summaryIndex },
          { type: 'reasoning_summary.delta', outputIndex, summaryIndex, delta: text },
          { type: 'reasoning_summary_part.done', outputIndex, summaryIndex, text },
        );
      });
      for (const delta of step.text ?? []) events.push({ type: 'reasoning_text.delta', outputIndex, delta });
      events.push({ type: 'item.done', outputIndex, item: done });
      return events;
    }
    case 'text': {
      const empty = step.refusal === true ? { type: 'refusal' as const, refusal: '' } : { type: 'output_text' as const, text: '' };
      const part = done.type === 'message' ? done.content[0] : undefined;
      if (part === undefined) throw new Error('message without content');
      return [
        { type: 'item.added', outputIndex, item: { type: 'message', id: `msg_${outputIndex}`, role: 'assistant', status: 'in_progress', content: [] } },
        { type: 'content_part.added', outputIndex, contentIndex: 0, part: empty },
        ...step.deltas.map((delta): CanonicalStreamEvent => ({
          type: step.refusal === true ? 'refusal.delta' : 'text.delta',
          outputIndex,
          contentIndex: 0,
          delta,
        })),
        { type: 'content_part.done', outputIndex, contentIndex: 0, part },
        { type: 'item.done', outputIndex, item: done },
      ];
    }
    case 'call': {
      const added: OutputItem = {
        type: 'function_call',
        id: `fc_${outputIndex}`,
        callId: step.callId,
        name: step.name,
        arguments: '',
        status: 'in_progress',
        ...(step.opaqueAtStart === true && step.opaque !== undefined ? { opaque: step.opaque } : {}),
      };
      return [
        { type: 'item.added', outputIndex, item: added },
        ...step.argDeltas.map((delta): CanonicalStreamEvent => ({ type: 'function_call_arguments.delta', outputIndex, delta })),
        { type: 'item.done', outputIndex, item: done },
      ];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Loose shapes of recorded and encoded Interactions JSON, for reading values in tests.

export interface RecordedUsage {
  total_input_tokens: number;
  total_cached_tokens: number;
  total_output_tokens: number;
  total_thought_tokens: number;
  input_tokens_by_modality?: unknown;
}

export interface RecordedStep {
  type: string;
  id?: string;
  name?: string;
  signature?: string;
  arguments?: Record<string, unknown>;
  content?: { text: string; type: string }[];
}

export interface RecordedInteraction {
  id: string;
  model: string;
  status: string;
  created: string;
  usage: RecordedUsage;
  steps?: RecordedStep[];
}

/** One stream event, as recorded or as encoded. */
export interface EventJson {
  event_type: string;
  index?: number;
  interaction?: RecordedInteraction;
  step?: RecordedStep;
  delta?: { type: string; text?: string; signature?: string; arguments?: string; content?: unknown };
  error?: { code: string; message: string };
}

/** Narrows an optional value a test knows is there. */
export function need<T>(value: T | undefined, what = 'value'): T {
  if (value === undefined) throw new Error(`missing ${what}`);
  return value;
}
