// OpenAI error bodies: {"error":{"message","type","param","code"}}.
// https://platform.openai.com/docs/guides/error-codes — bodies as recorded in
// test/fixtures/openai-responses (openai-error.1.json, test_openai_responses_model_http_error.yaml).
import type { HttpReply } from '../dialect.js';

export interface OpenAIErrorFields {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

export function openAIError(status: number, fields: OpenAIErrorFields, headers?: Record<string, string>): HttpReply {
  return headers ? { status, body: { error: fields }, headers } : { status, body: { error: fields } };
}

export const OPENAI_ERRORS = {
  missingKey: (): HttpReply =>
    openAIError(401, {
      message:
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
      type: 'invalid_request_error',
      param: null,
      code: null,
    }),
  invalidJson: (): HttpReply =>
    openAIError(400, {
      message:
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
      type: 'invalid_request_error',
      param: null,
      code: null,
    }),
  missingParam: (param: string): HttpReply =>
    openAIError(400, {
      message: `Missing required parameter: '${param}'.`,
      type: 'invalid_request_error',
      param,
      code: 'missing_required_parameter',
    }),
  invalidValue: (param: string, message: string): HttpReply =>
    openAIError(400, { message, type: 'invalid_request_error', param, code: 'invalid_value' }),
  flexUnsupported: (model: string): HttpReply =>
    openAIError(400, {
      message: `Flex processing is not available for model '${model}'. Use a model that supports service_tier 'flex', or the default service tier.`,
      type: 'invalid_request_error',
      param: 'service_tier',
      code: 'unsupported_value',
    }),
  encryptedContent: (itemId: string): HttpReply =>
    openAIError(400, {
      message: `The encrypted content for item ${itemId} could not be verified.`,
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_encrypted_content',
    }),
  /**
   * Flex capacity refusal: 429 "Resource Unavailable", not billed
   * (https://platform.openai.com/docs/guides/flex-processing). The guide names the status and
   * the condition; the exact body is not published, so `code` carries `resource_unavailable`.
   */
  resourceUnavailable: (): HttpReply =>
    openAIError(429, {
      message:
        'Resource Unavailable: flex processing capacity for this model is temporarily exhausted. Retry later with exponential backoff, or use the default service tier.',
      type: 'resource_unavailable',
      param: null,
      code: 'resource_unavailable',
    }),
  overloaded: (): HttpReply =>
    openAIError(503, {
      message: 'The server is overloaded or not ready yet.',
      type: 'server_error',
      param: null,
      code: null,
    }),
  serverError: (): HttpReply =>
    openAIError(500, {
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: null,
    }),
  status: (status: number): HttpReply => openAIError(status, fieldsForStatus(status)),
};

function fieldsForStatus(status: number): OpenAIErrorFields {
  switch (status) {
    case 400:
      return { message: 'Invalid request (emulated).', type: 'invalid_request_error', param: null, code: null };
    case 401:
      return {
        message: 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      };
    case 403:
      return { message: 'You are not allowed to sample from this model.', type: 'invalid_request_error', param: null, code: null };
    case 404:
      return { message: 'The model does not exist or you do not have access to it.', type: 'invalid_request_error', param: null, code: 'model_not_found' };
    case 429:
      return { message: 'Rate limit reached for requests (emulated).', type: 'requests', param: null, code: 'rate_limit_exceeded' };
    default:
      return status >= 500
        ? { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null }
        : { message: `Request failed with status ${status} (emulated).`, type: 'invalid_request_error', param: null, code: null };
  }
}
