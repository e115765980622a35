// The Gemini Interactions caller surface: POST /v1/interactions.
import type { FlexError } from '../../errors/catalog.js';
import type { RenderedError } from '../../errors/render.js';
import { googleErrorBody, renderGoogleError } from '../../errors/render.js';
import type { Surface } from '../surface.js';
import { decodeInteractionsRequest } from './decode-request.js';
import { encodeInteractionsResponse } from './encode-response.js';
import { createInteractionsStreamEncoder } from './encode-stream.js';

export const interactionsSurface: Surface = {
  name: 'interactions',
  path: '/v1/interactions',
  maxTokensParam: 'generation_config.max_output_tokens',
  exampleBody: '{"model":"gemini-2.5-flash","input":"Hello","start_within":"00h-00m-30s"}',
  decode(body) {
    const { request, stream, warnings, textOnlyInput } = decodeInteractionsRequest(body);
    const options = { textOnlyInput };
    return {
      request,
      stream,
      warnings,
      encodeResponse: (response, ctx) => encodeInteractionsResponse(response, ctx, options),
      createStreamEncoder: (ctx) => createInteractionsStreamEncoder(ctx, options),
    };
  },
  renderError: (err) => renderInteractionsError(err),
};

/**
 * Google's error body has no `param` slot (https://cloud.google.com/apis/design/errors), so a
 * message that does not already name the offending field gets it in front: shown as-is, it must
 * still say which field is wrong.
 */
export function renderInteractionsError(err: FlexError): RenderedError {
  const rendered = renderGoogleError(err);
  if (err.param === null || err.message.includes(err.param)) return rendered;
  const { error } = googleErrorBody(err);
  return { ...rendered, body: { error: { ...error, message: `\`${err.param}\`: ${error.message}` } } };
}
