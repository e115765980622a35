// Canonical output items → Anthropic content blocks, shared by the response and stream encoders.
import type { FunctionCallItem, OutputItem, OutputMessage, ReasoningItem } from '../../canonical/types.js';
import { encodeCallSignature, encodeReasoningSignature } from './opaque-signature.js';
import type { AnthropicContentBlock, AnthropicRefusalDetails } from './wire-types.js';

/** Anthropic message ids start with `msg_`; other providers' ids are kept behind that prefix. */
export function messageId(id: string): string {
  return id.startsWith('msg_') ? id : `msg_${id}`;
}

export function itemBlocks(item: OutputItem): AnthropicContentBlock[] {
  switch (item.type) {
    case 'message':
      return messageBlocks(item);
    case 'reasoning': {
      const block = reasoningBlock(item);
      return block ? [block] : [];
    }
    case 'function_call': {
      const state = callStateBlock(item);
      return state ? [toolUseBlock(item), state] : [toolUseBlock(item)];
    }
  }
}

/** Text parts become text blocks; a refusal (OpenAI) is shown as text, with stop_reason refusal. */
function messageBlocks(message: OutputMessage): AnthropicContentBlock[] {
  return message.content.map((part) =>
    part.type === 'output_text' ? { type: 'text', text: part.text } : { type: 'text', text: part.refusal },
  );
}

/** The readable thinking: Anthropic's full text, else the provider's summaries. */
export function thinkingText(item: ReasoningItem): string {
  return item.text !== undefined && item.text !== '' ? item.text : item.summary.join('\n\n');
}

/**
 * One thinking (or redacted_thinking) block; a reasoning item with neither readable text nor
 * replayable state renders nothing.
 */
export function reasoningBlock(item: ReasoningItem): AnthropicContentBlock | undefined {
  const opaque = item.opaque;
  if (opaque?.provider === 'anthropic' && opaque.redacted) return { type: 'redacted_thinking', data: opaque.data };
  const thinking = thinkingText(item);
  if (thinking === '' && !opaque) return undefined;
  return { type: 'thinking', thinking, signature: opaque ? encodeReasoningSignature(opaque, item.id) : '' };
}

export function toolUseBlock(call: FunctionCallItem): AnthropicContentBlock {
  return { type: 'tool_use', id: call.callId, name: call.name, input: toolInput(call.arguments) };
}

/** The thinking block that carries a function call's opaque state (Gemini thought signatures). */
export function callStateBlock(call: FunctionCallItem): AnthropicContentBlock | undefined {
  if (!call.opaque) return undefined;
  return { type: 'thinking', thinking: '', signature: encodeCallSignature(call.opaque) };
}

/**
 * Anthropic's `input` is an object; canonical keeps JSON text. Arguments that do not parse to an
 * object (a call cut off by max_tokens) become `{}`: clients type `input` as an object.
 */
export function toolInput(args: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(args);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  return {};
}

/** `stop_details` of a refusal; the explanation is the provider's refusal text when it gave one. */
export function refusalDetails(output: readonly OutputItem[]): AnthropicRefusalDetails {
  const texts = output.flatMap((item) =>
    item.type === 'message' ? item.content.flatMap((part) => (part.type === 'refusal' ? [part.refusal] : [])) : [],
  );
  return { type: 'refusal', category: null, explanation: texts.length > 0 ? texts.join('\n') : null };
}
