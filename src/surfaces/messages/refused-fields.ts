// Top-level fields of a /v1/messages body: which are carried, which are refused (docs/product.md §6).
// https://platform.claude.com/docs/en/api/messages
import { FlexError } from '../../errors/catalog.js';
import { describe, isUnset, unsupported } from '../fields.js';
import type { JsonObject } from '../fields.js';
import { refuseCacheControl } from './fields.js';

/** Fields decoded into the canonical request (`start_within` is the server's, ignored here). */
const CARRIED = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'thinking',
  'temperature',
  'top_p',
  'metadata',
  'stream',
  'output_config',
  // Structured outputs before they moved under output_config (beta `structured-outputs-2025-11-13`).
  'output_format',
  'start_within',
]);

/** Fields that are refused only when set to a real value; their defaults pass. */
const REFUSED_WHEN_SET = new Set(['top_k', 'stop_sequences', 'cache_control', 'service_tier']);

/**
 * Refuses `service_tier` (FlexInference owns the tier), `top_k`, non-empty `stop_sequences`,
 * a top-level `cache_control`, and any field the canonical form cannot carry.
 */
export function refuseMessagesTopLevelFields(body: JsonObject): void {
  if (!isUnset(body.service_tier)) {
    throw new FlexError('service_tier_not_allowed', {
      param: 'service_tier',
      detail: `\`service_tier\` was set to ${describe(body.service_tier)}.`,
    });
  }
  if (!isUnset(body.top_k)) {
    throw unsupported('top_k', '`top_k` is not supported: OpenAI has no top-k sampling, so it cannot be carried to every provider.');
  }
  const stops = body.stop_sequences;
  if (!isUnset(stops) && !(Array.isArray(stops) && stops.length === 0)) {
    throw unsupported('stop_sequences', '`stop_sequences` is not supported: the OpenAI Responses API has no stop sequences.');
  }
  refuseCacheControl(body, '');
  for (const key of Object.keys(body)) {
    if (CARRIED.has(key) || REFUSED_WHEN_SET.has(key)) continue;
    throw unsupported(key, `\`${key}\` is not supported on /v1/messages.`);
  }
}
