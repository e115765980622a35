// Canonical stop reason → Chat Completions `finish_reason`.
// https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
import type { StopReason } from '../../canonical/types.js';

export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/**
 * Chat has a closed set of finish reasons. A refusal ends with "stop" (the refusal text is in
 * `message.refusal`), as OpenAI does. Providers that report a plain stop while returning tool calls
 * (Gemini) still get "tool_calls", which is what Chat clients branch on.
 */
export function mapFinishReason(stop: StopReason, hasToolCalls: boolean): ChatFinishReason {
  switch (stop.type) {
    case 'max_output_tokens':
      return 'length';
    case 'content_filter':
      return 'content_filter';
    case 'tool_calls':
      return 'tool_calls';
    case 'stop':
    case 'refusal':
    case 'other':
      return hasToolCalls ? 'tool_calls' : 'stop';
  }
}
