// The Gemini provider: canonical request + tier → `POST {baseUrl}/v1beta/interactions` (always
// streamed) → canonical stream events. https://ai.google.dev/api/interactions-api
// Gemini flex targets minutes, not seconds, to start (https://ai.google.dev/gemini-api/docs/flex-inference);
// the race's budget bounds a flex attempt, and one that sends no event for the transport's idle
// timeout fails like any silent upstream.
import type { ProviderCall } from '../provider.js';
import { createUpstreamProvider, type UpstreamParser, type UpstreamProvider, type UpstreamTransport } from '../upstream-stream.js';
import { convertGeminiRequest } from './convert-request.js';
import { geminiHttpError } from './map-error.js';
import { createGeminiStreamParser } from './parse-stream.js';

export interface GeminiProviderOptions {
  /** e.g. `https://generativelanguage.googleapis.com` (no trailing path). */
  baseUrl: string;
  /** The shared transport; by default the provider owns one. */
  transport?: UpstreamTransport;
}

export function createGeminiProvider(options: GeminiProviderOptions): UpstreamProvider {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/v1beta/interactions`;
  return createUpstreamProvider('gemini', options.transport, (call) => {
    const { body, warnings } = convertGeminiRequest({ request: call.request, tier: call.tier });
    return {
      url,
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'x-goog-api-key': call.apiKey,
      },
      body: JSON.stringify(body),
      warnings,
      parser: upstreamParser(call),
      httpError: geminiHttpError,
    };
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
