// The Gemini Interactions caller surface: POST /v1/interactions.
import { renderGoogleError } from '../../errors/render.js';
import type { Surface } from '../surface.js';
import { decodeRequest } from './decode-request.js';
import { encodeResponse } from './encode-response.js';
import { createInteractionsStreamEncoder } from './encode-stream.js';

export const interactionsSurface: Surface = {
  name: 'interactions',
  path: '/v1/interactions',
  maxTokensParam: 'generation_config.max_output_tokens',
  decode(body) {
    const { request, stream, textOnlyInput } = decodeRequest(body);
    const options = { textOnlyInput };
    return {
      request,
      stream,
      encodeResponse: (response, ctx) => encodeResponse(response, ctx, options),
      createStreamEncoder: (ctx) => createInteractionsStreamEncoder(ctx, options),
    };
  },
  renderError: (err) => renderGoogleError(err),
};
