// Block bookkeeping for the Messages stream encoder: one open block at a time, sequential indexes.
// https://platform.claude.com/docs/en/build-with-claude/streaming
import type { EncodeContext } from '../surface.js';
import type { AnthropicContentBlock, AnthropicDelta, AnthropicStreamEvent } from './wire.js';

/** What a block renders: a message's content part, a reasoning item, or a function call. */
export type BlockOwner =
  | { kind: 'text'; outputIndex: number; contentIndex: number }
  | { kind: 'thinking'; outputIndex: number }
  | { kind: 'tool_use'; outputIndex: number }
  | { kind: 'search'; outputIndex: number };

/** The block being streamed, with its Anthropic block index. */
export type OpenBlock = BlockOwner & { index: number };

/** Per output item: what has been rendered so far. */
export interface ItemProgress {
  /** Content parts of a message that already had a block. */
  partsRendered: Set<number>;
  /** A reasoning item's readable source, fixed by its first delta. */
  thinkingSource?: 'text' | 'summary';
  lastSummaryIndex: number;
  /** A block for this reasoning item / function call was started. */
  blockStarted: boolean;
  argumentsSent: boolean;
  /** Text streamed per content part. */
  texts: Map<number, string>;
}

export interface EncoderState {
  ctx: EncodeContext;
  started: boolean;
  nextIndex: number;
  open: OpenBlock | undefined;
  items: Map<number, ItemProgress>;
}

export type Out = AnthropicStreamEvent[];

/** `event: <type>\ndata: <json>\n\n`, the framing Anthropic uses for every event. */
export function frame(event: AnthropicStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function progress(s: EncoderState, outputIndex: number): ItemProgress {
  let item = s.items.get(outputIndex);
  if (!item) {
    item = { partsRendered: new Set(), lastSummaryIndex: -1, blockStarted: false, argumentsSent: false, texts: new Map() };
    s.items.set(outputIndex, item);
  }
  return item;
}

export function startBlock(s: EncoderState, open: BlockOwner, block: AnthropicContentBlock, out: Out): void {
  closeBlock(s, out);
  const index = s.nextIndex++;
  s.open = { ...open, index };
  out.push({ type: 'content_block_start', index, content_block: block });
}

export function closeBlock(s: EncoderState, out: Out): void {
  if (!s.open) return;
  out.push({ type: 'content_block_stop', index: s.open.index });
  s.open = undefined;
}

export function delta(s: EncoderState, value: AnthropicDelta, out: Out): void {
  if (s.open) out.push({ type: 'content_block_delta', index: s.open.index, delta: value });
}

/** A whole block at once, for items whose content arrived only with `item.done`. */
export function wholeBlock(s: EncoderState, open: BlockOwner, block: AnthropicContentBlock, out: Out): void {
  switch (block.type) {
    case 'text':
      startBlock(s, open, { type: 'text', text: '' }, out);
      if (block.text !== '') delta(s, { type: 'text_delta', text: block.text }, out);
      for (const citation of block.citations ?? []) delta(s, { type: 'citations_delta', citation }, out);
      break;
    case 'server_tool_use': {
      startBlock(s, open, { ...block, input: {} }, out);
      const json = JSON.stringify(block.input);
      if (json !== '{}') delta(s, { type: 'input_json_delta', partial_json: json }, out);
      break;
    }
    case 'web_search_tool_result':
      // Anthropic sends the results whole with the block's start.
      startBlock(s, open, block, out);
      break;
    case 'thinking':
      startBlock(s, open, { type: 'thinking', thinking: '', signature: '' }, out);
      if (block.thinking !== '') delta(s, { type: 'thinking_delta', thinking: block.thinking }, out);
      if (block.signature !== '') delta(s, { type: 'signature_delta', signature: block.signature }, out);
      break;
    case 'redacted_thinking':
      startBlock(s, open, block, out);
      break;
    case 'tool_use': {
      startBlock(s, open, { ...block, input: {} }, out);
      const json = JSON.stringify(block.input);
      delta(s, { type: 'input_json_delta', partial_json: '' }, out);
      if (json !== '{}') delta(s, { type: 'input_json_delta', partial_json: json }, out);
      break;
    }
  }
  closeBlock(s, out);
}

