// The Gemini provider: canonical request + tier → `POST {baseUrl}/v1beta/interactions` (always
// streamed) → canonical stream events. https://ai.google.dev/api/interactions-api
// Gemini flex targets minutes, not seconds, to start (https://ai.google.dev/gemini-api/docs/flex-inference);
// the transport's timeouts allow for that and the caller's AbortSignal bounds each attempt.
import type { CanonicalStreamEvent } from '../../canonical/types.js';
import type { Provider, ProviderCall } from '../provider.js';
import { providerTransport, type UpstreamParser, type UpstreamTransport } from '../upstream-stream.js';
import { convertRequest } from './convert-request.js';
import { httpError } from './map-error.js';
import { createGeminiStreamParser } from './parse-stream.js';

export interface GeminiProviderOptions {
  /** e.g. `https://generativelanguage.googleapis.com` (no trailing path). */
  baseUrl: string;
  /** The shared transport; by default the provider owns one. */
  transport?: UpstreamTransport;
}

export interface GeminiProvider extends Provider {
  /** Closes the provider's own transport (not one passed in). */
  close(): Promise<void>;
}

export function createGeminiProvider(options: GeminiProviderOptions): GeminiProvider {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/v1beta/interactions`;
  const transport = providerTransport(options.transport);
  return {
    name: 'gemini',
    stream: (call) => streamInteraction(transport, url, call),
    close: () => transport.close(),
  };
}

function streamInteraction(transport: UpstreamTransport, url: string, call: ProviderCall): AsyncGenerator<CanonicalStreamEvent> {
  return transport.stream({
    provider: 'gemini',
    url,
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'x-goog-api-key': call.apiKey,
    },
    body: () => JSON.stringify(convertRequest(call.request, call.tier)),
    signal: call.signal,
    parser: upstreamParser(call),
    httpError,
  });
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
