// The tier Anthropic reports having served (`usage.service_tier`) → canonical served tier.
// https://platform.claude.com/docs/en/api/service-tiers
import type { ServedTier } from '../../canonical/types.js';

/** `usage.service_tier` is standard | priority | batch; batch never happens on a streamed call. */
export function mapAnthropicServedTier(raw: string | null | undefined): ServedTier {
  return raw === 'priority' ? 'priority' : 'standard';
}
