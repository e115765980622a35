// Canonical status and finish reason → Responses `incomplete_details` (the tier: ../openai-dialect.ts).
// https://platform.openai.com/docs/api-reference/responses/object#responses/object-incomplete_details
import type { FinishReason, ResponseStatus } from '../../canonical/types.js';

export function mapIncompleteDetails(status: ResponseStatus, reason: FinishReason): { reason: string } | null {
  if (status !== 'incomplete') return null;
  switch (reason.type) {
    case 'max_output_tokens':
      return { reason: 'max_output_tokens' };
    case 'content_filter':
    case 'refusal':
      return { reason: 'content_filter' };
    case 'paused':
      // OpenAI runs its hosted tools to the end inside one response, so the Responses API has no
      // paused turn. `incomplete` is what tells a client the answer is still to come; the reason is
      // Anthropic's own word, as other provider reasons are (`other` below), since neither
      // documented reason (max_output_tokens, content_filter) is true of it.
      return { reason: 'pause_turn' };
    case 'other':
      return { reason: reason.raw };
    case 'stop':
    case 'tool_calls':
      // An incomplete run that still reports a normal stop was cut short by the token limit.
      return { reason: 'max_output_tokens' };
  }
}
