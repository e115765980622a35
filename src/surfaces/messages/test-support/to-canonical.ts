// A minimal reference reading of recorded Anthropic answers into the canonical form, so tests can
// check that the surface encoders give back what Anthropic sent. Test-only; the production
// reading of Anthropic streams is the anthropic provider's, whose stop-reason and usage maps it uses.
import type {
  CanonicalResponse,
  CanonicalStreamEvent,
  OutputItem,
} from '../../../canonical/types.js';
import { mapAnthropicFinishReason } from '../../../providers/anthropic/map-finish-reason.js';
import { mapAnthropicUsage } from '../../../providers/anthropic/map-usage.js';
import type { Json } from './recorded.js';

type Block =
  | { type: 'text'; outputIndex: number; text: string }
  | { type: 'thinking'; outputIndex: number; thinking: string; signature: string }
  | { type: 'tool_use'; outputIndex: number; id: string; name: string; args: string };

interface ReadState {
  id: string;
  model: string;
  usage: Json;
  stopReason: string;
  blocks: Map<number, Block>;
  output: OutputItem[];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null ? (value as Json) : {};
}

function response(state: ReadState): CanonicalResponse {
  const finishReason = mapAnthropicFinishReason(state.stopReason);
  return {
    id: state.id,
    model: state.model,
    createdAt: 0,
    status: finishReason.type === 'max_output_tokens' || finishReason.type === 'paused' ? 'incomplete' : 'completed',
    finishReason,
    output: state.output,
    usage: mapAnthropicUsage(state.usage),
    servedTier: 'standard',
    provider: 'anthropic',
  };
}

/** Recorded stream events (pings included) → the canonical events a provider would yield. */
export function canonicalFromStream(events: readonly Json[]): CanonicalStreamEvent[] {
  const state: ReadState = { id: '', model: '', usage: {}, stopReason: '', blocks: new Map(), output: [] };
  return events.flatMap((event) => readEvent(state, event));
}

function readEvent(state: ReadState, event: Json): CanonicalStreamEvent[] {
  switch (event.type) {
    case 'message_start': {
      const message = obj(event.message);
      state.id = str(message.id);
      state.model = str(message.model);
      state.usage = obj(message.usage);
      return [{ type: 'admitted' }, { type: 'response.created', id: state.id, model: state.model, createdAt: 0 }];
    }
    case 'content_block_start':
      return startBlock(state, num(event.index), obj(event.content_block));
    case 'content_block_delta':
      return blockDelta(state, num(event.index), obj(event.delta));
    case 'content_block_stop':
      return stopBlock(state, num(event.index));
    case 'message_delta':
      state.stopReason = str(obj(event.delta).stop_reason);
      state.usage = { ...state.usage, ...obj(event.usage) };
      return [];
    case 'message_stop':
      return [{ type: 'response.completed', response: response(state) }];
    default:
      return [];
  }
}

function startBlock(state: ReadState, index: number, block: Json): CanonicalStreamEvent[] {
  const outputIndex = state.blocks.size;
  switch (block.type) {
    case 'text':
      state.blocks.set(index, { type: 'text', outputIndex, text: '' });
      return [
        {
          type: 'item.added',
          outputIndex,
          item: { type: 'message', id: `item_${outputIndex}`, role: 'assistant', status: 'in_progress', content: [] },
        },
        { type: 'content_part.added', outputIndex, contentIndex: 0, part: { type: 'output_text', text: '' } },
      ];
    case 'thinking':
      state.blocks.set(index, { type: 'thinking', outputIndex, thinking: '', signature: '' });
      return [{ type: 'item.added', outputIndex, item: { type: 'reasoning', id: `item_${outputIndex}`, summary: [] } }];
    case 'tool_use': {
      const id = str(block.id);
      const name = str(block.name);
      state.blocks.set(index, { type: 'tool_use', outputIndex, id, name, args: '' });
      return [
        { type: 'item.added', outputIndex, item: { type: 'function_call', id, callId: id, name, arguments: '' } },
      ];
    }
    default:
      throw new Error(`unexpected block ${String(block.type)}`);
  }
}

function blockDelta(state: ReadState, index: number, delta: Json): CanonicalStreamEvent[] {
  const block = state.blocks.get(index);
  if (!block) throw new Error(`delta for unknown block ${index}`);
  const { outputIndex } = block;
  if (block.type === 'text' && delta.type === 'text_delta') {
    block.text += str(delta.text);
    return [{ type: 'text.delta', outputIndex, contentIndex: 0, delta: str(delta.text) }];
  }
  if (block.type === 'thinking' && delta.type === 'thinking_delta') {
    block.thinking += str(delta.thinking);
    return [{ type: 'reasoning_text.delta', outputIndex, delta: str(delta.thinking) }];
  }
  if (block.type === 'thinking' && delta.type === 'signature_delta') {
    block.signature = str(delta.signature);
    return [];
  }
  if (block.type === 'tool_use' && delta.type === 'input_json_delta') {
    block.args += str(delta.partial_json);
    return [{ type: 'function_call_arguments.delta', outputIndex, delta: str(delta.partial_json) }];
  }
  throw new Error(`unexpected delta ${String(delta.type)} for ${block.type}`);
}

function stopBlock(state: ReadState, index: number): CanonicalStreamEvent[] {
  const block = state.blocks.get(index);
  if (!block) throw new Error(`stop for unknown block ${index}`);
  const item = finishedItem(block);
  state.output.push(item);
  const done: CanonicalStreamEvent = { type: 'item.done', outputIndex: block.outputIndex, item };
  if (block.type !== 'text') return [done];
  const part = { type: 'output_text', text: block.text } as const;
  return [{ type: 'content_part.done', outputIndex: block.outputIndex, contentIndex: 0, part }, done];
}

function finishedItem(block: Block): OutputItem {
  const id = `item_${block.outputIndex}`;
  switch (block.type) {
    case 'text':
      return { type: 'message', id, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: block.text }] };
    case 'thinking':
      return {
        type: 'reasoning',
        id,
        summary: [],
        text: block.thinking,
        ...(block.signature === '' ? {} : { opaque: { provider: 'anthropic' as const, data: block.signature } }),
      };
    case 'tool_use':
      return { type: 'function_call', id: block.id, callId: block.id, name: block.name, arguments: block.args === '' ? '{}' : block.args };
  }
}

/** A recorded non-streamed Message → the canonical response. */
export function canonicalFromMessage(message: Json): CanonicalResponse {
  const content = Array.isArray(message.content) ? (message.content as unknown[]).map(obj) : [];
  const output = content.map((block, index): OutputItem => {
    const id = `item_${index}`;
    switch (block.type) {
      case 'text':
        return { type: 'message', id, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: str(block.text) }] };
      case 'thinking':
        return { type: 'reasoning', id, summary: [], text: str(block.thinking), opaque: { provider: 'anthropic', data: str(block.signature) } };
      case 'redacted_thinking':
        return { type: 'reasoning', id, summary: [], opaque: { provider: 'anthropic', data: str(block.data), redacted: true } };
      case 'tool_use':
        return { type: 'function_call', id: str(block.id), callId: str(block.id), name: str(block.name), arguments: JSON.stringify(block.input) };
      default:
        throw new Error(`unexpected block ${String(block.type)}`);
    }
  });
  return response({
    id: str(message.id),
    model: str(message.model),
    usage: obj(message.usage),
    stopReason: str(message.stop_reason),
    blocks: new Map(),
    output,
  });
}
