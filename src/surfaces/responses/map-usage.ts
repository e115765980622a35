// Canonical usage → Responses `usage`. Canonical counts already follow OpenAI semantics (input
// includes cached, output includes reasoning), so this is a rename.
// https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
import type { Usage } from '../../canonical/types.js';

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export function mapResponsesUsage(usage: Usage): ResponsesUsage {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}
