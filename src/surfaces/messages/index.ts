// The Anthropic Messages caller surface: POST /v1/messages ⇄ canonical.
// https://platform.claude.com/docs/en/api/messages
import type { Surface } from '../surface.js';
import { renderAnthropicError } from '../../errors/render.js';
import { decodeMessagesRequest } from './decode-request.js';
import { encodeMessagesResponse } from './encode-response.js';
import { createMessagesStreamEncoder } from './encode-stream.js';

export const messagesSurface: Surface = {
  name: 'messages',
  path: '/v1/messages',
  maxTokensParam: 'max_tokens',
  decode(body) {
    const { request, stream } = decodeMessagesRequest(body);
    return {
      request,
      stream,
      encodeResponse: encodeMessagesResponse,
      createStreamEncoder: createMessagesStreamEncoder,
    };
  },
  renderError(err) {
    return renderAnthropicError(err);
  },
};

export { decodeMessagesRequest } from './decode-request.js';
export { encodeMessagesResponse } from './encode-response.js';
export { createMessagesStreamEncoder } from './encode-stream.js';
