// The Anthropic Messages caller surface: POST /v1/messages ⇄ canonical.
// https://platform.claude.com/docs/en/api/messages
import type { FlexError } from '../../errors/catalog.js';
import type { RenderedError } from '../../errors/render.js';
import { anthropicErrorBody, renderAnthropicError } from '../../errors/render.js';
import type { Surface } from '../surface.js';
import { decodeMessagesRequest } from './decode-request.js';
import { encodeMessagesResponse } from './encode-response.js';
import { createMessagesStreamEncoder } from './encode-stream.js';
import { hidingReasoning, thinkingRequested, withoutReasoning } from './hide-reasoning.js';

export const messagesSurface: Surface = {
  name: 'messages',
  path: '/v1/messages',
  maxTokensParam: 'max_tokens',
  exampleBody: '{"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[{"role":"user","content":"Hello"}],"start_within":"default"}',
  decode(body) {
    const { request, stream, warnings } = decodeMessagesRequest(body);
    if (thinkingRequested(request)) {
      return { request, stream, warnings, encodeResponse: encodeMessagesResponse, createStreamEncoder: createMessagesStreamEncoder };
    }
    return {
      request,
      stream,
      warnings,
      encodeResponse: (response, ctx) => encodeMessagesResponse(withoutReasoning(response), ctx),
      createStreamEncoder: (ctx) => hidingReasoning(createMessagesStreamEncoder(ctx)),
    };
  },
  renderError: renderMessagesError,
};

/**
 * Anthropic's error body has no `param` slot (https://docs.anthropic.com/en/api/errors), so a
 * message that does not already name the offending field gets it in front: shown as-is, it must
 * still say which field is wrong.
 */
export function renderMessagesError(err: FlexError): RenderedError {
  const rendered = renderAnthropicError(err);
  if (err.param === null || err.message.includes(err.param)) return rendered;
  const body = anthropicErrorBody(err);
  return { ...rendered, body: { ...body, error: { ...body.error, message: `\`${err.param}\`: ${body.error.message}` } } };
}

export { decodeMessagesRequest } from './decode-request.js';
export { encodeMessagesResponse } from './encode-response.js';
export { createMessagesStreamEncoder } from './encode-stream.js';
