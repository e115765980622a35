// Renders a FlexError into each caller dialect's error envelope. Stream encoders use the same
// bodies for their in-stream error events.
import type { ErrorType } from './catalog.js';
import type { FlexError } from './catalog.js';

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    code: string;
    param: string | null;
    doc_url: string;
  };
}

export interface AnthropicErrorBody {
  type: 'error';
  /** `code` is FlexInference's own (docs/product.md §7); Anthropic's envelope has type and message. */
  error: { type: string; message: string; code: string };
}

/** https://github.com/googleapis/googleapis/blob/master/google/rpc/error_details.proto (ErrorInfo) */
export interface GoogleErrorInfo {
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo';
  reason: string;
  domain: 'flexinference';
  metadata: Record<string, string>;
}

export interface GoogleErrorBody {
  error: { code: number; message: string; status: string; details: GoogleErrorInfo[] };
}

/** The machine-readable code: the provider's own for its errors when it gave one, else ours. */
export function errorCode(err: FlexError): string {
  return err.upstream?.providerCode ?? err.code;
}

function headersFor(err: FlexError): Record<string, string> {
  const headers: Record<string, string> = { 'x-flexinference-error-code': err.code };
  if (err.retryAfterSeconds !== undefined) headers['retry-after'] = String(err.retryAfterSeconds);
  return headers;
}

/** OpenAI `type` for an error: our own type, or for provider errors one derived from the status. */
export function openAIErrorType(err: FlexError): ErrorType {
  if (!err.upstream) return err.type;
  if (err.status === 429) return 'rate_limit_error';
  if (err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 403) {
    return 'invalid_request_error';
  }
  return 'upstream_error';
}

export function openAIErrorBody(err: FlexError, docsBaseUrl: string): OpenAIErrorBody {
  return {
    error: {
      message: err.message,
      type: openAIErrorType(err),
      code: errorCode(err),
      param: err.param,
      doc_url: `${docsBaseUrl}/docs/errors#${err.code}`,
    },
  };
}

export function renderOpenAIError(err: FlexError, docsBaseUrl: string): RenderedError {
  return { status: err.status, headers: headersFor(err), body: openAIErrorBody(err, docsBaseUrl) };
}

// https://docs.anthropic.com/en/api/errors
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

export function anthropicErrorBody(err: FlexError): AnthropicErrorBody {
  // An Anthropic upstream error keeps Anthropic's own type (e.g. overloaded_error).
  const type =
    err.upstream?.provider === 'anthropic' && err.upstream.providerType
      ? err.upstream.providerType
      : anthropicErrorType(err.status);
  return { type: 'error', error: { type, message: err.message, code: errorCode(err) } };
}

export function renderAnthropicError(err: FlexError): RenderedError {
  return { status: err.status, headers: headersFor(err), body: anthropicErrorBody(err) };
}

// https://cloud.google.com/apis/design/errors#handling_errors
export function googleStatusName(status: number): string {
  switch (status) {
    case 400:
    case 413:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'UNIMPLEMENTED';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 499:
      return 'CANCELLED';
    case 501:
      return 'UNIMPLEMENTED';
    case 503:
    case 502:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
  }
}

/** The google.rpc.Code names (https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto). */
const GOOGLE_RPC_CODES: ReadonlySet<string> = new Set([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
]);

export function googleErrorBody(err: FlexError): GoogleErrorBody {
  // Gemini's own status name is kept when it is one; anything else (an interaction status such as
  // "failed", a proxy's invention) is replaced by the name for the HTTP status.
  const own = err.upstream?.provider === 'gemini' ? err.upstream.providerCode?.toUpperCase() : undefined;
  const status = own !== undefined && GOOGLE_RPC_CODES.has(own) && own !== 'OK' ? own : googleStatusName(err.status);
  const info: GoogleErrorInfo = {
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason: err.code.toUpperCase(),
    domain: 'flexinference',
    metadata: err.param === null ? {} : { param: err.param },
  };
  if (err.upstream?.providerCode) info.metadata.provider_code = err.upstream.providerCode;
  return { error: { code: err.status, message: err.message, status, details: [info] } };
}

export function renderGoogleError(err: FlexError): RenderedError {
  return { status: err.status, headers: headersFor(err), body: googleErrorBody(err) };
}
