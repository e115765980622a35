// The provider interface: a canonical request plus a tier in, canonical stream events out.
// A provider never sees the caller's dialect; routing never sees a provider's wire format.
import type { CanonicalRequest, CanonicalStreamEvent, ProviderName, RequestedTier } from '../canonical/types.js';

export interface ProviderCall {
  request: CanonicalRequest;
  tier: RequestedTier;
  /** The provider key to use (organization BYOK or deployment-wide). */
  apiKey: string;
  /** Aborts the upstream connection (client disconnect, race deadline, lost race). */
  signal: AbortSignal;
  /** Extra headers for the upstream request (W3C trace context); never overrides the provider's own. */
  headers?: Readonly<Record<string, string>>;
}

export interface Provider {
  readonly name: ProviderName;
  /**
   * Calls the provider, always streaming upstream, and yields canonical events in order.
   *
   * - Emits `{type:'admitted'}` once, as soon as the upstream shows proof that work started
   *   (OpenAI: first non-error event after `response.in_progress`; Gemini: first step event;
   *   Anthropic: `message_start`), before any content event.
   * - Ends with exactly one `response.completed` (status completed | incomplete).
   * - Every failure is thrown from the iterator as a FlexError: HTTP errors on the first `next()`
   *   via `upstreamError(...)` keeping the provider's status, message and code; in-stream errors
   *   and failed responses the same way; a stream that ends without completion as
   *   `upstream_error` status 502 "stream ended early"; network failures as `upstream_unavailable`.
   * - Abort via `signal` rejects with the signal's reason (an AbortError); callers handle it.
   */
  stream(call: ProviderCall): AsyncIterable<CanonicalStreamEvent>;
}
