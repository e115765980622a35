// Why an OpenAI response stopped, and which tier served it.
// https://platform.openai.com/docs/api-reference/responses/object (status, incomplete_details, service_tier)
import type { OutputItem, ServedTier, StopReason } from '../../canonical/types.js';

export interface StopInput {
  status: 'completed' | 'incomplete';
  /** `incomplete_details.reason`, when the response is incomplete. */
  incompleteReason: string | undefined;
  output: readonly OutputItem[];
}

export function mapStopReason({ status, incompleteReason, output }: StopInput): StopReason {
  if (status === 'incomplete') return mapIncompleteReason(incompleteReason);
  if (output.some((item) => item.type === 'function_call')) return { type: 'tool_calls' };
  if (output.some(hasRefusal)) return { type: 'refusal' };
  return { type: 'stop' };
}

function mapIncompleteReason(reason: string | undefined): StopReason {
  switch (reason) {
    case 'max_output_tokens':
      return { type: 'max_output_tokens' };
    case 'content_filter':
      return { type: 'content_filter' };
    case undefined:
      return { type: 'other', raw: 'incomplete' };
    default:
      return { type: 'other', raw: reason };
  }
}

function hasRefusal(item: OutputItem): boolean {
  return item.type === 'message' && item.content.some((part) => part.type === 'refusal');
}

/** OpenAI answers `default` for the standard tier; `auto` and unknown values also mean standard. */
export function mapServedTier(raw: string | undefined): ServedTier {
  switch (raw) {
    case 'flex':
      return 'flex';
    case 'priority':
      return 'priority';
    case undefined:
    default:
      return 'standard';
  }
}
