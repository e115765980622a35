// Canonical output items → Anthropic content blocks, shared by the response and stream encoders.
import type {
  Annotation,
  FunctionCallItem,
  OutputContent,
  OutputItem,
  OutputMessage,
  ReasoningItem,
  WebSearchCallItem,
} from '../../canonical/types.js';
import { encodeCallSignature, encodeReasoningSignature } from './opaque-signature.js';
import type { AnthropicContentBlock, AnthropicRefusalDetails, AnthropicWebCitation } from './wire.js';

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
    case 'web_search_call':
      return searchBlocks(item);
    // Another provider's hosted tool call (OpenAI code interpreter, MCP, …) has no Anthropic block;
    // its result reaches the caller through the answer's text.
    case 'provider_item':
      return [];
  }
}

/** Text parts become text blocks; a refusal (OpenAI) is shown as text, with stop_reason refusal. */
function messageBlocks(message: OutputMessage): AnthropicContentBlock[] {
  return message.content.map(textBlock);
}

/** One text block for a content part, with its web citations. */
export function textBlock(part: OutputContent): AnthropicContentBlock {
  if (part.type === 'refusal') return { type: 'text', text: part.refusal };
  const citations = (part.annotations ?? []).flatMap((a) => citation(a, part.text));
  return citations.length > 0 ? { type: 'text', text: part.text, citations } : { type: 'text', text: part.text };
}

/**
 * A URL citation as Anthropic's web citation. Anthropic cites a whole text block and quotes the
 * source; a citation from another provider spans part of the text, which is quoted as `cited_text`.
 */
export function citation(annotation: Annotation, text: string): AnthropicWebCitation[] {
  if (annotation.type !== 'url_citation') return [];
  const { url, title, startIndex, endIndex } = annotation;
  return [{ type: 'web_search_result_location', url, title: title === '' ? null : title, cited_text: text.slice(startIndex, endIndex), encrypted_index: '' }];
}

/** A web search as Anthropic shows its own: server_tool_use, then its web_search_tool_result. */
export function searchBlocks(item: WebSearchCallItem): [AnthropicContentBlock, AnthropicContentBlock] {
  const id = serverToolUseId(item.id);
  const content =
    item.status === 'failed'
      ? { type: 'web_search_tool_result_error' as const, error_code: 'unavailable' as const }
      : item.sources.map((s) => ({ type: 'web_search_result' as const, url: s.url, title: s.title ?? s.url, encrypted_content: '', page_age: null }));
  return [
    { type: 'server_tool_use', id, name: 'web_search', input: item.queries[0] !== undefined ? { query: item.queries[0] } : {} },
    { type: 'web_search_tool_result', tool_use_id: id, content },
  ];
}

/** Anthropic's own searches keep their `srvtoolu_` id (the item id is `ws_` + it). */
function serverToolUseId(itemId: string): string {
  return itemId.startsWith('ws_srvtoolu_') ? itemId.slice(3) : `srvtoolu_${itemId.replace(/^ws_/, '')}`;
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
