// POST /v1/responses — the OpenAI Responses API as the gateway calls it (OPENAI_BASE_URL=<url>/v1).
import { isHttpReply, type Dialect, type HttpReply, type PreparedCall } from '../dialect.js';
import type { Ask } from '../reply.js';
import { ALPHABETS, type Rng } from '../rng.js';
import { OPENAI_ERRORS } from './errors.js';
import { createOpenAIRenderer } from './render.js';
import { readOpenAIRequest } from './request.js';

export const openAIDialect: Dialect = {
  api: 'openai',
  path: '/v1/responses',
  streamHeaders: { 'content-type': 'text/event-stream; charset=utf-8', 'openai-version': '2020-10-01' },
  headersBeforeAdmission: true,
  requestIdHeader: (rng: Rng) => ({ 'x-request-id': `req_${rng.chars(ALPHABETS.HEX, 32)}` }),
  checkHeaders(headers) {
    const auth = headers.authorization;
    return typeof auth === 'string' && /^Bearer\s+\S+/i.test(auth) ? undefined : OPENAI_ERRORS.missingKey();
  },
  invalidJson: OPENAI_ERRORS.invalidJson,
  prepare(body): PreparedCall | HttpReply {
    const request = readOpenAIRequest(body);
    if (isHttpReply(request)) return request;
    return {
      ask: request.ask,
      ...(request.lateRefusal ? { lateRefusal: request.lateRefusal } : {}),
      render: (ctx) => createOpenAIRenderer(request, ctx),
    };
  },
  refusal: (ask: Ask) => (ask.tierClass === 'flex' ? OPENAI_ERRORS.resourceUnavailable() : OPENAI_ERRORS.overloaded()),
  outage: () => OPENAI_ERRORS.overloaded(),
  statusError: OPENAI_ERRORS.status,
  serverError: OPENAI_ERRORS.serverError,
};
