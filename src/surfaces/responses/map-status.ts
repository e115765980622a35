// Canonical status and stop reason → Responses `incomplete_details` (the tier: ../openai-dialect.ts).
// https://platform.openai.com/docs/api-reference/responses/object#responses/object-incomplete_details
import type { ResponseStatus, StopReason } from '../../canonical/types.js';

export function mapIncompleteDetails(status: ResponseStatus, stop: StopReason): { reason: string } | null {
  if (status !== 'incomplete') return null;
  switch (stop.type) {
    case 'max_output_tokens':
      return { reason: 'max_output_tokens' };
    case 'content_filter':
    case 'refusal':
      return { reason: 'content_filter' };
    case 'other':
      return { reason: stop.raw };
    case 'stop':
    case 'tool_calls':
      // An incomplete run that still reports a normal stop was cut short by the token limit.
      return { reason: 'max_output_tokens' };
  }
}
