// The Gemini provider: canonical request + tier → `POST {baseUrl}/v1beta/interactions` (always
// streamed) → canonical stream events. https://ai.google.dev/api/interactions-api
// Gemini flex targets minutes, not seconds, to start (https://ai.google.dev/gemini-api/docs/flex-inference);
// the transport's timeouts allow for that and the caller's AbortSignal bounds each attempt.
import type { ProviderCall } from '../provider.js';
import { createUpstreamProvider, type UpstreamParser, type UpstreamProvider, type UpstreamTransport } from '../upstream-stream.js';
import { convertRequest } from './convert-request.js';
import { httpError } from './map-error.js';
import { createGeminiStreamParser } from './parse-stream.js';

export interface GeminiProviderOptions {
  /** e.g. `https://generativelanguage.googleapis.com` (no trailing path). */
  baseUrl: string;
  /** The shared transport; by default the provider owns one. */
  transport?: UpstreamTransport;
}

export function createGeminiProvider(options: GeminiProviderOptions): UpstreamProvider {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/v1beta/interactions`;
  return createUpstreamProvider('gemini', options.transport, (call) => ({
    url,
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'x-goog-api-key': call.apiKey,
    },
    body: () => JSON.stringify(convertRequest(call.request, call.tier)),
    parser: upstreamParser(call),
    httpError,
  }));
}

function upstreamParser(call: ProviderCall): UpstreamParser {
  const parser = createGeminiStreamParser({ model: call.request.model, tier: call.tier });
  return {
    push: ({ data }) => parser.push(data),
    get done() {
      return parser.done;
    },
  };
}
