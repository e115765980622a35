// Canonical stream events → Interactions SSE, byte-compatible with the recorded streams
// (basic / tool-call-step1 / tool-call-step2 .chunks.txt) and the framing documented at
// https://ai.google.dev/gemini-api/docs/interactions/streaming:
//
//   interaction.created, interaction.status_update(in_progress),
//   per step: step.start → step.delta* → step.stop   (one step per canonical output item),
//   interaction.completed (usage, tier; no steps), then `event: done` / `data: [DONE]`.
//
// A thought's signature arrives with the canonical `item.done`, so it is sent as the step's last
// delta (`thought_signature`), exactly where Gemini sends it.
import type {
  CanonicalStreamEvent,
  FunctionCallArgumentsDeltaEvent,
  ItemAddedEvent,
  ItemDoneEvent,
  ReasoningSummaryPartAddedEvent,
  ResponseCompletedEvent,
  ResponseCreatedEvent,
} from '../../canonical/types.js';
import type { FlexError } from '../../errors/catalog.js';
import { googleErrorBody } from '../../errors/render.js';
import type { EncodeContext, StreamEncoder } from '../surface.js';
import { byteCitations, interactionSummary, searchSteps, thoughtTexts } from './encode-response.js';
import { encodeSignature } from './opaque.js';
import type { InteractionEvent, StepDelta } from './wire.js';

/** Per-step state, keyed by canonical output index. */
type StepState =
  | { kind: 'thought'; index: number; streamedText: boolean }
  | { kind: 'model_output'; index: number; text: string }
  | { kind: 'search'; index: number }
  | { kind: 'function_call'; index: number; signatureSent: boolean; streamedArguments: boolean };

interface StreamState {
  nextIndex: number;
  steps: Map<number, StepState>;
}

export interface StreamOptions {
  textOnlyInput: boolean;
}

const DONE = 'event: done\ndata: [DONE]\n\n';

function frame(event: InteractionEvent): string {
  return `event: ${event.event_type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function createInteractionsStreamEncoder(ctx: EncodeContext, options: StreamOptions): StreamEncoder {
  const state: StreamState = { nextIndex: 0, steps: new Map() };
  return {
    event: (event) => encodeEvent(state, event, ctx, options),
    error: (err) => errorFrame(err) + DONE,
    end: () => DONE,
  };
}

function encodeEvent(
  state: StreamState,
  event: CanonicalStreamEvent,
  ctx: EncodeContext,
  options: StreamOptions,
): string {
  switch (event.type) {
    case 'admitted':
    case 'content_part.added':
    case 'content_part.done':
    case 'reasoning_summary_part.done':
    case 'provider_item.event':
      return '';
    case 'response.created':
      return onCreated(event);
    case 'item.added':
      return onItemAdded(state, event);
    case 'text.delta':
    case 'refusal.delta': {
      const step = state.steps.get(event.outputIndex);
      if (step?.kind === 'model_output') step.text += event.delta;
      return delta(state, event.outputIndex, { text: event.delta, type: 'text' });
    }
    case 'annotation.added': {
      const step = state.steps.get(event.outputIndex);
      if (step?.kind !== 'model_output') return '';
      const annotations = byteCitations([event.annotation], step.text);
      return annotations.length === 0 ? '' : delta(state, event.outputIndex, { annotations, type: 'text_annotation_delta' });
    }
    case 'reasoning_summary_part.added':
      return onSummaryPartAdded(state, event);
    case 'reasoning_summary.delta':
    case 'reasoning_text.delta':
      return thoughtDelta(state, event.outputIndex, event.delta);
    case 'function_call_arguments.delta':
      return onArgumentsDelta(state, event);
    case 'item.done':
      return onItemDone(state, event);
    case 'response.completed':
      return onCompleted(event, ctx, options);
  }
}

function onCreated(event: ResponseCreatedEvent): string {
  return (
    frame({
      interaction: { id: event.id, status: 'in_progress', object: 'interaction', model: event.model },
      event_type: 'interaction.created',
    }) + frame({ interaction_id: event.id, status: 'in_progress', event_type: 'interaction.status_update' })
  );
}

function onItemAdded(state: StreamState, event: ItemAddedEvent): string {
  const { item } = event;
  // Another provider's hosted tool call has no step: it takes no index, and its item.done finds no step.
  if (item.type === 'provider_item') return '';
  const index = state.nextIndex++;
  switch (item.type) {
    case 'reasoning':
      state.steps.set(event.outputIndex, { kind: 'thought', index, streamedText: false });
      return frame({ index, step: { type: 'thought' }, event_type: 'step.start' });
    case 'message':
      state.steps.set(event.outputIndex, { kind: 'model_output', index, text: '' });
      return frame({ index, step: { type: 'model_output' }, event_type: 'step.start' });
    case 'web_search_call':
      // Both steps are sent whole when the search is done (the result step takes the next index).
      state.steps.set(event.outputIndex, { kind: 'search', index });
      return '';
    case 'function_call': {
      const signature = item.opaque === undefined ? '' : encodeSignature(item.opaque, item.id);
      state.steps.set(event.outputIndex, {
        kind: 'function_call',
        index,
        signatureSent: signature !== '',
        streamedArguments: false,
      });
      const step = { id: item.callId, signature, type: 'function_call', name: item.name, arguments: {} } as const;
      return frame({ index, step, event_type: 'step.start' });
    }
  }
}

function delta(state: StreamState, outputIndex: number, body: StepDelta): string {
  const step = state.steps.get(outputIndex);
  return step === undefined ? '' : frame({ index: step.index, delta: body, event_type: 'step.delta' });
}

function thoughtDelta(state: StreamState, outputIndex: number, text: string): string {
  const step = state.steps.get(outputIndex);
  if (step?.kind !== 'thought' || text === '') return '';
  step.streamedText = true;
  return delta(state, outputIndex, { content: { text, type: 'text' }, type: 'thought_summary' });
}

/** The dialect has no summary parts; later parts are set off as paragraphs. */
function onSummaryPartAdded(state: StreamState, event: ReasoningSummaryPartAddedEvent): string {
  return event.summaryIndex === 0 ? '' : thoughtDelta(state, event.outputIndex, '\n\n');
}

function onArgumentsDelta(state: StreamState, event: FunctionCallArgumentsDeltaEvent): string {
  const step = state.steps.get(event.outputIndex);
  if (step?.kind !== 'function_call' || event.delta === '') return '';
  step.streamedArguments = true;
  return delta(state, event.outputIndex, { arguments: event.delta, type: 'arguments_delta' });
}

/** Closes the step, first sending what only the finished item knows (signature, unstreamed parts). */
function onItemDone(state: StreamState, event: ItemDoneEvent): string {
  const step = state.steps.get(event.outputIndex);
  if (step === undefined) return '';
  state.steps.delete(event.outputIndex);
  const { item } = event;
  if (step.kind === 'search' && item.type === 'web_search_call') {
    const [call, result] = searchSteps(item);
    const resultIndex = state.nextIndex++;
    return (
      frame({ index: step.index, step: call, event_type: 'step.start' }) + frame({ index: step.index, event_type: 'step.stop' }) +
      frame({ index: resultIndex, step: result, event_type: 'step.start' }) + frame({ index: resultIndex, event_type: 'step.stop' })
    );
  }
  let out = '';
  if (step.kind === 'thought' && item.type === 'reasoning') {
    if (!step.streamedText) out += thoughtTexts(item).map((t) => thoughtDeltaFrame(step.index, t)).join('');
    if (item.opaque !== undefined) out += signatureFrame(step.index, encodeSignature(item.opaque, item.id));
  }
  if (step.kind === 'function_call' && item.type === 'function_call') {
    if (!step.streamedArguments && item.arguments !== '' && item.arguments !== '{}') {
      out += frame({ index: step.index, delta: { arguments: item.arguments, type: 'arguments_delta' }, event_type: 'step.delta' });
    }
    if (!step.signatureSent && item.opaque !== undefined) {
      out += signatureFrame(step.index, encodeSignature(item.opaque, item.id));
    }
  }
  return out + frame({ index: step.index, event_type: 'step.stop' });
}

function thoughtDeltaFrame(index: number, text: string): string {
  return frame({ index, delta: { content: { text, type: 'text' }, type: 'thought_summary' }, event_type: 'step.delta' });
}

function signatureFrame(index: number, signature: string): string {
  return frame({ index, delta: { signature, type: 'thought_signature' }, event_type: 'step.delta' });
}

function onCompleted(event: ResponseCompletedEvent, ctx: EncodeContext, options: StreamOptions): string {
  return frame({ interaction: interactionSummary(event.response, ctx, options), event_type: 'interaction.completed' });
}

/**
 * In-stream failure: `{"event_type":"error","error":{"code","message"}}` as typed by the SDK
 * (ErrorEvent / ErrorT: `code` is a string), with the Google status name in lower case
 * (e.g. `resource_exhausted`), then the normal end of stream.
 */
function errorFrame(err: FlexError): string {
  const body = googleErrorBody(err).error;
  return frame({ error: { code: body.status.toLowerCase(), message: body.message }, event_type: 'error' });
}
