// Anthropic usage → canonical usage.
// Anthropic's `input_tokens` EXCLUDES cache reads and cache writes
// (https://platform.claude.com/docs/en/build-with-claude/prompt-caching#tracking-cache-performance);
// canonical `inputTokens` includes them, so the three are summed here.
import type { Usage } from '../../canonical/types.js';
import type { AnthropicUsage } from './wire.js';

/**
 * `message_start` carries the input side and a provisional output count; `message_delta` carries
 * the cumulative totals. A later non-null field wins.
 */
export function mergeUsage(earlier: AnthropicUsage, later: AnthropicUsage | undefined): AnthropicUsage {
  if (!later) return earlier;
  const merged: AnthropicUsage = { ...earlier };
  for (const key of Object.keys(later) as (keyof AnthropicUsage)[]) {
    const value = later[key];
    if (value !== null && value !== undefined) Object.assign(merged, { [key]: value });
  }
  return merged;
}

export function mapAnthropicUsage(usage: AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: (usage.input_tokens ?? 0) + cacheRead + cacheWrite,
    cachedTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    outputTokens: usage.output_tokens ?? 0,
    // Reported only by newer API versions (`output_tokens_details.thinking_tokens`); else unknown → 0.
    reasoningTokens: usage.output_tokens_details?.thinking_tokens ?? 0,
  };
}
