// A Messages caller that did not enable thinking must not receive thinking blocks (Anthropic never
// sends them then, and clients read `content[0].text`). Providers such as OpenAI return reasoning
// items for reasoning models regardless; they are left out of the answer for such callers.
import type { CanonicalResponse, CanonicalStreamEvent, CanonicalRequest } from '../../canonical/types.js';
import type { StreamEncoder } from '../surface.js';

export function thinkingRequested(request: CanonicalRequest): boolean {
  return request.reasoning !== undefined && request.reasoning.effort !== 'none';
}

export function withoutReasoning(response: CanonicalResponse): CanonicalResponse {
  return { ...response, output: response.output.filter((item) => item.type !== 'reasoning') };
}

/** Drops every event of reasoning items; other items keep their own output indexes. */
export function hidingReasoning(inner: StreamEncoder): StreamEncoder {
  const hidden = new Set<number>();
  return {
    event(event: CanonicalStreamEvent) {
      switch (event.type) {
        case 'item.added':
          if (event.item.type === 'reasoning') hidden.add(event.outputIndex);
          break;
        case 'response.completed':
          return inner.event({ type: 'response.completed', response: withoutReasoning(event.response) });
        case 'admitted':
        case 'response.created':
          return inner.event(event);
        default:
          break;
      }
      return hidden.has(event.outputIndex) ? '' : inner.event(event);
    },
    error: (err) => inner.error(err),
    end: () => inner.end(),
  };
}
