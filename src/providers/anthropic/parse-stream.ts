// Anthropic Messages stream events → canonical stream events.
// Event flow (https://platform.claude.com/docs/en/build-with-claude/streaming): message_start, then
// per content block content_block_start / content_block_delta* / content_block_stop, then
// message_delta (stop_reason, cumulative usage) and message_stop; `ping` may come anywhere and an
// `error` event may replace the rest of the stream.
//
// Mapping: consecutive text blocks form one message item (one content part each); a thinking block
// is a reasoning item whose signature arrives in item.done; redacted_thinking is a reasoning item
// carrying only opaque data; tool_use is a function_call item; a web search (server_tool_use and
// its web_search_tool_result) is a web_search_call item, and the web citations on a text block are
// url_citation annotations spanning that block.
import type { CanonicalStreamEvent } from '../../canonical/types.js';
import type { FlexError } from '../../errors/catalog.js';
import { endedEarlyError } from '../upstream-errors.js';
import { anthropicStreamError } from './map-error.js';
import { mapAnthropicFinishReason, statusForStop } from './map-finish-reason.js';
import { mapAnthropicServedTier } from './map-tier.js';
import { mapAnthropicUsage, mergeUsage } from './map-usage.js';
import { closeMessage, closeSearches, onBlockDelta, onBlockStart, onBlockStop, type Meta, type State } from './stream-items.js';
import type { AnthropicStreamEvent, MessageStartEvent } from './wire.js';

export interface AnthropicStreamDeps {
  /** Milliseconds since the epoch; Anthropic sends no creation time, so the local clock stamps it. */
  now: () => number;
}

export type AnthropicParseStep = { type: 'events'; events: CanonicalStreamEvent[] } | { type: 'error'; error: FlexError };

export interface AnthropicStreamParser {
  push(event: AnthropicStreamEvent): AnthropicParseStep;
  /** True once `message_stop` produced `response.completed`. */
  readonly done: boolean;
}

export function createAnthropicStreamParser(deps: AnthropicStreamDeps): AnthropicStreamParser {
  const state: State = {
    meta: null,
    usage: {},
    stopReason: null,
    blocks: new Map(),
    searches: new Map(),
    message: null,
    output: [],
    nextOutputIndex: 0,
    done: false,
  };
  const push = (event: AnthropicStreamEvent): AnthropicParseStep => {
    if (state.done) return events([]);
    switch (event.type) {
      case 'ping':
        return events([]);
      case 'error':
        return { type: 'error', error: anthropicStreamError(event.error) };
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

function events(list: CanonicalStreamEvent[]): AnthropicParseStep {
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

function onMessageStart(state: State, event: MessageStartEvent, deps: AnthropicStreamDeps): CanonicalStreamEvent[] {
  if (state.meta) return [];
  const meta: Meta = { id: event.message.id, model: event.message.model, createdAt: Math.floor(deps.now() / 1000) };
  state.meta = meta;
  state.usage = mergeUsage(state.usage, event.message.usage);
  // message_start is Anthropic's proof that the request is running (no queueing tier exists).
  const rawTier = state.usage.service_tier;
  const servedTier = rawTier ? { servedTier: mapAnthropicServedTier(rawTier) } : {};
  return [{ type: 'admitted' }, { type: 'response.created', ...meta, usage: mapAnthropicUsage(state.usage), ...servedTier }];
}

function onMessageStop(state: State, meta: Meta): CanonicalStreamEvent[] {
  const out = [...closeMessage(state), ...closeSearches(state)];
  state.done = true;
  const rawTier = state.usage.service_tier;
  out.push({
    type: 'response.completed',
    response: {
      ...meta,
      status: statusForStop(state.stopReason),
      finishReason: mapAnthropicFinishReason(state.stopReason),
      output: state.output.filter((item) => item !== undefined),
      usage: mapAnthropicUsage(state.usage),
      servedTier: mapAnthropicServedTier(rawTier),
      ...(rawTier ? { rawServiceTier: rawTier } : {}),
      provider: 'anthropic',
    },
  });
  return out;
}
