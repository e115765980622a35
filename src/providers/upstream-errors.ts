// Transport errors: one reading of undici's failures, and of a stream or answer that cannot be
// trusted, for every provider.
import { errors } from 'undici';
import type { ProviderName } from '../canonical/types.js';
import { FlexError, isFlexError, toFlexError, upstreamError } from '../errors/catalog.js';

/** How the providers are named in messages. */
export const PROVIDER_LABELS: Readonly<Record<ProviderName, string>> = { openai: 'OpenAI', gemini: 'Gemini', anthropic: 'Anthropic' };

/** The upstream sent nothing for `idleMs` (FLEX_UPSTREAM_IDLE_TIMEOUT_MS). */
export function idleError(provider: ProviderName, idleMs: number): FlexError {
  return new FlexError('upstream_timeout', {
    detail: `${PROVIDER_LABELS[provider]} sent no event for ${idleMs} ms (FLEX_UPSTREAM_IDLE_TIMEOUT_MS).`,
  });
}


/** A failure before the response headers: nothing reached us, or not in time. */
export function connectError(err: unknown, provider: ProviderName, url: string): FlexError {
  const code = errorCode(err);
  const where = `${PROVIDER_LABELS[provider]} at ${originOf(url)}`;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new FlexError('upstream_timeout', { detail: `${where} did not answer in time (${code}).`, cause: err });
  }
  return new FlexError('upstream_unavailable', {
    detail: `Could not reach ${where}${code === undefined ? '' : ` (${code})`}.`,
    cause: err,
  });
}

/** A failure while reading an answer whose headers arrived: aborts rethrow their reason. */
export function readFailure(err: unknown, provider: ProviderName, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (isFlexError(err)) return err;
  const code = errorCode(err);
  // A connection cut inside a chunked body surfaces as an HTTP parser error, without a code.
  if (err instanceof errors.HTTPParserError) return endedEarlyError(provider, 'connection lost: the response was cut');
  if (code === undefined) return toFlexError(err);
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    return new FlexError('upstream_timeout', { detail: `${PROVIDER_LABELS[provider]} stopped sending (${code}).`, cause: err });
  }
  return endedEarlyError(provider, `connection lost: ${code}`);
}

/** The upstream body ended (cleanly or not) before the provider's final event. */
export function endedEarlyError(provider: ProviderName, reason?: string): FlexError {
  const why = reason === undefined ? '' : ` (${reason})`;
  return upstreamError({ provider, status: 502, message: `The ${PROVIDER_LABELS[provider]} stream ended early, before the response completed${why}.` });
}

/** A whole answer that is not a JSON object. */
export function malformedAnswerError(provider: ProviderName, raw: string): FlexError {
  return upstreamError({ provider, status: 502, message: `${PROVIDER_LABELS[provider]} sent a malformed answer: ${raw.slice(0, 120)}` });
}

/** A payload that is not a JSON object: the stream can no longer be trusted to be complete. */
export function malformedEventError(provider: ProviderName, raw: string): FlexError {
  return upstreamError({ provider, status: 502, message: `${PROVIDER_LABELS[provider]} sent a malformed stream event: ${raw.slice(0, 120)}` });
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const direct = (err as { code?: unknown }).code;
  if (typeof direct === 'string') return direct;
  const cause = (err as { cause?: unknown }).cause;
  return cause === undefined || cause === err ? undefined : errorCode(cause);
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
