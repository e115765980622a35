// The final interaction status → canonical status and finish reason.
// Statuses: https://ai.google.dev/api/interactions-api (in_progress | requires_action |
// completed | failed | cancelled | incomplete | budget_exceeded | requires_continuation).
import type { FinishReason, ResponseStatus } from '../../canonical/types.js';

export type GeminiFinishOutcome =
  | { type: 'finished'; status: ResponseStatus; finishReason: FinishReason }
  /** The interaction did not produce a usable answer; the caller throws. */
  | { type: 'failed'; raw: string };

export function mapGeminiFinishReason(raw: string | undefined, hasFunctionCall: boolean): GeminiFinishOutcome {
  switch (raw) {
    case 'completed':
    case 'requires_action':
      // requires_action is how Gemini ends a turn that asks for function results.
      return {
        type: 'finished',
        status: 'completed',
        finishReason: hasFunctionCall ? { type: 'tool_calls' } : { type: 'stop' },
      };
    case 'incomplete':
      return { type: 'finished', status: 'incomplete', finishReason: { type: 'max_output_tokens' } };
    case 'budget_exceeded':
    case 'requires_continuation':
      return { type: 'finished', status: 'incomplete', finishReason: { type: 'other', raw } };
    case 'failed':
    case 'cancelled':
      return { type: 'failed', raw };
    case undefined:
      return { type: 'failed', raw: 'missing status' };
    default:
      return { type: 'finished', status: 'completed', finishReason: { type: 'other', raw } };
  }
}
