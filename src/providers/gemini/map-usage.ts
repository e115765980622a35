// Interactions usage → canonical usage (OpenAI semantics).
// Gemini counts thought tokens apart: `total_output_tokens` EXCLUDES `total_thought_tokens`
// (basic fixture: 26 output + 115 thought + 7 input = 148 total_tokens), while canonical
// `outputTokens` includes reasoning. `total_input_tokens` is the whole prompt, cached part
// included (as `promptTokenCount` on generateContent), matching canonical `inputTokens`.
import type { Usage } from '../../canonical/types.js';
import type { WireUsage } from './wire.js';

export function mapGeminiUsage(usage: WireUsage | undefined): Usage {
  const output = count(usage?.total_output_tokens);
  const thought = count(usage?.total_thought_tokens);
  return {
    inputTokens: count(usage?.total_input_tokens),
    cachedTokens: count(usage?.total_cached_tokens),
    outputTokens: output + thought,
    reasoningTokens: thought,
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
