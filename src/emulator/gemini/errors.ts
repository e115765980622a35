// Google API error bodies: {"error":{"code","message","status"}} with the canonical status names.
// https://cloud.google.com/apis/design/errors#handling_errors — shape as recorded in
// test/fixtures/gemini/google-429-retry-info.json.
import type { HttpReply } from '../dialect.js';
import type { Rng } from '../rng.js';

export function googleError(code: number, status: string, message: string): HttpReply {
  return { status: code, body: { error: { code, message, status } } };
}

export function googleStatusName(code: number): string {
  switch (code) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 499:
      return 'CANCELLED';
    case 501:
      return 'UNIMPLEMENTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return code >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
  }
}

const OVERLOADED = 'The model is overloaded. Please try again later.';

export const GEMINI_ERRORS = {
  missingKey: (): HttpReply =>
    googleError(
      403,
      'PERMISSION_DENIED',
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    ),
  invalidJson: (): HttpReply => googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unexpected token.'),
  invalid: (message: string): HttpReply => googleError(400, 'INVALID_ARGUMENT', message),
  /**
   * Flex is best-effort and sheddable: it answers 503 when at capacity, sometimes 429
   * (https://ai.google.dev/gemini-api/docs/flex). Seven in ten refusals here are 503.
   */
  flexRefusal: (rng: Rng): HttpReply =>
    rng.next() < 0.7
      ? googleError(503, 'UNAVAILABLE', OVERLOADED)
      : googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'),
  overloaded: (): HttpReply => googleError(503, 'UNAVAILABLE', OVERLOADED),
  serverError: (): HttpReply =>
    googleError(500, 'INTERNAL', 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'),
  status: (code: number): HttpReply => googleError(code, googleStatusName(code), `Emulated ${googleStatusName(code)} (HTTP ${code}).`),
};

/** The in-stream error event of the Interactions API (`event_type: "error"`). */
export const GEMINI_STREAM_ERROR = { error: { message: OVERLOADED, code: 'unavailable' }, event_type: 'error' };
