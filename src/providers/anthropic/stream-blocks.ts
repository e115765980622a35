// Per-content-block handlers of the Anthropic stream transform (see parse-stream.ts), and the
// typed state they share with it. Anthropic streams one block at a time, so at most one block is
// open; consecutive text blocks share one message item, which closes when anything else starts.
import type { CanonicalStreamEvent, OutputContent, OutputItem, OutputMessage } from '../../canonical/types.js';
import { statusForStop } from './map-stop-reason.js';
import type { AnthropicUsage, ContentBlockDeltaEvent, ContentBlockStartEvent, StartedBlock } from './wire-types.js';

export type BlockState =
  | { kind: 'text'; outputIndex: number; contentIndex: number; text: string }
  | { kind: 'thinking'; outputIndex: number; id: string; text: string; signature: string }
  | { kind: 'redacted'; outputIndex: number; id: string; data: string }
  | { kind: 'tool'; outputIndex: number; id: string; callId: string; name: string; args: string; input: Record<string, unknown> }
  | { kind: 'skipped' };

export interface OpenMessage {
  outputIndex: number;
  id: string;
  parts: OutputContent[];
}

export interface Meta {
  id: string;
  model: string;
  createdAt: number;
}

export interface State {
  meta: Meta | null;
  usage: AnthropicUsage;
  stopReason: string | null;
  blocks: Map<number, BlockState>;
  message: OpenMessage | null;
  /** Completed items by output index. */
  output: OutputItem[];
  nextOutputIndex: number;
  done: boolean;
}

export function onBlockStart(state: State, meta: Meta, event: ContentBlockStartEvent): CanonicalStreamEvent[] {
  const block = event.content_block as StartedBlock;
  const out: CanonicalStreamEvent[] = block.type === 'text' ? [] : closeMessage(state);
  switch (block.type) {
    case 'text': {
      const message = state.message ?? openMessage(state, meta, out);
      const contentIndex = message.parts.length;
      const part: OutputContent = { type: 'output_text', text: '' };
      message.parts.push(part);
      state.blocks.set(event.index, { kind: 'text', outputIndex: message.outputIndex, contentIndex, text: block.text ?? '' });
      out.push({ type: 'content_part.added', outputIndex: message.outputIndex, contentIndex, part });
      if (block.text) out.push({ type: 'text.delta', outputIndex: message.outputIndex, contentIndex, delta: block.text });
      return out;
    }
    case 'thinking': {
      const nextIndex = state.nextOutputIndex++;
      const id = itemId('rs', meta, nextIndex);
      state.blocks.set(event.index, { kind: 'thinking', outputIndex: nextIndex, id, text: '', signature: block.signature ?? '' });
      out.push({ type: 'item.added', outputIndex: nextIndex, item: { type: 'reasoning', id, summary: [], text: '', status: 'in_progress' } });
      return out.concat(thinkingDelta(state, event.index, block.thinking ?? ''));
    }
    case 'redacted_thinking': {
      const nextIndex = state.nextOutputIndex++;
      const id = itemId('rs', meta, nextIndex);
      state.blocks.set(event.index, { kind: 'redacted', outputIndex: nextIndex, id, data: block.data });
      out.push({ type: 'item.added', outputIndex: nextIndex, item: { type: 'reasoning', id, summary: [], status: 'in_progress' } });
      return out;
    }
    case 'tool_use': {
      const nextIndex = state.nextOutputIndex++;
      const id = `fc_${block.id.replace(/^toolu_/, '')}`;
      const tool = { id, callId: block.id, name: block.name };
      state.blocks.set(event.index, { kind: 'tool', outputIndex: nextIndex, ...tool, args: '', input: block.input ?? {} });
      out.push({ type: 'item.added', outputIndex: nextIndex, item: { type: 'function_call', ...tool, arguments: '', status: 'in_progress' } });
      return out;
    }
    default:
      state.blocks.set(event.index, { kind: 'skipped' });
      return out;
  }
}

export function onBlockDelta(state: State, event: ContentBlockDeltaEvent): CanonicalStreamEvent[] {
  const block = state.blocks.get(event.index);
  const delta = event.delta;
  if (!block) return [];
  if (block.kind === 'text' && delta.type === 'text_delta' && 'text' in delta) {
    block.text += delta.text;
    return [{ type: 'text.delta', outputIndex: block.outputIndex, contentIndex: block.contentIndex, delta: delta.text }];
  }
  if (block.kind === 'thinking' && delta.type === 'thinking_delta' && 'thinking' in delta) {
    return thinkingDelta(state, event.index, delta.thinking);
  }
  if (block.kind === 'thinking' && delta.type === 'signature_delta' && 'signature' in delta) {
    block.signature += delta.signature;
    return [];
  }
  if (block.kind === 'tool' && delta.type === 'input_json_delta' && 'partial_json' in delta && delta.partial_json !== '') {
    block.args += delta.partial_json;
    return [{ type: 'function_call_arguments.delta', outputIndex: block.outputIndex, delta: delta.partial_json }];
  }
  // Citations and other deltas for features this provider never requests are ignored.
  return [];
}

function thinkingDelta(state: State, index: number, text: string): CanonicalStreamEvent[] {
  const block = state.blocks.get(index);
  if (block?.kind !== 'thinking' || text === '') return [];
  block.text += text;
  return [{ type: 'reasoning_text.delta', outputIndex: block.outputIndex, delta: text }];
}

export function onBlockStop(state: State, index: number): CanonicalStreamEvent[] {
  const block = state.blocks.get(index);
  state.blocks.delete(index);
  if (!block) return [];
  switch (block.kind) {
    case 'text': {
      const part: OutputContent = { type: 'output_text', text: block.text };
      if (state.message) state.message.parts[block.contentIndex] = part;
      return [{ type: 'content_part.done', outputIndex: block.outputIndex, contentIndex: block.contentIndex, part }];
    }
    case 'thinking': {
      const opaque = block.signature === '' ? {} : { opaque: { provider: 'anthropic' as const, data: block.signature } };
      return finishItem(state, block.outputIndex, {
        type: 'reasoning', id: block.id, summary: [], text: block.text, ...opaque, status: 'completed',
      });
    }
    case 'redacted':
      return finishItem(state, block.outputIndex, {
        type: 'reasoning', id: block.id, summary: [], opaque: { provider: 'anthropic', data: block.data, redacted: true }, status: 'completed',
      });
    case 'tool':
      return finishTool(state, block);
    case 'skipped':
      return [];
  }
}

function finishTool(state: State, block: Extract<BlockState, { kind: 'tool' }>): CanonicalStreamEvent[] {
  const out: CanonicalStreamEvent[] = [];
  let args = block.args;
  if (args === '') {
    // No input_json_delta content: the input is whatever content_block_start carried, `{}` at least.
    args = JSON.stringify(block.input);
    out.push({ type: 'function_call_arguments.delta', outputIndex: block.outputIndex, delta: args });
  }
  return out.concat(finishItem(state, block.outputIndex, {
    type: 'function_call', id: block.id, callId: block.callId, name: block.name, arguments: args, status: 'completed',
  }));
}

export function finishItem(state: State, outputIndex: number, item: OutputItem): CanonicalStreamEvent[] {
  state.output[outputIndex] = item;
  return [{ type: 'item.done', outputIndex, item }];
}

function openMessage(state: State, meta: Meta, out: CanonicalStreamEvent[]): OpenMessage {
  const outputIndex = state.nextOutputIndex++;
  const message: OpenMessage = { outputIndex, id: itemId('msg', meta, outputIndex), parts: [] };
  state.message = message;
  out.push({
    type: 'item.added',
    outputIndex,
    item: { type: 'message', id: message.id, role: 'assistant', status: 'in_progress', content: [] },
  });
  return message;
}

export function closeMessage(state: State): CanonicalStreamEvent[] {
  const message = state.message;
  if (!message) return [];
  state.message = null;
  const item: OutputMessage = {
    type: 'message',
    id: message.id,
    role: 'assistant',
    // message_delta arrives before the close when the text was cut by max_tokens.
    status: statusForStop(state.stopReason) === 'incomplete' ? 'incomplete' : 'completed',
    content: message.parts,
  };
  return finishItem(state, message.outputIndex, item);
}

/** Anthropic blocks have no ids; derive stable ones from the message id and the output index. */
function itemId(prefix: 'msg' | 'rs', meta: Meta, outputIndex: number): string {
  return `${prefix}_${meta.id.replace(/^msg_/, '')}_${outputIndex}`;
}
