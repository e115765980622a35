// Gemini failures → FlexError. Google's error envelope is `{"error":{"code","message","status"}}`
// (https://ai.google.dev/gemini-api/docs/troubleshooting, google.rpc.Status); bodies may also be
// empty or not JSON (proxies, load balancers), so every field is optional here.
import { type FlexError, upstreamError } from '../../errors/catalog.js';
import { retryAfterFromGoogleBody } from '../retry-after.js';
import type { WireInteraction, WireStatus } from './wire.js';

const PROVIDER = 'gemini';
const MAX_TEXT_MESSAGE = 500;

/** HTTP status for each google.rpc.Code name (https://cloud.google.com/apis/design/errors). */
const HTTP_STATUS_BY_NAME: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  DATA_LOSS: 500,
  UNKNOWN: 500,
  INTERNAL: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/**
 * An HTTP error answer (status >= 400) with its raw body text; the wait before a retry comes from
 * the headers, else from the body's google.rpc.RetryInfo.
 */
export function geminiHttpError(status: number, bodyText: string, retryAfterMs?: number): FlexError {
  const parsed = parseEnvelope(bodyText);
  const wait = retryAfterMs ?? (status === 429 || status === 503 ? retryAfterFromGoogleBody(parseJson(bodyText)) : undefined);
  return upstreamError({
    provider: PROVIDER,
    status,
    ...(parsed?.status ? { providerCode: parsed.status } : {}),
    message: parsed?.message || textMessage(bodyText) || `Gemini answered HTTP ${status} without a message.`,
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** An in-stream `error` event: `{"event_type":"error","error":{"code","message"}}`. */
export function geminiStreamError(error: WireStatus | undefined): FlexError {
  const name = statusName(error);
  return upstreamError({
    provider: PROVIDER,
    status: httpStatusOf(error, name),
    ...(name ? { providerCode: name } : {}),
    message: error?.message || 'Gemini reported an error in the stream.',
  });
}

/** `interaction.completed` with status failed / cancelled. */
export function failedInteraction(interaction: WireInteraction | undefined, raw: string): FlexError {
  const name = statusName(interaction?.error);
  return upstreamError({
    provider: PROVIDER,
    status: interaction?.error ? httpStatusOf(interaction.error, name) : 502,
    // The interaction status ("failed", "cancelled") is not a google.rpc name; rendering maps the HTTP status.
    ...(name ? { providerCode: name } : {}),
    message: interaction?.error?.message || `The Gemini interaction ended with status "${raw}".`,
  });
}

function parseEnvelope(bodyText: string): WireStatus | undefined {
  if (bodyText.trim() === '') return undefined;
  try {
    const body: unknown = JSON.parse(bodyText);
    // Google sometimes wraps the envelope in a one-element array.
    const first: unknown = Array.isArray(body) ? body[0] : body;
    const error = (first as { error?: unknown } | null)?.error;
    if (typeof error !== 'object' || error === null) return undefined;
    const e = error as Record<string, unknown>;
    return {
      ...(typeof e.message === 'string' ? { message: e.message } : {}),
      ...(typeof e.status === 'string' ? { status: e.status } : {}),
      ...(typeof e.code === 'number' || typeof e.code === 'string' ? { code: e.code } : {}),
    };
  } catch {
    return undefined;
  }
}

function textMessage(bodyText: string): string {
  return bodyText.trim().slice(0, MAX_TEXT_MESSAGE);
}

/** The google.rpc status name: `status`, or a string `code` that is one. */
function statusName(error: WireStatus | undefined): string | undefined {
  if (typeof error?.status === 'string' && error.status !== '') return error.status;
  if (typeof error?.code === 'string' && error.code !== '') return error.code;
  return undefined;
}

function httpStatusOf(error: WireStatus | undefined, name: string | undefined): number {
  if (typeof error?.code === 'number' && error.code >= 400 && error.code <= 599) return error.code;
  const byName = name === undefined ? undefined : HTTP_STATUS_BY_NAME[name.toUpperCase()];
  return byName ?? 502;
}
