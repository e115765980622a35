// Canonical response status → Interactions `status`. A completed turn that ends in function
// calls is `requires_action` (the caller must run them), as in tool-call-step1.json.
import type { CanonicalResponse } from '../../canonical/types.js';
import type { InteractionStatus } from './wire.js';

export function interactionStatus(response: CanonicalResponse): InteractionStatus {
  switch (response.status) {
    case 'failed':
      return 'failed';
    case 'incomplete':
      return 'incomplete';
    case 'completed':
      return response.output.some((item) => item.type === 'function_call') ? 'requires_action' : 'completed';
  }
}
