// The tier OpenAI reports having served (`response.service_tier`) → canonical served tier.
// https://platform.openai.com/docs/api-reference/responses/object (service_tier)
import type { ServedTier } from '../../canonical/types.js';

/** OpenAI answers `default` for the standard tier; `auto` and unknown values also mean standard. */
export function mapOpenAIServedTier(raw: string | undefined): ServedTier {
  switch (raw) {
    case 'flex':
      return 'flex';
    case 'priority':
      return 'priority';
    case undefined:
    default:
      return 'standard';
  }
}
