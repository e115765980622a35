// Canonical finish reason → Chat Completions `finish_reason`.
// https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
import type { FinishReason } from '../../canonical/types.js';

export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/**
 * Chat has a closed set of finish reasons. A refusal ends with "stop" (the refusal text is in
 * `message.refusal`), as OpenAI does. Providers that report a plain stop while returning tool calls
 * (Gemini) still get "tool_calls", which is what Chat clients branch on. A paused turn (Anthropic's
 * server-side tool loop hit its limit before the answer) is "length": of the four it is the one that
 * says the answer was cut short by a limit, where "stop" would pass a partial answer off as whole.
 */
export function mapChatFinishReason(reason: FinishReason, hasToolCalls: boolean): ChatFinishReason {
  switch (reason.type) {
    case 'max_output_tokens':
    case 'paused':
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
