// Canonical output items → Responses output items, shared by the response object and the stream.
// Key order follows the recordings (test/fixtures/openai-responses/*.chunks.txt).
import type { FunctionCallItem, OutputContent, OutputItem, OutputMessage, ReasoningItem } from '../../canonical/types.js';
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
  }
}

export function encodePart(part: OutputContent): WireItem {
  switch (part.type) {
    case 'output_text':
      return { type: 'output_text', annotations: part.annotations ?? [], logprobs: [], text: part.text };
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
