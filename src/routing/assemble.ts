// For non-streaming callers: drain a committed stream to its final response.
import type { CanonicalResponse, CanonicalStreamEvent } from '../canonical/types.js';
import { FlexError } from '../errors/catalog.js';

export async function assembleResponse(events: AsyncIterator<CanonicalStreamEvent>): Promise<CanonicalResponse> {
  for (;;) {
    const r = await events.next();
    if (r.done) break;
    if (r.value.type === 'response.completed') return r.value.response;
  }
  throw new FlexError('upstream_error', { status: 502, detail: 'The provider stream ended without a final response.' });
}
