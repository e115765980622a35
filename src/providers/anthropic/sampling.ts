// Canonical temperature / top_p → Anthropic, leaving out the combinations Anthropic refuses (400):
// - "`temperature` and `top_p` cannot both be specified for this model" (Sonnet 4.5 and later;
//   applied to every Claude model): temperature is kept, top_p is not sent.
// - with thinking on, "temperature may only be set to 1 when thinking is enabled", and top_p must
//   be at least 0.95. https://platform.claude.com/docs/en/build-with-claude/extended-thinking
import type { AnthropicMessagesBody } from './wire-types.js';

/** Lowest top_p Anthropic accepts while thinking is on. */
export const MIN_THINKING_TOP_P = 0.95;

export function applySampling(
  body: AnthropicMessagesBody,
  sampling: { temperature?: number | undefined; topP?: number | undefined },
  warnings: string[],
): void {
  const thinking = body.thinking !== undefined;
  const { temperature, topP } = sampling;
  if (temperature !== undefined) {
    if (thinking && temperature !== 1) {
      warnings.push(`temperature: Anthropic accepts only temperature 1 while thinking is on; ${temperature} was not sent`);
    } else {
      body.temperature = temperature;
    }
  }
  if (topP === undefined) return;
  if (thinking && topP < MIN_THINKING_TOP_P) {
    warnings.push(`top_p: Anthropic accepts only top_p >= ${MIN_THINKING_TOP_P} while thinking is on; ${topP} was not sent`);
  } else if (body.temperature !== undefined) {
    warnings.push('top_p: Anthropic does not accept temperature and top_p together; temperature was kept and top_p was not sent');
  } else {
    body.top_p = topP;
  }
}
