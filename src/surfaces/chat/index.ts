// The OpenAI Chat Completions surface: POST /v1/chat/completions. Chat requests are decoded into
// the Responses-shaped canonical request like every other dialect.
// https://platform.openai.com/docs/api-reference/chat
import type { FlexError } from '../../errors/catalog.js';
import { renderOpenAIError, type RenderedError } from '../../errors/render.js';
import type { DecodedRequest, Surface } from '../surface.js';
import { decodeChatRequest } from './decode-request.js';
import { encodeChatResponse } from './encode-response.js';
import { createChatStreamEncoder } from './encode-stream.js';

export const chatSurface: Surface = {
  name: 'chat',
  path: '/v1/chat/completions',
  maxTokensParam: 'max_completion_tokens',
  exampleBody: '{"model":"gpt-5-mini","messages":[{"role":"user","content":"Hello"}],"start_within":"00h-00m-30s"}',
  decode(body: Record<string, unknown>): DecodedRequest {
    const { request, stream, includeUsage } = decodeChatRequest(body);
    return {
      request,
      stream,
      warnings: [],
      encodeResponse: (response, ctx) => encodeChatResponse(response, ctx.servedTier),
      createStreamEncoder: (ctx) => createChatStreamEncoder({ ctx, includeUsage, model: request.model }),
    };
  },
  renderError(err: FlexError, docsBaseUrl: string): RenderedError {
    return renderOpenAIError(err, docsBaseUrl);
  },
};
