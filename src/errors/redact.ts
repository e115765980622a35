// Provider keys are removed from error text by their actual values, whatever their format: an
// upstream (or a proxy in front of it) may quote the key it was sent in its error message, and
// pattern masking (`redactSecrets`) only knows the usual `sk-…`/`AIza…` shapes.
import type { FlexError } from './catalog.js';

export const REDACTED = '[redacted]';
/** Shorter values are not treated as secrets: masking them would garble ordinary words. */
const MIN_SECRET_LENGTH = 8;

export function redactValues(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** The same error with every secret value removed from its message; the error itself when none occurs. */
export function withoutSecrets(err: FlexError, secrets: readonly string[]): FlexError {
  const message = redactValues(err.message, secrets);
  const upstreamMessage = err.upstream && redactValues(err.upstream.message, secrets);
  if (message === err.message && upstreamMessage === err.upstream?.message) return err;
  const copy = Object.create(Object.getPrototypeOf(err) as object, Object.getOwnPropertyDescriptors(err)) as FlexError;
  Object.defineProperty(copy, 'message', { value: message, writable: true, configurable: true });
  Object.defineProperty(copy, 'stack', { value: redactValues(err.stack ?? '', secrets), writable: true, configurable: true });
  if (err.upstream && upstreamMessage !== undefined) {
    Object.defineProperty(copy, 'upstream', { value: { ...err.upstream, message: upstreamMessage }, configurable: true });
  }
  return copy;
}
