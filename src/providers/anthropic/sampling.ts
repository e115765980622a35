// Canonical temperature / top_p → Anthropic, leaving out the combinations Anthropic refuses (400):
// - "`temperature` and `top_p` cannot both be specified for this model" (Sonnet 4.5 and later;
//   applied to every Claude model): temperature is kept, top_p is not sent.
// - with thinking on, "temperature may only be set to 1 when thinking is enabled", and top_p must
//   be at least 0.95. https://platform.claude.com/docs/en/build-with-claude/extended-thinking
import type { Warn } from '../warnings.js';
import type { AnthropicMessagesBody } from './wire.js';

/** Lowest top_p Anthropic accepts while thinking is on. */
export const MIN_THINKING_TOP_P = 0.95;

export function applySampling(
  body: AnthropicMessagesBody,
  sampling: { temperature?: number | undefined; topP?: number | undefined },
  warn: Warn,
): void {
  const thinking = body.thinking !== undefined;
  const { temperature, topP } = sampling;
  if (temperature !== undefined) {
    if (thinking && temperature !== 1) {
      warn('sampling_dropped', 'temperature', `Anthropic accepts only temperature 1 while thinking is on; ${temperature} was not sent.`);
    } else {
      body.temperature = temperature;
    }
  }
  if (topP === undefined) return;
  if (thinking && topP < MIN_THINKING_TOP_P) {
    warn('sampling_dropped', 'top_p', `Anthropic accepts only top_p >= ${MIN_THINKING_TOP_P} while thinking is on; ${topP} was not sent.`);
  } else if (body.temperature !== undefined) {
    warn('sampling_dropped', 'top_p', 'Anthropic does not accept temperature and top_p together; temperature was kept and top_p was not sent.');
  } else {
    body.top_p = topP;
  }
}
