// Canonical output items → Responses output items, shared by the response object and the stream.
// Key order follows the recordings (test/fixtures/openai-responses/*.chunks.txt).
import type {
  Annotation,
  FunctionCallItem,
  OutputContent,
  OutputItem,
  OutputMessage,
  ReasoningItem,
  WebSearchCallItem,
} from '../../canonical/types.js';
import { encodeOpaque } from './opaque-reasoning.js';

export type WireItem = Record<string, unknown>;

export function encodeItem(item: OutputItem): WireItem {
  switch (item.type) {
    case 'message':
      return encodeMessage(item);
    case 'reasoning':
      return encodeReasoning(item);
    case 'function_call':
      return encodeFunctionCall(item);
    case 'web_search_call':
      return encodeWebSearchCall(item);
    // OpenAI's hosted tool calls and other items of its own: exactly as OpenAI sent them.
    case 'provider_item':
      return item.raw;
  }
}

/** https://platform.openai.com/docs/api-reference/responses/object (ResponseFunctionWebSearch) */
function encodeWebSearchCall(item: WebSearchCallItem): WireItem {
  const action: WireItem = { type: 'search', query: item.queries[0] ?? '' };
  if (item.queries.length > 1) action.queries = item.queries;
  if (item.sources.length > 0) action.sources = item.sources.map((s) => ({ type: 'url', url: s.url }));
  return { id: item.id, type: 'web_search_call', status: item.status, action };
}

/** Annotations of an output_text part, in OpenAI's form (`url_citation` with character offsets). */
export function encodeAnnotation(annotation: Annotation): WireItem {
  switch (annotation.type) {
    case 'url_citation':
      return { type: 'url_citation', end_index: annotation.endIndex, start_index: annotation.startIndex, title: annotation.title, url: annotation.url };
    case 'other':
      return annotation.raw;
  }
}

export function encodePart(part: OutputContent): WireItem {
  switch (part.type) {
    case 'output_text':
      return { type: 'output_text', annotations: (part.annotations ?? []).map(encodeAnnotation), logprobs: [], text: part.text };
    case 'refusal':
      return { type: 'refusal', refusal: part.refusal };
  }
}

function encodeMessage(item: OutputMessage): WireItem {
  const wire: WireItem = { id: item.id, type: 'message', status: item.status, content: item.content.map(encodePart) };
  if (item.phase !== undefined) wire.phase = item.phase;
  wire.role = 'assistant';
  return wire;
}

function encodeReasoning(item: ReasoningItem): WireItem {
  const wire: WireItem = { id: item.id, type: 'reasoning' };
  if (item.opaque) wire.encrypted_content = encodeOpaque(item.opaque);
  wire.summary = item.summary.map((text) => ({ type: 'summary_text', text }));
  // Full reasoning text (Anthropic thinking) is the Responses `content` of reasoning_text parts.
  if (item.text) wire.content = [{ type: 'reasoning_text', text: item.text }];
  return wire;
}

function encodeFunctionCall(item: FunctionCallItem): WireItem {
  const wire: WireItem = {
    id: item.id,
    type: 'function_call',
    status: item.status ?? 'completed',
    arguments: item.arguments,
    call_id: item.callId,
    name: item.name,
  };
  // Gemini signs function calls; the signature rides along for replay (see opaque-reasoning.ts).
  if (item.opaque) wire.encrypted_content = encodeOpaque(item.opaque);
  return wire;
}
