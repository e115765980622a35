// The provider interface: a canonical request plus a tier in, canonical stream events out.
// A provider never sees the caller's dialect; routing never sees a provider's wire format.
import type { CanonicalRequest, CanonicalStreamEvent, ProviderName, RequestedTier, Warning } from '../canonical/types.js';

/** What each provider's `convert…Request` (convertOpenAIRequest, convertGeminiRequest, convertAnthropicRequest) is given. */
export interface ConvertInput {
  request: CanonicalRequest;
  tier: RequestedTier;
}

/**
 * A provider's `convert…Request({ request, tier })` result, alike in all three: the upstream body and
 * what was changed to fit this provider, model and tier. Conversion is pure: it never changes the
 * canonical request, so converting it again (the flex race's fallback) gives an equal result.
 */
export interface Converted<Body> {
  body: Body;
  warnings: Warning[];
}

export interface ProviderCall {
  request: CanonicalRequest;
  tier: RequestedTier;
  /** The provider key to use (organization BYOK or deployment-wide). */
  apiKey: string;
  /** Aborts the upstream connection (client disconnect, race deadline, lost race). */
  signal: AbortSignal;
  /** Extra headers for the upstream request (W3C trace context); never overrides the provider's own. */
  headers?: Readonly<Record<string, string>>;
  /**
   * Set when one whole (non-streamed) upstream answer serves as well as a stream (a non-streamed
   * caller, and nothing learned from the attempt's start): how long answers like it take to finish.
   * A provider may then ask for the whole answer when its timeouts leave room for that time.
   */
  wholeWithinMs?: number;
}

/** One call's canonical events, with what its conversion changed (known before the first event). */
export interface ProviderStream extends AsyncIterable<CanonicalStreamEvent> {
  /** The conversion's warnings; empty when nothing changed or the request was refused. */
  readonly warnings: readonly Warning[];
}

export interface Provider {
  readonly name: ProviderName;
  /**
   * Converts the request for this call's tier and calls the provider, streaming upstream (or, where
   * the call allows it and the provider supports it, asking for the whole answer at once), yielding
   * canonical events in order; a whole answer yields the same events, all once it has arrived.
   *
   * - Emits `{type:'admitted'}` once, as soon as the upstream shows proof that work started
   *   (OpenAI: first non-error event after `response.in_progress`; Gemini: first step event;
   *   Anthropic: `message_start`), before any content event.
   * - Ends with exactly one `response.completed` (status completed | incomplete).
   * - Every failure is thrown from the iterator as a FlexError, never from `stream()` itself: a
   *   request the conversion refuses on the first `next()`; HTTP errors on the first `next()` via
   *   `upstreamError(...)` keeping the provider's status, message and code; in-stream errors and
   *   failed responses the same way; a stream that ends without completion as `upstream_error`
   *   status 502 "stream ended early"; network failures as `upstream_unavailable`.
   * - Abort via `signal` rejects with the signal's reason (an AbortError); callers handle it.
   */
  stream(call: ProviderCall): ProviderStream;
}
