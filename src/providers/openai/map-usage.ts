// OpenAI Responses `usage` → canonical Usage. OpenAI's counts already follow the canonical
// convention (input includes cached, output includes reasoning), so this only renames.
// https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
import type { Usage } from '../../canonical/types.js';
import { isObject, num, obj } from '../json.js';

export function mapOpenAIUsage(raw: unknown): Usage {
  if (!isObject(raw)) return { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 };
  const inputDetails = obj(raw, 'input_tokens_details');
  const outputDetails = obj(raw, 'output_tokens_details');
  return {
    inputTokens: num(raw, 'input_tokens') ?? 0,
    cachedTokens: (inputDetails && num(inputDetails, 'cached_tokens')) ?? 0,
    outputTokens: num(raw, 'output_tokens') ?? 0,
    reasoningTokens: (outputDetails && num(outputDetails, 'reasoning_tokens')) ?? 0,
  };
}
