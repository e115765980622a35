// The Anthropic provider: canonical request → POST /v1/messages (always streamed) → canonical events.
// https://platform.claude.com/docs/en/api/messages
import { malformedEventError } from '../upstream-errors.js';
import { createUpstreamProvider, type UpstreamParser, type UpstreamProvider, type UpstreamTransport } from '../upstream-stream.js';
import { convertAnthropicRequest } from './convert-request.js';
import { anthropicHttpError } from './map-error.js';
import { createAnthropicStreamParser } from './parse-stream.js';
import type { AnthropicStreamEvent } from './wire.js';

export interface AnthropicProviderOptions {
  /** e.g. `https://api.anthropic.com` (no `/v1`). */
  baseUrl: string;
  /** The shared transport; by default the provider owns one. */
  transport?: UpstreamTransport;
  /** Clock in epoch milliseconds (tests); defaults to Date.now. */
  now?: () => number;
}

/** The API version this adapter speaks; newer features are opted into per request, not by version. */
export const ANTHROPIC_VERSION = '2023-06-01';

export function createAnthropicProvider(options: AnthropicProviderOptions): UpstreamProvider {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/v1/messages`;
  const now = options.now ?? Date.now;
  return createUpstreamProvider('anthropic', options.transport, (call) => {
    const { body, warnings } = convertAnthropicRequest({ request: call.request, tier: call.tier });
    return {
      url,
      headers: {
        'x-api-key': call.apiKey,
        'anthropic-version': ANTHROPIC_VERSION,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: JSON.stringify(body),
      warnings,
      parser: upstreamParser(now),
      httpError: anthropicHttpError,
    };
  });
}

function upstreamParser(now: () => number): UpstreamParser {
  const parser = createAnthropicStreamParser({ now });
  return {
    push({ data }) {
      if (typeof data.type !== 'string') throw malformedEventError('anthropic', JSON.stringify(data));
      const step = parser.push(data as unknown as AnthropicStreamEvent);
      if (step.type === 'error') throw step.error;
      return step.events;
    },
    get done() {
      return parser.done;
    },
  };
}
