// The OpenAI provider: POST {baseUrl}/responses, streamed (or one whole answer where the call
// allows it), parsed into canonical events.
// https://platform.openai.com/docs/api-reference/responses/create
import type { NativeFields } from '../../canonical/types.js';
import type { UpstreamEvent } from '../sse-decoder.js';
import { createUpstreamProvider, type UpstreamParser, type UpstreamProvider, type UpstreamTransport } from '../upstream-stream.js';
import { convertOpenAIRequest } from './convert-request.js';
import { openaiHttpError } from './map-error.js';
import { createOpenAIStreamParser } from './parse-stream.js';

export { convertOpenAIRequest, openaiServiceTierFor } from './convert-request.js';
export { isReasoningModel } from './model-traits.js';
export { createOpenAIStreamParser, type OpenAIStreamParser } from './parse-stream.js';

export interface OpenAIProviderOptions {
  /** SDK convention: includes `/v1`, e.g. https://api.openai.com/v1. */
  baseUrl: string;
  /** The shared transport; by default the provider owns one. */
  transport?: UpstreamTransport;
}

export function createOpenAIProvider(options: OpenAIProviderOptions): UpstreamProvider {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/responses`;
  return createUpstreamProvider('openai', options.transport, (call, allowsWhole) => {
    const { body, warnings } = convertOpenAIRequest({ request: call.request, tier: call.tier });
    const whole = allowsWhole && plainNative(call.request.native);
    if (whole) body.stream = false;
    return {
      url,
      headers: {
        authorization: `Bearer ${call.apiKey}`,
        'content-type': 'application/json',
        accept: whole ? 'application/json' : 'text/event-stream',
      },
      body: JSON.stringify(body),
      warnings,
      parser: upstreamParser(),
      httpError: openaiHttpError,
      ...(whole ? { wholeAnswer: asFinalEvent } : {}),
    };
  });
}

/**
 * Whether native fields leave a call as quick as the finish times learned without them: only the
 * `store` flag (sent for every Responses caller) does. Hosted tools, `background`, a previous
 * response and the rest go as the caller sent them, and those calls stream.
 */
function plainNative(native: NativeFields | undefined): boolean {
  if (native === undefined) return true;
  if (native.tools.length > 0) return false;
  for (const field in native.body) if (field !== 'store') return false;
  return true;
}

/** A whole Responses answer is the `response` of the event a stream would have ended with. */
function asFinalEvent(response: UpstreamEvent['data']): UpstreamEvent {
  const status = response.status;
  const type = status === 'failed' ? 'response.failed' : status === 'incomplete' ? 'response.incomplete' : 'response.completed';
  return { data: { type, response }, event: undefined };
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
