// Canonical usage → Anthropic `usage`.
// https://platform.claude.com/docs/en/api/messages (usage object)
//
// Anthropic's `input_tokens` EXCLUDES tokens read from or written to the prompt cache; those are
// reported separately. Canonical `inputTokens` includes them (OpenAI semantics), so they are
// subtracted here. `output_tokens` includes thinking on both sides; the thinking share is
// `output_tokens_details.thinking_tokens`, sent only when there was some (older responses omit it).
import type { ServedTier, Usage } from '../../canonical/types.js';

export interface AnthropicUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
  service_tier?: ServedTier;
  output_tokens_details?: { thinking_tokens: number };
}

/** Counters without the tier: the cumulative `usage` of a stream's `message_delta`. */
export function mapUsageCounters(usage: Usage): AnthropicUsage {
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const mapped: AnthropicUsage = {
    input_tokens: Math.max(0, usage.inputTokens - usage.cachedTokens - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: usage.cachedTokens,
    output_tokens: usage.outputTokens,
  };
  if (usage.reasoningTokens > 0) mapped.output_tokens_details = { thinking_tokens: usage.reasoningTokens };
  return mapped;
}

/** The full usage object of a Message, with the tier FlexInference served it on. */
export function mapMessagesUsage(usage: Usage, servedTier: ServedTier): AnthropicUsage {
  const { output_tokens_details, ...counters } = mapUsageCounters(usage);
  const mapped: AnthropicUsage = { ...counters, service_tier: servedTier };
  if (output_tokens_details) mapped.output_tokens_details = output_tokens_details;
  return mapped;
}

/** Usage before anything is known (a stream's `message_start`). */
export function emptyUsage(servedTier: ServedTier): AnthropicUsage {
  return {
    input_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 0,
    service_tier: servedTier,
  };
}
