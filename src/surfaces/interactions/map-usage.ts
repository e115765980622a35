// Canonical usage → Interactions `usage`. Canonical output tokens include reasoning; Gemini
// reports answer tokens (`total_output_tokens`) and thought tokens (`total_thought_tokens`)
// apart, and `total_tokens` as their sum with the input (basic.json: 7 + 26 + 115 = 148).
import type { Usage } from '../../canonical/types.js';
import type { InteractionUsage } from './wire.js';

/**
 * `textOnlyInput`: the request carried no images, so every input token is a text token and the
 * per-modality breakdown the API reports can be given truthfully; otherwise it is left out.
 */
export function mapInteractionsUsage(usage: Usage, textOnlyInput: boolean): InteractionUsage {
  const thought = Math.min(usage.reasoningTokens, usage.outputTokens);
  const answer = usage.outputTokens - thought;
  return {
    total_tokens: usage.inputTokens + usage.outputTokens,
    total_input_tokens: usage.inputTokens,
    ...(textOnlyInput ? { input_tokens_by_modality: [{ modality: 'text', tokens: usage.inputTokens }] } : {}),
    total_cached_tokens: usage.cachedTokens,
    total_output_tokens: answer,
    total_tool_use_tokens: 0,
    total_thought_tokens: thought,
  };
}
