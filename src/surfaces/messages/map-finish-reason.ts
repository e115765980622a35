// Canonical finish reason → Anthropic `stop_reason`.
// https://platform.claude.com/docs/en/api/handling-stop-reasons
import type { CanonicalResponse } from '../../canonical/types.js';

export type AnthropicStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

const ANTHROPIC_STOP_REASONS: ReadonlySet<string> = new Set<AnthropicStopReason>([
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
]);

function isAnthropicStopReason(raw: string): raw is AnthropicStopReason {
  return ANTHROPIC_STOP_REASONS.has(raw);
}

export function mapMessagesStopReason(response: Pick<CanonicalResponse, 'finishReason' | 'output'>): AnthropicStopReason {
  const reason = response.finishReason;
  switch (reason.type) {
    case 'stop':
      // Anthropic clients run their tool loop on `tool_use`; providers that report a plain
      // completion after emitting calls (OpenAI Responses) still mean "call the tools".
      return response.output.some((item) => item.type === 'function_call') ? 'tool_use' : 'end_turn';
    case 'max_output_tokens':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
    case 'refusal':
      return 'refusal';
    case 'paused':
      // The caller continues it as Anthropic documents: by sending the content back.
      return 'pause_turn';
    case 'other':
      // An Anthropic upstream's own value (pause_turn, stop_sequence, …) is kept verbatim.
      return isAnthropicStopReason(reason.raw) ? reason.raw : 'end_turn';
  }
}
