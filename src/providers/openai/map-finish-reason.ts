// Why an OpenAI response stopped.
// https://platform.openai.com/docs/api-reference/responses/object (status, incomplete_details)
import type { FinishReason, OutputItem } from '../../canonical/types.js';

export interface OpenAIFinishInput {
  status: 'completed' | 'incomplete';
  /** `incomplete_details.reason`, when the response is incomplete. */
  incompleteReason: string | undefined;
  output: readonly OutputItem[];
}

export function mapOpenAIFinishReason({ status, incompleteReason, output }: OpenAIFinishInput): FinishReason {
  if (status === 'incomplete') return mapIncompleteReason(incompleteReason);
  if (output.some((item) => item.type === 'function_call')) return { type: 'tool_calls' };
  if (output.some(hasRefusal)) return { type: 'refusal' };
  return { type: 'stop' };
}

function mapIncompleteReason(reason: string | undefined): FinishReason {
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
