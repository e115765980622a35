// Anthropic Messages stream events → canonical stream events.
// Event flow (https://platform.claude.com/docs/en/build-with-claude/streaming): message_start, then
// per content block content_block_start / content_block_delta* / content_block_stop, then
// message_delta (stop_reason, cumulative usage) and message_stop; `ping` may come anywhere and an
// `error` event may replace the rest of the stream.
//
// Mapping: consecutive text blocks form one message item (one content part each); a thinking block
// is a reasoning item whose signature arrives in item.done; redacted_thinking is a reasoning item
// carrying only opaque data; tool_use is a function_call item.
import type { CanonicalStreamEvent } from '../../canonical/types.js';
import type { FlexError } from '../../errors/catalog.js';
import { endedEarlyError } from '../upstream-stream.js';
import { streamError } from './map-error.js';
import { mapStopReason, statusForStop } from './map-stop-reason.js';
import { mapServedTier, mapUsage, mergeUsage } from './map-usage.js';
import { closeMessage, onBlockDelta, onBlockStart, onBlockStop, type Meta, type State } from './stream-blocks.js';
import type { AnthropicStreamEvent, MessageStartEvent } from './wire-types.js';

export interface StreamTransformDeps {
  /** Milliseconds since the epoch; Anthropic sends no creation time, so the local clock stamps it. */
  now: () => number;
}

export type TransformStep = { type: 'events'; events: CanonicalStreamEvent[] } | { type: 'error'; error: FlexError };

export interface AnthropicStreamTransform {
  push(event: AnthropicStreamEvent): TransformStep;
  /** True once `message_stop` produced `response.completed`. */
  readonly done: boolean;
}

export function createAnthropicStreamTransform(deps: StreamTransformDeps): AnthropicStreamTransform {
  const state: State = {
    meta: null,
    usage: {},
    stopReason: null,
    blocks: new Map(),
    message: null,
    output: [],
    nextOutputIndex: 0,
    done: false,
  };
  const push = (event: AnthropicStreamEvent): TransformStep => {
    if (state.done) return events([]);
    switch (event.type) {
      case 'ping':
        return events([]);
      case 'error':
        return { type: 'error', error: streamError(event.error) };
      case 'message_start':
        return events(onMessageStart(state, event, deps));
      case 'content_block_start':
      case 'content_block_delta':
      case 'content_block_stop':
      case 'message_delta':
      case 'message_stop':
        // Content before message_start is a broken stream.
        return state.meta ? events(onMessageEvent(state, state.meta, event)) : { type: 'error', error: endedEarlyError('anthropic', 'content before message_start') };
      default:
        // Event types added to the API later carry nothing this mapping needs.
        return events([]);
    }
  };
  return {
    push,
    get done() {
      return state.done;
    },
  };
}

function events(list: CanonicalStreamEvent[]): TransformStep {
  return { type: 'events', events: list };
}

type MessageEvent = Exclude<AnthropicStreamEvent, { type: 'ping' | 'error' | 'message_start' }>;

function onMessageEvent(state: State, meta: Meta, event: MessageEvent): CanonicalStreamEvent[] {
  switch (event.type) {
    case 'content_block_start':
      return onBlockStart(state, meta, event);
    case 'content_block_delta':
      return onBlockDelta(state, event);
    case 'content_block_stop':
      return onBlockStop(state, event.index);
    case 'message_delta':
      state.stopReason = event.delta.stop_reason ?? state.stopReason;
      state.usage = mergeUsage(state.usage, event.usage);
      return closeMessage(state);
    case 'message_stop':
      return onMessageStop(state, meta);
  }
}

function onMessageStart(state: State, event: MessageStartEvent, deps: StreamTransformDeps): CanonicalStreamEvent[] {
  if (state.meta) return [];
  const meta: Meta = { id: event.message.id, model: event.message.model, createdAt: Math.floor(deps.now() / 1000) };
  state.meta = meta;
  state.usage = mergeUsage(state.usage, event.message.usage);
  // message_start is Anthropic's proof that the request is running (no queueing tier exists).
  return [{ type: 'admitted' }, { type: 'response.created', ...meta }];
}

function onMessageStop(state: State, meta: Meta): CanonicalStreamEvent[] {
  const out = closeMessage(state);
  state.done = true;
  const rawTier = state.usage.service_tier;
  out.push({
    type: 'response.completed',
    response: {
      ...meta,
      status: statusForStop(state.stopReason),
      stopReason: mapStopReason(state.stopReason),
      output: state.output.filter((item) => item !== undefined),
      usage: mapUsage(state.usage),
      servedTier: mapServedTier(rawTier),
      ...(rawTier ? { rawServiceTier: rawTier } : {}),
      provider: 'anthropic',
    },
  });
  return out;
}
