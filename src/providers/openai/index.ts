// The OpenAI provider: POST {baseUrl}/responses, always streamed, parsed into canonical events.
// https://platform.openai.com/docs/api-reference/responses/create
import { createUpstreamProvider, type UpstreamEvent, type UpstreamParser, type UpstreamProvider, type UpstreamTransport } from '../upstream-stream.js';
import { convertRequest } from './convert-request.js';
import { httpError } from './map-error.js';
import { createOpenAIStreamParser } from './parse-stream.js';

export { convertRequest, serviceTierFor } from './convert-request.js';
export { isReasoningModel } from './model-rules.js';
export { createOpenAIStreamParser, type OpenAIStreamParser } from './parse-stream.js';

export interface OpenAIProviderOptions {
  /** SDK convention: includes `/v1`, e.g. https://api.openai.com/v1. */
  baseUrl: string;
  /** The shared transport; by default the provider owns one. */
  transport?: UpstreamTransport;
}

export function createOpenAIProvider(options: OpenAIProviderOptions): UpstreamProvider {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/responses`;
  return createUpstreamProvider('openai', options.transport, (call) => ({
    url,
    headers: {
      authorization: `Bearer ${call.apiKey}`,
      'content-type': 'application/json',
      accept: 'text/event-stream',
    },
    body: () => JSON.stringify(convertRequest({ request: call.request, tier: call.tier })),
    parser: upstreamParser(),
    httpError,
  }));
}

function upstreamParser(): UpstreamParser {
  const parser = createOpenAIStreamParser();
  return {
    push: (event) => parser.push(withType(event)),
    get done() {
      return parser.done;
    },
  };
}

/** The type lives in the payload; the `event:` line is only a fallback when a payload lacks it. */
function withType({ data, event }: UpstreamEvent): UpstreamEvent['data'] {
  if (typeof data.type !== 'string' && event !== undefined) data.type = event;
  return data;
}
