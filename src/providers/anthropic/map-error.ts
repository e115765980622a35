// Anthropic error answers (HTTP bodies and in-stream `error` events) → FlexError.
// Shape: {"type":"error","error":{"type","message"},"request_id"}; status per type from
// https://platform.claude.com/docs/en/api/errors
import { type FlexError, upstreamError } from '../../errors/catalog.js';
import { isObject } from '../json.js';

const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  conflict_error: 409,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

interface ParsedError {
  type?: string;
  message?: string;
}

/** An HTTP error answer; tolerant of empty and non-JSON bodies (proxies, load balancers). */
export function anthropicHttpError(status: number, bodyText: string): FlexError {
  const parsed = parseErrorBody(bodyText);
  const snippet = bodyText.trim().slice(0, 200);
  const message =
    parsed.message ?? (snippet === '' ? `Anthropic answered HTTP ${status} with an empty body.` : `Anthropic answered HTTP ${status}: ${snippet}`);
  return build(status, parsed.type, message);
}

/** An `error` event inside a 200 stream: the status comes from the error type. */
export function anthropicStreamError(error: ParsedError | undefined): FlexError {
  const type = error?.type;
  // Own keys only: an error type the provider invents (`constructor`) must not find Object's.
  const status = type !== undefined && Object.hasOwn(STATUS_BY_TYPE, type) ? (STATUS_BY_TYPE[type] ?? 502) : 502;
  return build(status, type, error?.message ?? 'Anthropic sent an error event without a message.');
}

function build(status: number, type: string | undefined, message: string): FlexError {
  return upstreamError({
    provider: 'anthropic',
    status,
    message,
    ...(type === undefined ? {} : { providerType: type, providerCode: type }),
  });
}

function parseErrorBody(text: string): ParsedError {
  try {
    const body: unknown = JSON.parse(text);
    if (!isObject(body)) return {};
    // Anthropic nests the details under `error`; some proxies answer a flat {type?, message}.
    const inner = isObject(body.error) ? body.error : body;
    return {
      ...(typeof inner.type === 'string' && inner.type !== 'error' ? { type: inner.type } : {}),
      ...(typeof inner.message === 'string' ? { message: inner.message } : {}),
    };
  } catch {
    return {};
  }
}
