// Anthropic `stop_reason` → canonical stop reason and response status.
// https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons
import type { FinishReason, ResponseStatus } from '../../canonical/types.js';

export function mapAnthropicFinishReason(raw: string | null | undefined): FinishReason {
  switch (raw ?? '') {
    case 'end_turn':
    case 'stop_sequence':
      return { type: 'stop' };
    case 'max_tokens':
      return { type: 'max_output_tokens' };
    case 'tool_use':
      return { type: 'tool_calls' };
    case 'refusal':
      return { type: 'refusal' };
    case 'pause_turn':
      return { type: 'paused' };
    default:
      return { type: 'other', raw: raw ?? 'unknown' };
  }
}

/**
 * Output cut short by a token limit is `incomplete`, as in the Responses API; so is a paused turn,
 * whose answer is still to come.
 */
export function statusForStop(raw: string | null | undefined): ResponseStatus {
  return raw === 'max_tokens' || raw === 'model_context_window_exceeded' || raw === 'pause_turn' ? 'incomplete' : 'completed';
}
