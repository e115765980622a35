// Canonical response → `chat.completion`. Reasoning items have no Chat counterpart and are skipped
// (their tokens still count in usage.completion_tokens_details.reasoning_tokens).
// Shape: test/fixtures/openai-chat/openai-text.json
// https://platform.openai.com/docs/api-reference/chat/object
import type { Annotation, CanonicalResponse, FunctionCallItem, ServedTier } from '../../canonical/types.js';
import { mapServiceTier } from '../openai-dialect.js';
import { mapChatFinishReason } from './map-finish-reason.js';
import { mapChatUsage } from './map-usage.js';

/** Chat ids start with `chatcmpl-`; other providers' ids get the prefix. */
export function chatId(id: string): string {
  if (id.startsWith('chatcmpl-')) return id;
  return `chatcmpl-${id.replace(/^resp_/, '')}`;
}

export function encodeToolCall(call: FunctionCallItem): Record<string, unknown> {
  return { id: call.callId, type: 'function', function: { name: call.name, arguments: call.arguments } };
}

/**
 * A URL citation in Chat's nested form, its offsets moved by `offset`; other kinds have no Chat form.
 * https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices-message-annotations
 */
export function encodeAnnotation(annotation: Annotation, offset: number): Record<string, unknown>[] {
  if (annotation.type !== 'url_citation') return [];
  const { url, title, startIndex, endIndex } = annotation;
  return [{ type: 'url_citation', url_citation: { end_index: endIndex + offset, start_index: startIndex + offset, title, url } }];
}

export function encodeChatResponse(response: CanonicalResponse, servedTier: ServedTier): Record<string, unknown> {
  const texts: string[] = [];
  const refusals: string[] = [];
  const calls: FunctionCallItem[] = [];
  const annotations: Record<string, unknown>[] = [];
  let length = 0;
  for (const item of response.output) {
    if (item.type === 'function_call') calls.push(item);
    if (item.type !== 'message') continue;
    for (const part of item.content) {
      if (part.type === 'output_text') {
        // Chat offsets count from the start of the whole content, which joins every text part.
        for (const a of part.annotations ?? []) annotations.push(...encodeAnnotation(a, length));
        texts.push(part.text);
        length += part.text.length;
      } else refusals.push(part.refusal);
    }
  }
  // OpenAI sends content null beside tool calls or a refusal, and "" for an empty answer.
  const content = texts.length > 0 ? texts.join('') : calls.length > 0 || refusals.length > 0 ? null : '';
  const message: Record<string, unknown> = {
    role: 'assistant',
    content,
    refusal: refusals.length > 0 ? refusals.join('') : null,
    annotations,
  };
  if (calls.length > 0) message.tool_calls = calls.map(encodeToolCall);
  return {
    id: chatId(response.id),
    object: 'chat.completion',
    created: response.createdAt,
    model: response.model,
    choices: [
      { index: 0, message, logprobs: null, finish_reason: mapChatFinishReason(response.finishReason, calls.length > 0) },
    ],
    usage: mapChatUsage(response.usage),
    service_tier: mapServiceTier(servedTier),
    // No fingerprint is known across providers; OpenAI itself sends null for some models.
    system_fingerprint: null,
  };
}
