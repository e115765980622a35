// Canonical stream events → Anthropic Messages SSE.
// https://platform.claude.com/docs/en/build-with-claude/streaming
//
// Anthropic streams one content block at a time: content_block_start, its deltas, then
// content_block_stop, with block indexes 0, 1, 2… that never overlap. Canonical events are keyed by
// output item (and content part); each part of a message, each reasoning item and each function
// call becomes the next block. Should a provider ever interleave items, the open block is closed
// and a new one started, so the client still sees well-formed, sequential blocks.
import type {
  Annotation,
  CanonicalResponse,
  CanonicalStreamEvent,
  FunctionCallItem,
  ItemDoneEvent,
  OutputContent,
  OutputItem,
  ReasoningItem,
  Usage,
} from '../../canonical/types.js';
import type { FlexError } from '../../errors/catalog.js';
import { anthropicErrorBody } from '../../errors/render.js';
import type { EncodeContext, StreamEncoder } from '../surface.js';
import { callStateBlock, citation, messageId, reasoningBlock, refusalDetails, searchBlocks, textBlock, toolInput } from './blocks.js';
import { mapMessagesStopReason } from './map-finish-reason.js';
import { emptyUsage, mapMessagesUsage, mapUsageCounters } from './map-usage.js';
import { encodeReasoningSignature } from './opaque-signature.js';
import { closeBlock, delta, frame, progress, startBlock, wholeBlock } from './stream-state.js';
import type { EncoderState, ItemProgress, Out } from './stream-state.js';
import type { AnthropicContentBlock } from './wire.js';

export { frame } from './stream-state.js';

export function createMessagesStreamEncoder(ctx: EncodeContext): StreamEncoder {
  const state: EncoderState = { ctx, started: false, nextIndex: 0, open: undefined, items: new Map() };
  return {
    event(event) {
      const out: Out = [];
      handleEvent(state, event, out);
      return out.map(frame).join('');
    },
    error(err: FlexError) {
      // Same body as Anthropic's in-stream error event; the SDK raises it as an APIError.
      return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(err))}\n\n`;
    },
    end() {
      return '';
    },
  };
}

function handleEvent(s: EncoderState, event: CanonicalStreamEvent, out: Out): void {
  switch (event.type) {
    case 'admitted':
    case 'reasoning_summary_part.added':
    case 'reasoning_summary_part.done':
    case 'provider_item.event': // another provider's hosted tool call has no Messages block (blocks.ts)
      return;
    case 'response.created':
      startMessage(s, event, out);
      return;
    case 'item.added':
      onItemAdded(s, event.outputIndex, event.item, out);
      return;
    case 'content_part.added':
      ensureTextBlock(s, event.outputIndex, event.contentIndex, out);
      return;
    case 'text.delta':
    case 'refusal.delta': {
      ensureTextBlock(s, event.outputIndex, event.contentIndex, out);
      // The streamed text, for the cited span of a citation that arrives later.
      const texts = progress(s, event.outputIndex).texts;
      texts.set(event.contentIndex, (texts.get(event.contentIndex) ?? '') + event.delta);
      delta(s, { type: 'text_delta', text: event.delta }, out);
      return;
    }
    case 'content_part.done':
      onPartDone(s, event.outputIndex, event.contentIndex, event.part, out);
      return;
    case 'annotation.added':
      onAnnotation(s, event.outputIndex, event.contentIndex, event.annotation, out);
      return;
    case 'reasoning_summary.delta':
      onThinkingDelta(s, event.outputIndex, 'summary', event.delta, event.summaryIndex, out);
      return;
    case 'reasoning_text.delta':
      onThinkingDelta(s, event.outputIndex, 'text', event.delta, 0, out);
      return;
    case 'function_call_arguments.delta':
      onArgumentsDelta(s, event.outputIndex, event.delta, out);
      return;
    case 'item.done':
      onItemDone(s, event, out);
      return;
    case 'response.completed':
      finish(s, event.response, out);
      return;
  }
}

/** `message_start` carries the input count when the provider knew it at the start (Anthropic does). */
function startMessage(s: EncoderState, head: { id: string; model: string; usage?: Usage | undefined }, out: Out): void {
  if (s.started) return;
  s.started = true;
  out.push({
    type: 'message_start',
    message: {
      model: head.model,
      id: messageId(head.id),
      type: 'message',
      role: 'assistant',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: head.usage ? mapMessagesUsage(head.usage, s.ctx.servedTier) : emptyUsage(s.ctx.servedTier),
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Text

function ensureTextBlock(s: EncoderState, outputIndex: number, contentIndex: number, out: Out): void {
  const open = s.open;
  if (open?.kind === 'text' && open.outputIndex === outputIndex && open.contentIndex === contentIndex) return;
  progress(s, outputIndex).partsRendered.add(contentIndex);
  startBlock(s, { kind: 'text', outputIndex, contentIndex }, { type: 'text', text: '' }, out);
}

function onPartDone(s: EncoderState, outputIndex: number, contentIndex: number, part: OutputContent, out: Out): void {
  const open = s.open;
  if (open?.kind === 'text' && open.outputIndex === outputIndex && open.contentIndex === contentIndex) {
    closeBlock(s, out);
    return;
  }
  renderMissingPart(s, outputIndex, contentIndex, part, out);
}

/** A citation of the open text block: a citations_delta (the SDK adds it to the block's citations). */
function onAnnotation(s: EncoderState, outputIndex: number, contentIndex: number, annotation: Annotation, out: Out): void {
  const open = s.open;
  if (open?.kind !== 'text' || open.outputIndex !== outputIndex || open.contentIndex !== contentIndex) return;
  const text = progress(s, outputIndex).texts.get(contentIndex) ?? '';
  for (const c of citation(annotation, text)) delta(s, { type: 'citations_delta', citation: c }, out);
}

/** A part that never had a block (no content_part.added nor deltas) is rendered whole. */
function renderMissingPart(s: EncoderState, outputIndex: number, contentIndex: number, part: OutputContent, out: Out): void {
  const item = progress(s, outputIndex);
  if (item.partsRendered.has(contentIndex)) return;
  item.partsRendered.add(contentIndex);
  wholeBlock(s, { kind: 'text', outputIndex, contentIndex }, textBlock(part), out);
}

// ---------------------------------------------------------------------------------------------
// Reasoning

function onThinkingDelta(
  s: EncoderState,
  outputIndex: number,
  source: 'text' | 'summary',
  text: string,
  summaryIndex: number,
  out: Out,
): void {
  const item = progress(s, outputIndex);
  item.thinkingSource ??= source;
  // Full reasoning text and summaries are two views of the same thinking: stream only one.
  if (item.thinkingSource !== source) return;
  ensureThinkingBlock(s, outputIndex, item, out);
  let thinking = text;
  if (source === 'summary' && summaryIndex !== item.lastSummaryIndex) {
    // Summary parts read as paragraphs of one thinking text (as in the non-streamed answer).
    if (item.lastSummaryIndex >= 0) thinking = `\n\n${text}`;
    item.lastSummaryIndex = summaryIndex;
  }
  delta(s, { type: 'thinking_delta', thinking }, out);
}

function ensureThinkingBlock(s: EncoderState, outputIndex: number, item: ItemProgress, out: Out): void {
  const open = s.open;
  if (open?.kind === 'thinking' && open.outputIndex === outputIndex) return;
  item.blockStarted = true;
  startBlock(s, { kind: 'thinking', outputIndex }, { type: 'thinking', thinking: '', signature: '' }, out);
}

/** The signature arrives with the finished item, as Anthropic's own signature_delta does. */
function onReasoningDone(s: EncoderState, outputIndex: number, reasoning: ReasoningItem, out: Out): void {
  const open = s.open;
  const item = progress(s, outputIndex);
  if (open?.kind === 'thinking' && open.outputIndex === outputIndex) {
    if (reasoning.opaque) delta(s, { type: 'signature_delta', signature: encodeReasoningSignature(reasoning.opaque, reasoning.id) }, out);
    closeBlock(s, out);
    return;
  }
  // Not streamed (or cut off by an interleaved item): render what is still missing as a block.
  const block = item.blockStarted ? stateOnlyBlock(reasoning) : reasoningBlock(reasoning);
  item.blockStarted = true;
  if (block) wholeBlock(s, { kind: 'thinking', outputIndex }, block, out);
}

function stateOnlyBlock(reasoning: ReasoningItem): AnthropicContentBlock | undefined {
  return reasoningBlock({ ...reasoning, text: '', summary: [] });
}

// ---------------------------------------------------------------------------------------------
// Function calls

function onItemAdded(s: EncoderState, outputIndex: number, item: OutputItem, out: Out): void {
  if (item.type !== 'function_call') return;
  const progressed = progress(s, outputIndex);
  progressed.blockStarted = true;
  startToolUse(s, outputIndex, item, out);
}

function startToolUse(s: EncoderState, outputIndex: number, call: FunctionCallItem, out: Out): void {
  startBlock(s, { kind: 'tool_use', outputIndex }, { type: 'tool_use', id: call.callId, name: call.name, input: {} }, out);
  // Anthropic opens every tool_use block with an empty partial_json.
  delta(s, { type: 'input_json_delta', partial_json: '' }, out);
}

function onArgumentsDelta(s: EncoderState, outputIndex: number, text: string, out: Out): void {
  const open = s.open;
  if (text === '' || open?.kind !== 'tool_use' || open.outputIndex !== outputIndex) return;
  progress(s, outputIndex).argumentsSent = true;
  delta(s, { type: 'input_json_delta', partial_json: text }, out);
}

function onCallDone(s: EncoderState, outputIndex: number, call: FunctionCallItem, out: Out): void {
  const open = s.open;
  const item = progress(s, outputIndex);
  if (open?.kind === 'tool_use' && open.outputIndex === outputIndex) {
    // Providers that deliver the arguments whole (Gemini) send them here.
    const args = call.arguments.trim();
    if (!item.argumentsSent && args !== '' && args !== '{}') delta(s, { type: 'input_json_delta', partial_json: call.arguments }, out);
    closeBlock(s, out);
  } else if (!item.blockStarted) {
    item.blockStarted = true;
    wholeBlock(s, { kind: 'tool_use', outputIndex }, { type: 'tool_use', id: call.callId, name: call.name, input: toolInput(call.arguments) }, out);
  }
  const state = callStateBlock(call);
  if (state) wholeBlock(s, { kind: 'thinking', outputIndex }, state, out);
}

// ---------------------------------------------------------------------------------------------
// Items and the end

function onItemDone(s: EncoderState, event: ItemDoneEvent, out: Out): void {
  const { outputIndex, item } = event;
  switch (item.type) {
    case 'message': {
      if (s.open?.kind === 'text' && s.open.outputIndex === outputIndex) closeBlock(s, out);
      item.content.forEach((part, contentIndex) => {
        renderMissingPart(s, outputIndex, contentIndex, part, out);
      });
      return;
    }
    case 'web_search_call': {
      const [use, result] = searchBlocks(item);
      wholeBlock(s, { kind: 'search', outputIndex }, use, out);
      wholeBlock(s, { kind: 'search', outputIndex }, result, out);
      return;
    }
    case 'reasoning':
      onReasoningDone(s, outputIndex, item, out);
      return;
    case 'function_call':
      onCallDone(s, outputIndex, item, out);
      return;
    case 'provider_item':
      return;
  }
}

function finish(s: EncoderState, response: CanonicalResponse, out: Out): void {
  startMessage(s, response, out);
  closeBlock(s, out);
  const stopReason = mapMessagesStopReason(response);
  out.push({
    type: 'message_delta',
    delta: {
      stop_reason: stopReason,
      stop_sequence: null,
      ...(stopReason === 'refusal' ? { stop_details: refusalDetails(response.output) } : {}),
    },
    usage: mapUsageCounters(response.usage),
  });
  out.push({ type: 'message_stop' });
}
