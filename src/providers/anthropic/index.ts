// The Anthropic provider: canonical request → POST /v1/messages (always streamed) → canonical events.
// https://platform.claude.com/docs/en/api/messages
import type { ProviderCall } from '../provider.js';
import {
  createUpstreamProvider,
  malformedEventError,
  type UpstreamParser,
  type UpstreamProvider,
  type UpstreamTransport,
} from '../upstream-stream.js';
import { convertRequest } from './convert-request.js';
import { httpError } from './map-error.js';
import { createAnthropicStreamTransform } from './parse-stream.js';
import type { AnthropicStreamEvent } from './wire-types.js';

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
  return createUpstreamProvider('anthropic', options.transport, (call) => ({
    url,
    headers: {
      'x-api-key': call.apiKey,
      'anthropic-version': ANTHROPIC_VERSION,
      'content-type': 'application/json',
      accept: 'text/event-stream',
    },
    body: () => convertBody(call),
    parser: upstreamParser(now),
    httpError,
  }));
}

function convertBody(call: ProviderCall): string {
  const { body, warnings } = convertRequest(call.request, call.tier);
  if (warnings.length > 0) {
    const target = (call.request.warnings ??= []);
    target.push(...warnings.filter((warning) => !target.includes(warning)));
  }
  return JSON.stringify(body);
}

function upstreamParser(now: () => number): UpstreamParser {
  const transform = createAnthropicStreamTransform({ now });
  return {
    push({ data }) {
      if (typeof data.type !== 'string') throw malformedEventError('anthropic', JSON.stringify(data));
      const step = transform.push(data as unknown as AnthropicStreamEvent);
      if (step.type === 'error') throw step.error;
      return step.events;
    },
    get done() {
      return transform.done;
    },
  };
}
