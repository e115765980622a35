// The OpenAI Responses surface: POST /v1/responses.
// https://platform.openai.com/docs/api-reference/responses
import type { FlexError } from '../../errors/catalog.js';
import { renderOpenAIError, type RenderedError } from '../../errors/render.js';
import type { DecodedRequest, Surface } from '../surface.js';
import { decodeResponsesRequest } from './decode-request.js';
import { encodeResponsesResponse } from './encode-response.js';
import { createResponsesStreamEncoder } from './encode-stream.js';

export const responsesSurface: Surface = {
  name: 'responses',
  path: '/v1/responses',
  maxTokensParam: 'max_output_tokens',
  exampleBody: '{"model":"gpt-5-mini","input":"Hello","start_within":"00h-00m-30s"}',
  decode(body: Record<string, unknown>): DecodedRequest {
    const { request, stream, echo } = decodeResponsesRequest(body);
    return {
      request,
      stream,
      warnings: [],
      keepOutput: echo.store,
      encodeResponse: (response, ctx) => encodeResponsesResponse(response, echo, ctx.servedTier),
      createStreamEncoder: (ctx) => createResponsesStreamEncoder({ echo, ctx, model: request.model }),
    };
  },
  renderError(err: FlexError, docsBaseUrl: string): RenderedError {
    return renderOpenAIError(err, docsBaseUrl);
  },
};
