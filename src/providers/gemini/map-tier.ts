// The tier Gemini reports having served (`interaction.service_tier`) → canonical served tier.
// https://ai.google.dev/gemini-api/docs/interactions/flex-inference
import type { RequestedTier, ServedTier } from '../../canonical/types.js';

export function mapGeminiServedTier(raw: string | undefined, requested: RequestedTier): ServedTier {
  switch (raw) {
    case 'flex':
      return 'flex';
    case 'standard':
      return 'standard';
    case 'priority':
      return 'priority';
    case undefined:
    default:
      // Absent or unknown (the raw value is kept beside it): report what was asked for.
      return requested === 'auto' ? 'standard' : requested;
  }
}
