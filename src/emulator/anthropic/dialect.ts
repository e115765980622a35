// POST /v1/messages — the Anthropic Messages API as the gateway calls it (ANTHROPIC_BASE_URL=<url>).
import { isHttpReply, type Dialect, type HttpReply, type PreparedCall } from '../dialect.js';
import { isObject } from '../json.js';
import { ALPHABETS, type Rng } from '../rng.js';
import { ANTHROPIC_ERRORS } from './errors.js';
import { createAnthropicRenderer } from './render.js';
import { readAnthropicRequest } from './request.js';

export const anthropicDialect: Dialect = {
  api: 'anthropic',
  path: '/v1/messages',
  streamHeaders: { 'content-type': 'text/event-stream; charset=utf-8' },
  headersBeforeAdmission: false,
  requestIdHeader: (rng: Rng) => ({ 'request-id': `req_011C${rng.chars(ALPHABETS.ALNUM, 20)}` }),
  finishError(reply: HttpReply, baseHeaders: Record<string, string>): HttpReply {
    const requestId = baseHeaders['request-id'];
    return isObject(reply.body) && requestId !== undefined ? { ...reply, body: { ...reply.body, request_id: requestId } } : reply;
  },
  // The SDK sends `x-api-key` (or `Authorization: Bearer` for tokens); a version header is required.
  checkHeaders(headers) {
    const key = headers['x-api-key'];
    const auth = headers.authorization;
    const hasKey = (typeof key === 'string' && key !== '') || (typeof auth === 'string' && /^Bearer\s+\S+/i.test(auth));
    if (!hasKey) return ANTHROPIC_ERRORS.missingKey();
    const version = headers['anthropic-version'];
    return typeof version === 'string' && version !== '' ? undefined : ANTHROPIC_ERRORS.missingVersion();
  },
  invalidJson: ANTHROPIC_ERRORS.invalidJson,
  prepare(body): PreparedCall | HttpReply {
    const request = readAnthropicRequest(body);
    if (isHttpReply(request)) return request;
    return { ask: request.ask, render: (ctx) => createAnthropicRenderer(request, ctx) };
  },
  // Anthropic sells no flex tier; shortage and outage alike answer 529 overloaded_error.
  refusal: () => ANTHROPIC_ERRORS.overloaded(),
  outage: () => ANTHROPIC_ERRORS.overloaded(),
  statusError: ANTHROPIC_ERRORS.status,
  serverError: ANTHROPIC_ERRORS.serverError,
};
