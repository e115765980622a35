// OpenAI failures → FlexError. HTTP errors keep OpenAI's status, message and code; in-stream
// errors (`error` events and `response.failed`) get a status derived from their code.
// https://platform.openai.com/docs/guides/error-codes
// https://platform.openai.com/docs/api-reference/responses-streaming/error
import { type FlexError, upstreamError } from '../../errors/catalog.js';
import { isObject, obj, str, type JsonObject } from '../json.js';

const PROVIDER = 'openai';
/** Longest slice of a non-JSON error body quoted back (proxies can answer with whole HTML pages). */
const MAX_RAW_MESSAGE = 300;

/** An HTTP answer with status >= 400; tolerant of empty and non-JSON bodies. */
export function openaiHttpError(status: number, bodyText: string, retryAfterMs?: number): FlexError {
  const fields = errorFields(parseJson(bodyText));
  const message = fields.message ?? rawMessage(status, bodyText);
  return upstreamError({
    provider: PROVIDER,
    status,
    message,
    ...optional('providerCode', fields.code ?? fields.type),
    ...optional('providerType', fields.type),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** An in-stream `error` event (nested `error` object or flat fields) or `response.failed`. */
export function openaiStreamError(event: JsonObject): FlexError {
  const source = str(event, 'type') === 'response.failed' ? obj(event, 'response') : event;
  const fields = errorFields(source ?? {});
  const code = fields.code ?? fields.type;
  return upstreamError({
    provider: PROVIDER,
    status: statusForCode(code),
    message: fields.message ?? 'The OpenAI response failed without an error message.',
    ...optional('providerCode', code),
    ...optional('providerType', fields.type),
  });
}

/** Status for an in-stream error code; HTTP status is not available once the stream has begun. */
export function statusForCode(code: string | undefined): number {
  switch (code) {
    case 'rate_limit_exceeded':
    case 'rate_limit_error':
    case 'insufficient_quota':
    case 'resource_unavailable':
      return 429;
    case 'server_is_overloaded':
    case 'slow_down':
    case 'service_unavailable':
      return 503;
    case 'invalid_request_error':
    case 'invalid_prompt':
    case 'context_length_exceeded':
    case 'unsupported_parameter':
    case 'unsupported_value':
      return 400;
    case 'model_not_found':
      return 404;
    case undefined:
      return 500;
    default:
      return code.startsWith('invalid_') ? 400 : 500;
  }
}

interface ErrorFields {
  message: string | undefined;
  type: string | undefined;
  code: string | undefined;
}

/** Reads `{error:{message,type,code}}`, `{error:"..."}` or flat `{message,type,code}`. */
function errorFields(body: unknown): ErrorFields {
  if (!isObject(body)) return { message: undefined, type: undefined, code: undefined };
  const nested = body.error;
  if (typeof nested === 'string') return { message: nested, type: undefined, code: undefined };
  const source = isObject(nested) ? nested : body;
  const message = str(source, 'message');
  return {
    message: message === undefined || message.length === 0 ? undefined : message,
    type: str(source, 'type'),
    code: str(source, 'code'),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function rawMessage(status: number, bodyText: string): string {
  const trimmed = bodyText.trim();
  if (trimmed.length === 0) return `OpenAI answered HTTP ${status} with an empty body.`;
  const clipped = trimmed.length > MAX_RAW_MESSAGE ? `${trimmed.slice(0, MAX_RAW_MESSAGE)}…` : trimmed;
  return `OpenAI answered HTTP ${status}: ${clipped}`;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
