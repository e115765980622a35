// POST /v1beta/interactions — the Gemini Interactions API as the gateway calls it
// (GEMINI_BASE_URL=<url>).
import { isHttpReply, type Dialect, type HttpReply, type PreparedCall } from '../dialect.js';
import type { Ask } from '../reply.js';
import type { Rng } from '../rng.js';
import { GEMINI_ERRORS } from './errors.js';
import { createGeminiRenderer } from './render.js';
import { readGeminiRequest } from './request.js';

export const geminiDialect: Dialect = {
  api: 'gemini',
  path: '/v1beta/interactions',
  streamHeaders: { 'content-type': 'text/event-stream' },
  headersBeforeAdmission: true,
  requestIdHeader: () => ({}),
  // API key in `x-goog-api-key` (or the `key` query parameter); OAuth callers send a bearer token.
  checkHeaders(headers, url) {
    const key = headers['x-goog-api-key'];
    const auth = headers.authorization;
    const ok = (typeof key === 'string' && key !== '') || url.searchParams.has('key') || (typeof auth === 'string' && /^Bearer\s+\S+/i.test(auth));
    return ok ? undefined : GEMINI_ERRORS.missingKey();
  },
  invalidJson: GEMINI_ERRORS.invalidJson,
  prepare(body): PreparedCall | HttpReply {
    const request = readGeminiRequest(body);
    if (isHttpReply(request)) return request;
    return { ask: request.ask, render: (ctx) => createGeminiRenderer(request, ctx) };
  },
  refusal: (ask: Ask, rng: Rng) => (ask.tierClass === 'flex' ? GEMINI_ERRORS.flexRefusal(rng) : GEMINI_ERRORS.overloaded()),
  outage: () => GEMINI_ERRORS.overloaded(),
  statusError: GEMINI_ERRORS.status,
  serverError: GEMINI_ERRORS.serverError,
};
