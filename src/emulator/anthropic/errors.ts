// Anthropic error bodies: {"type":"error","error":{"type","message"},"request_id"}.
// https://docs.anthropic.com/en/api/errors — shape as recorded in
// test/fixtures/anthropic/test_anthropic_explicit_effort_xhigh_unsupported_model_errors.yaml.
import type { HttpReply } from '../dialect.js';

export function anthropicError(status: number, type: string, message: string): HttpReply {
  return { status, body: { type: 'error', error: { type, message } } };
}

/** The error `type` Anthropic uses for an HTTP status. */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

export const ANTHROPIC_ERRORS = {
  missingKey: (): HttpReply => anthropicError(401, 'authentication_error', 'x-api-key header is required'),
  missingVersion: (): HttpReply => anthropicError(400, 'invalid_request_error', 'anthropic-version: header is required'),
  invalidJson: (): HttpReply => anthropicError(400, 'invalid_request_error', 'There was an error parsing the body of your request.'),
  fieldRequired: (field: string): HttpReply => anthropicError(400, 'invalid_request_error', `${field}: Field required`),
  invalid: (message: string): HttpReply => anthropicError(400, 'invalid_request_error', message),
  /** Anthropic answers capacity shortage with 529 (https://docs.anthropic.com/en/api/errors). */
  overloaded: (): HttpReply => anthropicError(529, 'overloaded_error', 'Overloaded'),
  serverError: (): HttpReply => anthropicError(500, 'api_error', 'Internal server error'),
  status: (status: number): HttpReply => anthropicError(status, anthropicErrorType(status), `Emulated ${anthropicErrorType(status)} (HTTP ${status}).`),
};

/**
 * The in-stream error event. Anthropic's streaming docs print its data with spaces after the
 * separators (like `{"type": "ping"}` on the recorded wire), so it is written verbatim.
 * https://docs.anthropic.com/en/docs/build-with-claude/streaming#error-events
 */
export const ANTHROPIC_STREAM_OVERLOADED =
  'event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n';
